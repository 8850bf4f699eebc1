// From decoded pixels to thumbnail pixels: area resize, alpha handling, 8-bit output.
#pragma once

#include <opencv2/core/mat.hpp>

#include "thumbflow/geometry.hpp"
#include "thumbflow/options.hpp"

namespace thumbflow::detail {

// Resizes `pixels` (CV_8U/16U/32F; 1, 3 or 4 channels) to `target` with an area-averaging filter
// (cubic when enlarging), and returns 8-bit pixels: gray stays 1 channel; with alpha and
// keep_alpha, BGRA (resized premultiplied, so no dark fringes); with alpha and !keep_alpha,
// composited onto `background` (BGR). An alpha channel that is fully opaque is dropped.
// extent: the rectangle, in pixels, that the picture spans when its first or last row/column only
// partly belongs to it (JPEG DCT scaling, see DecodedImage::extent); empty = the pixel rectangle.
cv::Mat resize_for_thumbnail(const cv::Mat& pixels, Dimensions target, bool keep_alpha, Rgb background,
                             cv::Rect2d extent = {});

}  // namespace thumbflow::detail
