#include "image/pixel_limit.hpp"

#include <opencv2/core.hpp>
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
  check_pixel_limit(size, size, max_pixels);
}

void check_pixel_limit(Dimensions declared, Dimensions held, std::uint64_t max_pixels) {
  const std::uint64_t pixels = std::uint64_t(held.width) * std::uint64_t(held.height);
  if (max_pixels == 0 || pixels <= max_pixels) return;
  const auto size = [](Dimensions d) { return std::to_string(d.width) + "x" + std::to_string(d.height); };
  const std::string over = "over the limit of " + amount(max_pixels) + " (--max-pixels)";
  if (held.width == declared.width && held.height == declared.height)
    throw DecodeError("declares " + size(declared) + " pixels (" + amount(pixels) + "), " + over);
  throw DecodeError("declares " + size(declared) + " pixels, and needs " + size(held) + " (" +
                    amount(pixels) + ") even at the smallest decoding scale for this box, " + over);
}

void check_frame_budget(std::uint64_t frames, Dimensions canvas, std::uint64_t max_frame_pixels) {
  const std::uint64_t total = frames * std::uint64_t(canvas.width) * std::uint64_t(canvas.height);
  if (max_frame_pixels == 0 || total <= max_frame_pixels) return;
  throw DecodeError("animation of " + std::to_string(frames) + " frames of " + std::to_string(canvas.width) +
                    "x" + std::to_string(canvas.height) + " is " + std::to_string(total) +
                    " pixels in all, over the limit of " + std::to_string(max_frame_pixels) +
                    " (--max-frame-pixels)");
}

void check_thumbnail_pixels(std::uint64_t pixels, std::size_t sizes, std::uint64_t frames,
                            std::uint64_t max_pixels, std::uint64_t max_frame_pixels) {
  const std::string what = "thumbnails of " + std::to_string(sizes) + (sizes == 1 ? " size" : " sizes");
  if (frames == 0) {
    if (max_pixels == 0 || pixels <= max_pixels) return;
    throw DecodeError(what + " are " + amount(pixels) + " in all, over the limit of " + amount(max_pixels) +
                      " (--max-pixels)");
  }
  std::uint64_t total = 0;
  const bool overflow = __builtin_mul_overflow(pixels, frames, &total);
  if (max_frame_pixels == 0 || (!overflow && total <= max_frame_pixels)) return;
  throw DecodeError("animated " + what + " are " + std::to_string(frames) + " frames x " +
                    std::to_string(pixels) + " = " + (overflow ? "over 2^64" : std::to_string(total)) +
                    " pixels in all, over the limit of " + std::to_string(max_frame_pixels) +
                    " (--max-frame-pixels)");
}

cv::Mat allocate_pixels(int rows, int cols, int type, const char* format) {
  try {
    return cv::Mat(rows, cols, type);
  } catch (const cv::Exception&) {
    throw DecodeError(std::string("cannot decode ") + format + ": not enough memory for " +
                      std::to_string(cols) + "x" + std::to_string(rows) + " pixels");
  }
}

}  // namespace thumbflow::detail
