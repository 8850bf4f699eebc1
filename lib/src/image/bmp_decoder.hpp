// 16-bit BMPs (RGB555 without masks, RGB565/RGB555/ARGB1555/ARGB4444 with BI_BITFIELDS masks),
// read here: OpenCV 4.6 refuses 16-bit files with masks as corrupt, and Windows, ImageMagick and
// embedded devices write them.
#pragma once

#include <opencv2/core/mat.hpp>
#include <optional>

#include "image/format.hpp"

namespace thumbflow::detail {

// The pixels (BGR, or BGRA when an alpha mask is set; bmp_decode makes an all-zero alpha opaque),
// or nullopt when the file is not a 16-bit uncompressed/BI_BITFIELDS BMP (OpenCV reads the rest).
// Throws DecodeError when such a file's masks or sizes are invalid or its rows are cut short.
std::optional<cv::Mat> decode_bmp16(Bytes data);

}  // namespace thumbflow::detail
