// JPEG decoding on libjpeg-turbo with shrink-on-load.
#pragma once

#include <opencv2/core/mat.hpp>

#include "image/format.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

struct JpegInfo {
  Dimensions size{};  // as stored, before EXIF orientation
  int components = 0; // 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK
  bool progressive = false;
};

// Reads the header only. Throws DecodeError if it is not a readable JPEG header.
JpegInfo read_jpeg_info(Bytes data);

// Decodes to 8-bit BGR (CV_8UC3) or gray (CV_8UC1); CMYK/YCCK (Adobe inverted or not) becomes BGR.
// min_size: the smallest decoded size acceptable in stored orientation; the decoder uses the
// largest DCT reduction (1/2, 1/4, 1/8) whose output is still at least that large on both sides.
// {0,0} means full size. Any libjpeg warning (truncated data, corrupt entropy data) is an error:
// throws DecodeError with a one-line reason. Thread-safe (no shared state).
cv::Mat decode_jpeg(Bytes data, Dimensions min_size);

}  // namespace thumbflow::detail
