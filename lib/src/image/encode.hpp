// Thumbnail pixels to file bytes.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <string_view>
#include <vector>

#include "image/format.hpp"
#include "thumbflow/options.hpp"

namespace thumbflow::detail {

// The concrete format written for an output file name (by its extension: jpg/jpeg, png, webp).
// Throws std::invalid_argument for any other extension.
OutputFormat format_for_output_name(std::string_view output_name);

// True if the format stores an alpha channel (PNG, WebP).
bool keeps_alpha(OutputFormat format);

// Encodes 8-bit gray, BGR or BGRA pixels. quality 1..100 for JPEG/WebP. A non-empty `icc` is
// embedded (colour/embed.hpp; --colour keep). Throws std::runtime_error.
std::vector<std::uint8_t> encode_image(const cv::Mat& pixels, OutputFormat format, int quality,
                                       Bytes icc = {});

}  // namespace thumbflow::detail
