// Marker parsing for the DC-only decoder. Every check mirrors one that libjpeg makes (an error or
// a warning there, and every warning is an error for thumbflow): when in doubt, nullopt, so that
// libjpeg reads the file and gives its own verdict.
#include "image/jpeg_baseline_header.hpp"

#include <cstring>

#include "image/byte_order.hpp"

namespace thumbflow::detail::baseline {
namespace {

// libjpeg's JPEG_MAX_DIMENSION.
constexpr int kMaxDimension = 65500;

struct Parser {
  explicit Parser(Bytes data) : d(data) {}
  Bytes d;
  Header h;
  bool frame = false;
  bool jfif = false;
  std::uint8_t ids[3] = {};

  bool segment(std::uint8_t marker, Bytes body);
  bool frame_header(Bytes b);
  bool huffman_tables(Bytes b);
  bool scan_header(Bytes b);
};

bool Parser::frame_header(Bytes b) {
  if (frame || b.size() < 6 || b[0] != 8) return false;  // a second SOF, or not 8-bit
  h.height = int(be16(b, 1));
  h.width = int(be16(b, 3));
  const int n = b[5];
  if (h.width == 0 || h.height == 0 || h.width > kMaxDimension || h.height > kMaxDimension) return false;
  if ((n != 1 && n != 3) || b.size() != 6 + 3 * std::size_t(n)) return false;
  h.components.resize(std::size_t(n));
  for (int i = 0; i < n; ++i) {
    const std::uint8_t* c = &b[6 + 3 * std::size_t(i)];
    ids[i] = c[0];
    for (int j = 0; j < i; ++j)
      if (ids[j] == ids[i]) return false;
    Component& comp = h.components[std::size_t(i)];
    comp.h = c[1] >> 4;
    comp.v = c[1] & 15;
    comp.quant_table = c[2];
    if (comp.h < 1 || comp.h > 4 || comp.v < 1 || comp.v > 4 || c[2] > 3) return false;
  }
  if (n == 3) {
    const Component &y = h.components[0], &cb = h.components[1], &cr = h.components[2];
    if (y.h > 2 || y.v > 2 || cb.h != 1 || cb.v != 1 || cr.h != 1 || cr.v != 1) return false;
    // libjpeg's colour-space guess: JFIF means YCbCr, ids 'R','G','B' mean RGB.
    if (!jfif && ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B') return false;
  }
  frame = true;
  return true;
}

bool Parser::huffman_tables(Bytes b) {
  std::size_t at = 0;
  while (at < b.size()) {
    if (b.size() - at < 17) return false;
    const std::uint8_t cls = b[at] >> 4, index = b[at] & 15;
    if (cls > 1 || index > 3) return false;
    HuffmanSpec spec;
    std::size_t count = 0;
    for (int len = 1; len <= 16; ++len) count += spec.counts[std::size_t(len)] = b[at + std::size_t(len)];
    at += 17;
    if (count > 256 || count > b.size() - at) return false;
    spec.symbols.assign(b.begin() + std::ptrdiff_t(at), b.begin() + std::ptrdiff_t(at + count));
    at += count;
    spec.defined = true;
    (cls == 0 ? h.dc : h.ac)[index] = std::move(spec);
  }
  return true;
}

bool Parser::scan_header(Bytes b) {
  if (!frame || b.empty()) return false;
  const std::size_t n = b[0];
  if (n != h.components.size() || b.size() != 4 + 2 * n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (b[1 + 2 * i] != ids[i]) return false;  // a different order: left to libjpeg
    Component& comp = h.components[i];
    comp.dc_table = b[2 + 2 * i] >> 4;
    comp.ac_table = b[2 + 2 * i] & 15;
    if (comp.dc_table > 3 || comp.ac_table > 3) return false;
    if (!h.dc[std::size_t(comp.dc_table)].defined || !h.ac[std::size_t(comp.ac_table)].defined) return false;
  }
  return b[1 + 2 * n] == 0 && b[2 + 2 * n] == 63 && b[3 + 2 * n] == 0;  // Ss, Se, Ah/Al: sequential
}

}  // namespace

std::optional<Header> parse_baseline_header(Bytes d) {
  if (d.size() < 4 || d[0] != 0xFF || d[1] != 0xD8) return std::nullopt;
  Parser p(d);
  std::array<std::array<std::int16_t, 64>, 4> quant{};
  std::array<bool, 4> quant_defined{};
  std::size_t pos = 2;
  for (;;) {
    // libjpeg warns about any byte other than 0xFF fill before a marker.
    if (pos >= d.size() || d[pos] != 0xFF) return std::nullopt;
    while (pos < d.size() && d[pos] == 0xFF) ++pos;
    if (pos + 3 > d.size()) return std::nullopt;
    const std::uint8_t marker = d[pos];
    const std::uint32_t length = be16(d, pos + 1);
    if (length < 2 || length > d.size() - pos - 1) return std::nullopt;
    const Bytes body = d.subspan(pos + 3, length - 2);
    pos += 1 + length;
    switch (marker) {
      case 0xC0:  // SOF0, baseline
      case 0xC1:  // SOF1, extended sequential Huffman (8-bit here)
        if (!p.frame_header(body)) return std::nullopt;
        break;
      case 0xC4:
        if (!p.huffman_tables(body)) return std::nullopt;
        break;
      case 0xDB: {
        std::size_t at = 0;
        while (at < body.size()) {
          const int precision = body[at] >> 4, index = body[at] & 15;
          const std::size_t bytes = precision == 0 ? 64 : 128;
          if (precision > 1 || index > 3 || body.size() - at - 1 < bytes) return std::nullopt;
          for (std::size_t k = 0; k < 64; ++k) {
            const std::uint32_t q = precision == 0 ? body[at + 1 + k] : be16(body, at + 1 + 2 * k);
            // libjpeg's integer IDCTs keep quantisers as 16-bit signed multipliers.
            quant[std::size_t(index)][kNaturalOrder[k]] = static_cast<std::int16_t>(q);
          }
          quant_defined[std::size_t(index)] = true;
          at += 1 + bytes;
        }
        break;
      }
      case 0xDD:  // DRI
        if (body.size() != 2) return std::nullopt;
        p.h.restart_interval = int(be16(body, 0));
        break;
      case 0xE0:  // APP0: JFIF decides the colour space; libjpeg warns about versions other than 1.x
        if (body.size() >= 14 && std::memcmp(body.data(), "JFIF", 5) == 0) {
          if (body[5] != 1) return std::nullopt;
          p.jfif = true;
        }
        break;
      case 0xEE:  // APP14 "Adobe": colour transforms are libjpeg's business
        if (body.size() >= 5 && std::memcmp(body.data(), "Adobe", 5) == 0) return std::nullopt;
        break;
      case 0xDA: {
        if (!p.scan_header(body)) return std::nullopt;
        // libjpeg takes each component's quantiser values when its first scan starts.
        for (Component& comp : p.h.components) {
          if (!quant_defined[std::size_t(comp.quant_table)]) return std::nullopt;
          comp.quant = quant[std::size_t(comp.quant_table)];
        }
        p.h.scan_data = pos;
        return std::move(p.h);
      }
      default:
        if ((marker >= 0xE1 && marker <= 0xEF) || marker == 0xFE) break;  // APPn, COM
        return std::nullopt;  // other SOFs, DAC, DNL, EOI, RSTn, a second SOI, unknown markers
    }
  }
}

}  // namespace thumbflow::detail::baseline
