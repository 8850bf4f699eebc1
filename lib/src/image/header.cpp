#include "image/header.hpp"

#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

#include "image/byte_order.hpp"
#include "image/codec.hpp"
#include "image/decode_error.hpp"
#include "image/pam_decoder.hpp"

namespace thumbflow::detail {

ImageHeader read_png_header(Bytes d) {
  if (d.size() < 24 || be32(d, 12) != 0x49484452u)  // "IHDR"
    throw DecodeError("truncated PNG header");
  return {{int(be32(d, 16) & 0x7FFFFFFF), int(be32(d, 20) & 0x7FFFFFFF)}, 1};
}

ImageHeader read_bmp_header(Bytes d) {
  if (d.size() < 26) throw DecodeError("truncated BMP header");
  if (le32(d, 14) == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sides
    return {{int(le16(d, 18)), int(le16(d, 20))}, 1};
  }
  // height < 0 means top-down rows
  // A negative width has no meaning (only the height carries the row order), and std::abs of
  // INT32_MIN is undefined: refuse it here rather than hand a wrapped size to the pixel limit.
  const auto w = std::int32_t(le32(d, 18)), h = std::int32_t(le32(d, 22));
  if (w < 0) throw DecodeError("invalid BMP header (negative width)");
  return {{w, h == INT32_MIN ? INT32_MAX : std::abs(h)}, 1};
}

// "P6 640 480 255" with comments and any whitespace between fields.
ImageHeader read_pnm_header(Bytes d) {
  if (d.size() > 1 && d[1] == '7') {
    const PamHeader pam = read_pam_header(d);
    return {{pam.width, pam.height}, 1};
  }
  std::size_t i = 2;
  int fields[2] = {0, 0};
  for (int& field : fields) {
    while (i < d.size() && (std::isspace(d[i]) || d[i] == '#')) {
      if (d[i] == '#')
        while (i < d.size() && d[i] != '\n') ++i;
      else
        ++i;
    }
    long long v = 0;
    const std::size_t start = i;
    while (i < d.size() && std::isdigit(d[i]) && v < (1LL << 31)) v = v * 10 + (d[i++] - '0');
    if (i == start || v >= (1LL << 31)) throw DecodeError("bad PNM header");
    field = int(v);
  }
  return {{fields[0], fields[1]}, 1};
}

ImageHeader read_header(Bytes data, ImageFormat format) {
  const Codec* codec = find_codec(format);
  if (codec == nullptr)
    throw std::invalid_argument(std::string("no header reader for ") + format_name(format));
  const ImageHeader h = codec->header(data);
  if (h.size.width <= 0 || h.size.height <= 0)
    throw DecodeError("header declares an empty image (" + std::to_string(h.size.width) + "x" +
                      std::to_string(h.size.height) + ")");
  return h;
}

}  // namespace thumbflow::detail
