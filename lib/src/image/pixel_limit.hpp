#pragma once

#include <cstdint>

#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

// Throws DecodeError("declares WxH pixels (N MP), over the limit of M MP (--max-pixels)") when
// width*height exceeds max_pixels; 0 means no limit. Used before any pixel is decoded.
void check_pixel_limit(Dimensions size, std::uint64_t max_pixels);

}  // namespace thumbflow::detail
