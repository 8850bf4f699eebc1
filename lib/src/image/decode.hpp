// From file bytes to upright pixels, decoding no more than the thumbnail needs.
#pragma once

#include <opencv2/core/mat.hpp>

#include "image/codec.hpp"
#include "image/format.hpp"
#include "thumbflow/geometry.hpp"
#include "thumbflow/options.hpp"

namespace thumbflow::detail {

struct DecodedImage {
  cv::Mat pixels;       // upright; CV_8U/16U/32F with 1, 3 (BGR) or 4 (BGRA) channels
  Dimensions stored{};  // full size as stored in the file, before orientation and scaling
  Dimensions target{};  // the thumbnail size the options ask for (upright)
  // `stored` after orientation
  Dimensions upright{};
  // The rectangle, in decoded pixels, that the whole picture spans (upright). The pixel rectangle
  // except after JPEG DCT scaling, where the last row/column of blocks stands for fewer pixels than
  // the others (ceil(W/8) columns cover W/8 of them); after an orientation that mirrors or turns
  // the picture that partial row/column comes first, and the rectangle starts inside it.
  cv::Rect2d extent;
  int orientation = 1;  // EXIF/TIFF orientation that was applied
  ImageFormat format = ImageFormat::Unknown;
  std::vector<std::uint8_t> icc;       // the embedded ICC profile, empty if none
  Cicp cicp;                           // colour code points the file states instead of a profile
  bool cmyk = false;                   // see DecodedPixels::cmyk
  std::vector<std::string> warnings;   // see DecodedPixels::warnings
  std::vector<AnimationFrame> frames;  // see DecodedPixels::frames
};

// Sniffs the format, refuses unsupported formats and images over options.max_pixels before
// decoding, decodes (shrink-on-load when options.decode is Fast) and applies the orientation.
// Throws DecodeError with a one-line reason. Thread-safe.
DecodedImage decode_for_thumbnail(Bytes data, const ThumbnailOptions& options);

// Throws DecodeError("not an image (unrecognised content)", "... (the content is text)") when the
// first bytes of a file (at least Storage::kHeadBytes of a longer one) are no format thumbflow
// knows: the same words decode_for_thumbnail would say of the whole file.
void check_image_head(Bytes head);

// Turns pixels stored with EXIF orientation 1..8 into the upright picture.
cv::Mat apply_orientation(const cv::Mat& stored, int orientation);

}  // namespace thumbflow::detail
