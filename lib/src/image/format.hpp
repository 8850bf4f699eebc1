// Image format detection by content (magic bytes), never by file extension.
#pragma once

#include <cstdint>
#include <span>

namespace thumbflow::detail {

enum class ImageFormat {
  Unknown,
  Jpeg,
  Png,
  Webp,
  Bmp,
  Tiff,
  Pnm,
  Gif,
  Heif,
  Avif,
  Jxl,
  Jpeg2000,
  Ico,
  Psd,
  Raw
};

using Bytes = std::span<const std::uint8_t>;

ImageFormat sniff_format(Bytes data);

// "JPEG", "PNG", ... ; "unknown" for Unknown.
const char* format_name(ImageFormat format);

// True for the formats thumbflow decodes: those with a row in the codec table (image/codec.hpp).
bool is_readable(ImageFormat format);

}  // namespace thumbflow::detail
