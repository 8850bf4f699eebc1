// Animated WebP read back with libwebp's animation decoder, to check what --animated wrote.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::test {

struct WebpAnimation {
  cv::Size canvas;
  std::vector<cv::Mat> frames;  // BGRA canvases
  std::vector<int> delays_ms;   // how long each frame shows
  int loop_count = -1;
};

// Decodes every frame; throws std::runtime_error when the bytes are not an animated WebP.
WebpAnimation read_webp_animation(const std::vector<std::uint8_t>& bytes);

}  // namespace thumbflow::test
