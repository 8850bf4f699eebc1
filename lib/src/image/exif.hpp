// EXIF orientation.
#pragma once

#include "image/format.hpp"

namespace thumbflow::detail {

// EXIF orientation 1..8 of a JPEG (APP1 "Exif"), WebP (EXIF chunk) or PNG (eXIf chunk);
// 1 when there is none or it is corrupt. Never throws, bounded time on hostile input.
int read_exif_orientation(Bytes data, ImageFormat format);

}  // namespace thumbflow::detail
