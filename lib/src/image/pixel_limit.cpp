#include "image/pixel_limit.hpp"

#include <string>

#include "image/decode_error.hpp"

namespace thumbflow::detail {
namespace {

// "12.3 MP", or the exact count below 0.1 MP where one decimal would say nothing.
std::string amount(std::uint64_t pixels) {
  if (pixels < 100'000) return std::to_string(pixels) + " pixels";
  const auto tenths = (pixels + 50'000) / 100'000;
  return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " MP";
}

}  // namespace

void check_pixel_limit(Dimensions size, std::uint64_t max_pixels) {
  const std::uint64_t pixels = std::uint64_t(size.width) * std::uint64_t(size.height);
  if (max_pixels == 0 || pixels <= max_pixels) return;
  throw DecodeError("declares " + std::to_string(size.width) + "x" + std::to_string(size.height) +
                    " pixels (" + amount(pixels) + "), over the limit of " + amount(max_pixels) +
                    " (--max-pixels)");
}

void check_frame_budget(std::uint64_t frames, Dimensions canvas, std::uint64_t max_frame_pixels) {
  const std::uint64_t total = frames * std::uint64_t(canvas.width) * std::uint64_t(canvas.height);
  if (max_frame_pixels == 0 || total <= max_frame_pixels) return;
  throw DecodeError("animation of " + std::to_string(frames) + " frames of " + std::to_string(canvas.width) +
                    "x" + std::to_string(canvas.height) + " is " + std::to_string(total) +
                    " pixels in all, over the limit of " + std::to_string(max_frame_pixels) +
                    " (--max-frame-pixels)");
}

}  // namespace thumbflow::detail
