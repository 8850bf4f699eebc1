// Animated WebP thumbnails (--animated) on libwebp's animation encoder (libwebpmux).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "image/codec.hpp"

namespace thumbflow::detail {

// Encodes the frames (8-bit BGR or BGRA, all the same size) as one lossy animated WebP that loops
// forever, each frame shown for its delay_ms. Delays under 20 ms become 100 ms, as browsers play
// GIFs ("as fast as possible" is not what the author of a 0-delay GIF saw). quality 1..100.
// Throws std::runtime_error.
std::vector<std::uint8_t> encode_animated_webp(std::span<const AnimationFrame> frames, int quality);

// The delay a frame is played with (see above).
int playback_delay_ms(int delay_ms);

}  // namespace thumbflow::detail
