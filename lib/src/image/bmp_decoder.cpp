#include "image/bmp_decoder.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <string>

#include "image/byte_order.hpp"
#include "image/decode_error.hpp"

namespace thumbflow::detail {
namespace {

constexpr std::uint32_t kRgb = 0, kBitfields = 3, kAlphaBitfields = 6;

// One channel's mask: where it starts and how many values it holds, and a table to 0..255.
struct Channel {
  std::uint32_t mask = 0;
  int shift = 0;
  std::uint32_t max = 0;
  explicit Channel(std::uint32_t m) : mask(m) {
    if (m == 0) return;
    shift = std::countr_zero(m);
    max = m >> shift;
    if ((max & (max + 1)) != 0) throw DecodeError("invalid BMP (a colour mask of separate bits)");
  }
  std::uint8_t value(std::uint32_t pixel) const {
    if (max == 0) return 0;
    return std::uint8_t((((pixel & mask) >> shift) * 255 + max / 2) / max);
  }
};

}  // namespace

std::optional<cv::Mat> decode_bmp16(Bytes d) {
  if (d.size() < 54) return std::nullopt;
  const std::uint32_t header = le32(d, 14);
  if (header < 40 || le16(d, 28) != 16) return std::nullopt;
  const std::uint32_t compression = le32(d, 30);
  if (compression != kRgb && compression != kBitfields && compression != kAlphaBitfields) return std::nullopt;
  const auto width = std::int64_t(std::int32_t(le32(d, 18)));
  const auto signed_height = std::int64_t(std::int32_t(le32(d, 22)));
  const std::int64_t height = std::llabs(signed_height);
  if (width <= 0 || height <= 0 || width > 0x7FFFFFFF || height > 0x7FFFFFFF)
    throw DecodeError("invalid BMP header (" + std::to_string(width) + "x" + std::to_string(height) + ")");

  std::uint32_t red = 0x7C00, green = 0x03E0, blue = 0x001F, alpha = 0;  // BI_RGB: 5-5-5
  if (compression != kRgb) {
    // The masks follow a 40-byte header, or are inside a larger one (V4, V5), at the same place.
    const std::size_t masks = 14 + 40, count = compression == kAlphaBitfields || header >= 56 ? 4 : 3;
    if (d.size() < masks + 4 * count) throw DecodeError("truncated BMP header (colour masks)");
    red = le32(d, masks);
    green = le32(d, masks + 4);
    blue = le32(d, masks + 8);
    if (count == 4) alpha = le32(d, masks + 12);
    if (red > 0xFFFF || green > 0xFFFF || blue > 0xFFFF || alpha > 0xFFFF)
      throw DecodeError("invalid BMP (a colour mask wider than 16 bits)");
  }
  const Channel r(red), g(green), b(blue), a(alpha);
  const std::uint64_t stride = (std::uint64_t(width) * 16 + 31) / 32 * 4;
  const std::uint64_t offset = le32(d, 10);
  if (offset > d.size() || stride * std::uint64_t(height) > d.size() - offset)
    throw DecodeError("truncated BMP (" + std::to_string(d.size()) + " bytes, the header promises " +
                      std::to_string(offset + stride * std::uint64_t(height)) + ")");
  cv::Mat out(int(height), int(width), alpha != 0 ? CV_8UC4 : CV_8UC3);
  for (int y = 0; y < out.rows; ++y) {
    // Rows are stored bottom-up unless the height is negative.
    const std::int64_t stored_row = signed_height < 0 ? y : height - 1 - y;
    const std::uint8_t* in = d.data() + offset + std::uint64_t(stored_row) * stride;
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < out.cols; ++x, in += 2) {
      const std::uint32_t p = std::uint32_t(in[0]) | std::uint32_t(in[1]) << 8;
      *o++ = b.value(p);
      *o++ = g.value(p);
      *o++ = r.value(p);
      if (alpha != 0) *o++ = a.value(p);
    }
  }
  return out;
}

std::optional<cv::Mat> decode_os2_bmp(Bytes d) {
  constexpr std::size_t kCoreHeaderEnd = 14 + 12;
  if (d.size() < kCoreHeaderEnd || le32(d, 14) != 12) return std::nullopt;
  const int width = int(le16(d, 18)), height = int(le16(d, 20)), bits = int(le16(d, 24));
  if (width == 0 || height == 0)
    throw DecodeError("invalid BMP header (" + std::to_string(width) + "x" + std::to_string(height) + ")");
  if (bits != 1 && bits != 4 && bits != 8 && bits != 24)
    throw DecodeError("invalid BMP (OS/2 header with " + std::to_string(bits) + " bits per pixel)");
  const std::uint64_t offset = le32(d, 10);
  // The palette (3 bytes per colour, blue first) sits between the header and the pixels.
  const std::size_t colours = bits == 24 || offset < kCoreHeaderEnd
                                  ? 0
                                  : std::min<std::uint64_t>(1u << bits, (offset - kCoreHeaderEnd) / 3);
  if (bits != 24 && colours == 0) throw DecodeError("invalid BMP (OS/2 palette missing)");
  const std::uint64_t stride = (std::uint64_t(width) * unsigned(bits) + 31) / 32 * 4;
  if (offset > d.size() || stride * std::uint64_t(height) > d.size() - offset)
    throw DecodeError("truncated BMP (" + std::to_string(d.size()) + " bytes, the header promises " +
                      std::to_string(offset + stride * std::uint64_t(height)) + ")");
  cv::Mat out(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* in = d.data() + offset + std::uint64_t(height - 1 - y) * stride;  // bottom-up
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < width; ++x, o += 3) {
      if (bits == 24) {
        o[0] = in[3 * x], o[1] = in[3 * x + 1], o[2] = in[3 * x + 2];
        continue;
      }
      const int per_byte = 8 / bits, shift = 8 - bits * (x % per_byte + 1);
      const std::size_t index = (in[x / per_byte] >> shift) & ((1u << bits) - 1);
      const std::uint8_t* entry = index < colours ? d.data() + kCoreHeaderEnd + 3 * index : nullptr;
      for (int c = 0; c < 3; ++c) o[c] = entry != nullptr ? entry[c] : 0;
    }
  }
  return out;
}

}  // namespace thumbflow::detail
