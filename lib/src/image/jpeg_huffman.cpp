#include "image/jpeg_huffman.hpp"

#include <algorithm>

namespace thumbflow::detail::baseline {
namespace {

// Segment bytes per window (then zeros): a few slides per picture, each moving under kMcuBytes.
constexpr std::size_t kWindowBytes = 32 * 1024;

int advance(int sym) {
  const int r = sym >> 4, s = sym & 15;
  return s != 0 ? r + 1 : r == 15 ? 16 : 64;  // 64: end of block
}

// The code at the top of `window` (kSkipBits bits) when it is no longer than `avail` bits: its
// length (0 if not) and symbol.
int code_at(const HuffmanTable& t, std::uint32_t window, int avail, int& sym) {
  const std::uint32_t e = t.fast[window >> (kSkipBits - kLookahead)];
  if (e & 0xFF) {
    sym = int(e >> 8 & 0xFF);
    return int(e & 0xFF) <= avail ? int(e & 0xFF) : 0;
  }
  for (int len = kLookahead + 1; len <= avail; ++len) {
    const std::int32_t code = std::int32_t(window >> (kSkipBits - len));
    if (code <= t.maxcode[std::size_t(len)]) {
      sym = t.symbols[std::size_t(code + t.valoffset[std::size_t(len)]) & 0xFF];
      return len;
    }
  }
  return 0;
}

// For each prefix, the coefficients whose codes it holds, greedily, up to and with an end of
// block, up to a coefficient whose extra bits go past the prefix, or until the index has moved 63
// (then no next coefficient can start inside the block).
void fill_skip(HuffmanTable& t) {
  constexpr std::uint32_t mask = (1u << kSkipBits) - 1;
  for (std::uint32_t prefix = 0; prefix <= mask; ++prefix) {
    int used = 0, moved = 0, count = 0;
    bool eob = false;
    while (moved < 63 && used < kSkipBits) {
      const std::uint32_t window = (prefix << used) & mask;  // the rest, zeros after
      int sym = 0;
      const int len = code_at(t, window, kSkipBits - used, sym);
      if (len == 0) break;
      ++count;
      eob = advance(sym) == 64;
      used += len + (sym & 15);
      if (eob) break;
      moved += advance(sym);
    }
    if (count != 0)
      t.skip[prefix] = static_cast<std::uint16_t>(used | (moved + (eob ? 1 : 0)) << 6 | (eob ? 1 << 13 : 0));
  }
}

void fill_value(HuffmanTable& t) {
  for (std::uint32_t prefix = 0; prefix < (1u << kValueBits); ++prefix) {
    const std::uint32_t e = t.fast[prefix >> (kValueBits - kLookahead)];
    const int len = int(e & 0xFF), sym = int(e >> 8 & 0xFF), r = sym >> 4, s = sym & 15;
    if (len == 0 || len + s > kValueBits) continue;
    const int bits = s == 0 ? 0 : int(prefix >> (kValueBits - len - s)) & ((1 << s) - 1);
    const int v = s == 0 ? 0 : extend(bits, s);
    const bool eob = s == 0 && r != 15;
    t.value[prefix] = (len + s) | r << 5 | (eob ? 512 : 0) | int(std::uint32_t(v) << 16);
  }
}

void fill_dc_value(HuffmanTable& t) {
  for (std::uint32_t prefix = 0; prefix < (1u << kValueBits); ++prefix) {
    const std::uint32_t e = t.fast[prefix >> (kValueBits - kLookahead)];
    const int len = int(e & 0xFF), s = int(e >> 8 & 0xFF);
    if (len == 0 || len + s > kValueBits) continue;
    const int v = s == 0 ? 0 : extend(int(prefix >> (kValueBits - len - s)) & ((1 << s) - 1), s);
    t.value[prefix] = (len + s) | int(std::uint32_t(v) << 16);
  }
}

}  // namespace

BitReader EntropyWindow::start(const std::uint8_t* data, std::size_t from, std::size_t size) {
  data_ = data, pos_ = from, end_ = size, at_marker_ = false;
  bytes_.resize(kWindowBytes + kMcuBytes + 8);
  BitReader br;
  br.next = br.real_end = bytes_.data();
  return slide(br);
}

// Keeps the bytes the reader has not loaded, then takes the segment's next bytes up to the
// window's size or the marker, undoing the stuffing: as libjpeg reads them, a 0xFF followed by
// 0x00 is a 0xFF, any other 0xFF (or the end of the data) is where the segment ends.
BitReader EntropyWindow::slide(BitReader br) {
  std::uint8_t* const window = bytes_.data();
  std::size_t fill = std::size_t(br.real_end - br.next);
  std::memmove(window, br.next, fill);
  while (fill < kWindowBytes && !at_marker_) {
    const std::size_t take = std::min(kWindowBytes - fill, end_ - pos_);
    const void* ff = std::memchr(data_ + pos_, 0xFF, take);
    const std::size_t n =
        ff != nullptr ? std::size_t(static_cast<const std::uint8_t*>(ff) - (data_ + pos_)) : take;
    std::memcpy(window + fill, data_ + pos_, n);
    fill += n, pos_ += n;
    if (ff == nullptr) {
      at_marker_ = pos_ >= end_;
    } else if (pos_ + 1 < end_ && data_[pos_ + 1] == 0x00) {
      window[fill++] = 0xFF;
      pos_ += 2;
    } else {
      at_marker_ = true;  // pos_ stays on the marker's 0xFF
    }
  }
  std::memset(window + fill, 0, kMcuBytes + 8);
  br.next = window;
  br.real_end = window + fill;
  return br;
}

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
  if (dc) fill_dc_value(t);
  if (use == TableUse::AcSkip || use == TableUse::AcBoth) fill_skip(t);
  if (use == TableUse::AcValues || use == TableUse::AcBoth) fill_value(t);
  return t;
}

}  // namespace thumbflow::detail::baseline
