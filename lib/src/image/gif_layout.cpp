// The GIF block structure read by hand (header and frame count): cheap, bounds-checked, no
// pixel is decoded. The decoder proper is gif_decoder.cpp.
#include <algorithm>
#include <cstddef>
#include <string>

#include "image/byte_order.hpp"
#include "image/decode_error.hpp"
#include "image/gif_decoder.hpp"

namespace thumbflow::detail {
namespace {

// Bytes of the colour table announced by a packed field (global or local), 0 when absent.
std::size_t colour_table_bytes(std::uint8_t packed) {
  return (packed & 0x80) != 0 ? 3 * (std::size_t{2} << (packed & 7)) : 0;
}

// Skips a chain of data sub-blocks (length byte, bytes; a zero length ends it). Returns the
// offset after the terminator, or data.size() when the chain is cut short.
std::size_t skip_sub_blocks(Bytes d, std::size_t at) {
  while (at < d.size()) {
    const std::size_t n = d[at];
    if (n > d.size() - at - 1) return d.size();
    at += 1 + n;
    if (n == 0) return at;
  }
  return d.size();
}

}  // namespace

// The logical screen, grown to hold the first frame where it does not (a 0x0 screen, or one
// smaller than the first frame, which some encoders write): as browsers, libvips and Pillow show
// such files, instead of failing or cutting the picture.
ImageHeader read_gif_header(Bytes d) {
  if (d.size() < 13) throw DecodeError("truncated GIF header");
  Dimensions size{int(le16(d, 6)), int(le16(d, 8))};
  std::size_t at = 13 + colour_table_bytes(d[10]);
  while (at < d.size() && d[at] == 0x21) at = skip_sub_blocks(d, at + 2);
  if (at < d.size() && d[at] == 0x2C && d.size() - at >= 9) {
    size.width = std::max(size.width, int(le16(d, at + 1)) + int(le16(d, at + 5)));
    size.height = std::max(size.height, int(le16(d, at + 3)) + int(le16(d, at + 7)));
  }
  return {size, 1};
}

int count_gif_frames(Bytes d) {
  if (d.size() < 13) return 0;
  std::size_t at = 13 + colour_table_bytes(d[10]);
  int frames = 0;
  while (at < d.size()) {
    const std::uint8_t block = d[at];
    if (block == 0x21) {  // extension: label, then sub-blocks
      at = skip_sub_blocks(d, at + 2);
    } else if (block == 0x2C) {  // image: 9-byte descriptor, local table, LZW code size, data
      ++frames;
      if (d.size() - at < 11) break;
      at += 10 + colour_table_bytes(d[at + 9]);
      at = at < d.size() ? skip_sub_blocks(d, at + 1) : d.size();
    } else {
      break;  // the trailer (0x3B), or a stray byte the decoder will name
    }
  }
  return frames;
}

}  // namespace thumbflow::detail
