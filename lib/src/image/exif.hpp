// What the EXIF block of a file says that changes how its pixels are shown.
#pragma once

#include "image/format.hpp"

namespace thumbflow::detail {

struct ExifFacts {
  int orientation = 1;     // 1..8
  bool adobe_rgb = false;  // the camera's DCF statement "Adobe RGB (1998), no profile embedded"
};

// The EXIF facts of a JPEG (APP1 "Exif"), WebP (EXIF chunk) or PNG (eXIf chunk); the defaults when
// there is no EXIF block or it is corrupt. Never throws, bounded time on hostile input.
ExifFacts read_exif(Bytes data, ImageFormat format);

// EXIF orientation 1..8 of a JPEG (APP1 "Exif"), WebP (EXIF chunk) or PNG (eXIf chunk);
// 1 when there is none or it is corrupt. Never throws, bounded time on hostile input.
int read_exif_orientation(Bytes data, ImageFormat format);

}  // namespace thumbflow::detail
