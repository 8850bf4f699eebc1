// Putting an ICC profile into encoded thumbnail bytes (--colour keep).
#pragma once

#include <cstdint>
#include <vector>

#include "image/format.hpp"
#include "thumbflow/options.hpp"

namespace thumbflow::detail {

// Returns `encoded` (a JPEG, PNG or WebP as thumbflow's encoders write it) with `icc` embedded:
// JPEG APP2 "ICC_PROFILE" segments right after SOI/APP0 (split in pieces of at most 65519 bytes,
// up to 255 of them), PNG iCCP (zlib) right after IHDR with its CRC, WebP ICCP via libwebpmux
// (which adds the VP8X header). An empty `icc` returns the bytes unchanged. Throws
// std::runtime_error when the profile cannot be embedded (too large for JPEG, a muxer error).
std::vector<std::uint8_t> embed_profile(std::vector<std::uint8_t> encoded, OutputFormat format, Bytes icc);

}  // namespace thumbflow::detail
