// Where a thumbnail is cut from the picture when a crop mode is on, and how large it is.
#pragma once

#include <opencv2/core/mat.hpp>

#include "thumbflow/crop.hpp"
#include "thumbflow/geometry.hpp"
#include "thumbflow/options.hpp"

namespace thumbflow::detail {

// Size of a picture of size `in` scaled to cover `box` (both sides set) keeping its aspect ratio:
// one side lands on the box, the other at least on it. Without allow_enlarge a picture that does
// not cover the box keeps its size. Pure.
Dimensions cover_size(Dimensions in, Dimensions box, bool allow_enlarge);

struct CropPlan {
  cv::Rect window;    // the part of the decoded upright pixels to keep
  Dimensions target;  // the thumbnail size: the box, or the box's shape at 1:1 (see options.hpp)
  CropRect original;  // `window` in pixels of the original upright picture
};

// Chooses the window for options.crop (not None) and options.gravity on the decoded upright
// `pixels`, whose rectangle `extent` (see DecodedImage::extent; empty: all of them) spans an
// original upright picture of size `original`. Throws std::runtime_error when the face cascade is
// missing.
CropPlan plan_crop(const cv::Mat& pixels, cv::Rect2d extent, Dimensions original,
                   const ThumbnailOptions& options);

}  // namespace thumbflow::detail

namespace thumbflow::detail {

// The crop options' own limits, for every way in (run_batch, queue jobs): a crop needs a box
// bounded on both sides; a gravity needs a crop mode and fractions 0..1. Throws
// std::invalid_argument with one line.
void check_crop_options(const ThumbnailOptions& options);

}  // namespace thumbflow::detail
