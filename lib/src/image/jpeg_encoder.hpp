// JPEG encoding on libjpeg-turbo.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::detail {

// Encodes 8-bit gray (CV_8UC1) or BGR (CV_8UC3) pixels as a baseline JFIF JPEG with optimised
// Huffman tables and 4:2:0 chroma, quality 1..100 - the settings cv::imencode uses for
// IMWRITE_JPEG_QUALITY + IMWRITE_JPEG_OPTIMIZE, giving the same bytes. Throws std::runtime_error
// ("cannot encode JPEG: ...") for other pixel types and libjpeg errors (e.g. sides over 65500).
std::vector<std::uint8_t> encode_jpeg(const cv::Mat& pixels, int quality);

}  // namespace thumbflow::detail
