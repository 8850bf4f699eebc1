#include "image/jpeg_huffman.hpp"

namespace thumbflow::detail::baseline {
namespace {

int advance(int sym) {
  const int r = sym >> 4, s = sym & 15;
  return s != 0 ? r + 1 : r == 15 ? 16 : 64;  // 64: end of block
}

// For each prefix, the coefficients whose codes it holds, greedily, up to an end of block, a
// coefficient whose extra bits go past the prefix, or the index having moved 63 (then no next
// coefficient can start inside the block).
void fill_skip(HuffmanTable& t) {
  constexpr std::uint32_t mask = (1u << kSkipBits) - 1;
  for (std::uint32_t prefix = 0; prefix <= mask; ++prefix) {
    int used = 0, moved = 0, before_last = 0, count = 0;
    std::uint32_t first = 0;
    while (moved < 63 && used < kSkipBits) {
      const std::uint32_t window = (prefix << used) & mask;  // the rest, zeros after
      const std::uint32_t e = t.fast[window >> (kSkipBits - kLookahead)];
      const int len = int(e & 0xFF), sym = int(e >> 8 & 0xFF), whole = len + (sym & 15);
      if (len == 0 || used + len > kSkipBits) break;
      if (count++ == 0) first = std::uint32_t(whole) << 19 | std::uint32_t(advance(sym)) << 24;
      before_last = moved;
      moved += advance(sym);
      used += whole;
    }
    if (count != 0)
      t.skip[prefix] =
          first | std::uint32_t(used) | std::uint32_t(moved) << 5 | std::uint32_t(before_last) << 12;
  }
}

void fill_value(HuffmanTable& t) {
  for (std::uint32_t prefix = 0; prefix < (1u << kSkipBits); ++prefix) {
    const std::uint32_t e = t.fast[prefix >> (kSkipBits - kLookahead)];
    const int len = int(e & 0xFF), sym = int(e >> 8 & 0xFF), r = sym >> 4, s = sym & 15;
    if (len == 0 || len + s > kSkipBits) continue;
    const int bits = s == 0 ? 0 : int(prefix >> (kSkipBits - len - s)) & ((1 << s) - 1);
    const int v = s == 0 ? 0 : extend(bits, s);
    const bool eob = s == 0 && r != 15;
    t.value[prefix] = (len + s) | r << 5 | (eob ? 512 : 0) | int(std::uint32_t(v) << 16);
  }
}

}  // namespace

HuffmanTable build_table(const HuffmanSpec& spec, TableUse use) {
  const bool dc = use == TableUse::Dc;
  HuffmanTable t;
  t.maxcode.fill(-1);
  int max_len = 0;
  for (int len = 1; len <= 16; ++len)
    if (spec.counts[std::size_t(len)] != 0) max_len = len;
  std::int32_t code = 0;
  std::size_t k = 0;
  for (int len = 1; len <= 16; ++len) {
    const int count = spec.counts[std::size_t(len)];
    if (count != 0) {
      t.valoffset[std::size_t(len)] = std::int32_t(k) - code;
      t.maxcode[std::size_t(len)] = code + count - 1;
    }
    for (int i = 0; i < count; ++i, ++k, ++code) {
      const std::uint8_t sym = spec.symbols[k];
      if ((dc && sym > 15) || code >= (std::int32_t{1} << len)) throw Unsupported{};
      t.symbols[k] = sym;
      if (len > kLookahead) continue;
      const std::uint32_t entry = std::uint32_t(len) | std::uint32_t(sym) << 8;
      const std::size_t first = std::size_t(code) << (kLookahead - len);
      for (std::size_t j = 0; j < (std::size_t{1} << (kLookahead - len)); ++j) t.fast[first + j] = entry;
    }
    // libjpeg refuses a table whose codes of this length overflow it (the all-ones code included).
    if (len <= max_len && code >= (std::int32_t{1} << len)) throw Unsupported{};
    code <<= 1;
  }
  t.maxcode[17] = 0x7FFFFFFF;
  if (use == TableUse::AcSkip || use == TableUse::AcBoth) fill_skip(t);
  if (use == TableUse::AcValues || use == TableUse::AcBoth) fill_value(t);
  return t;
}

}  // namespace thumbflow::detail::baseline
