// The BMPs OpenCV gets wrong, read here. 16-bit BMPs (RGB555 without masks, RGB565/RGB555/
// ARGB1555/ARGB4444 with BI_BITFIELDS masks): OpenCV 4.6 refuses 16-bit files with masks as
// corrupt, and Windows, ImageMagick and embedded devices write them. OS/2 1.x BMPs (below).
#pragma once

#include <opencv2/core/mat.hpp>
#include <optional>

#include "image/format.hpp"

namespace thumbflow::detail {

// The pixels (BGR, or BGRA when an alpha mask is set; bmp_decode makes an all-zero alpha opaque),
// or nullopt when the file is not a 16-bit uncompressed/BI_BITFIELDS BMP (OpenCV reads the rest).
// Throws DecodeError when such a file's masks or sizes are invalid or its rows are cut short.
std::optional<cv::Mat> decode_bmp16(Bytes data);

// OS/2 1.x BMPs (the 12-byte BITMAPCOREHEADER: 16-bit sides, 3-byte palette entries), which
// OpenCV 4.6 reads as one grey channel: 1/4/8-bit palette and 24-bit, as BGR. nullopt for other
// BMPs; DecodeError when the bit depth, palette or sizes are invalid or the rows are cut short.
std::optional<cv::Mat> decode_os2_bmp(Bytes data);

}  // namespace thumbflow::detail
