// Finding the colour profile a file embeds, from its bytes, without decoding pixels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "image/format.hpp"

namespace thumbflow::detail {

// Profiles larger than this are ignored with a warning: real ones are a few KB (matrix/TRC) up to
// a few MB (CMYK lookup tables); more is a hostile file asking for memory.
inline constexpr std::size_t kMaxIccBytes = 8u << 20;

struct ExtractedProfile {
  std::vector<std::uint8_t> icc;      // the ICC profile bytes, empty if none (sRGB implied)
  std::vector<std::string> warnings;  // a malformed profile container, one line each
};

// The profile stated by `data` in `format`:
// - JPEG: APP2 "ICC_PROFILE" segments before the first scan, put together by sequence number;
//   without them, Adobe RGB (1998) when the EXIF block states it the DCF way (a camera's setting);
// - PNG: cICP (H.273 code points, a colour PNG's) as a profile made with lcms2 (before any other
//   chunk, as the PNG specification says); else iCCP (inflated); without it, gAMA/cHRM as a
//   profile made with lcms2, gray for a gray PNG (an sRGB chunk, or a gamma of about 1/2.2 alone,
//   means sRGB: nothing);
// - WebP: the ICCP chunk; TIFF (classic or BigTIFF): tag 34675 of the first directory.
// A malformed or oversized set is dropped with a warning (the picture is then treated as sRGB).
// Other formats give nothing. Never throws on bad input; reads only inside `data`. Thread-safe.
ExtractedProfile embedded_profile(Bytes data, ImageFormat format);

// The colour space signature of an ICC profile (bytes 16..19, e.g. "RGB ", "GRAY", "CMYK"), or ""
// when the bytes are too short to hold a header.
std::string icc_colour_space(Bytes icc);

}  // namespace thumbflow::detail
