// Huffman decoding of baseline JPEG entropy data for the DC-only 1/8 decoder: a bit reader over
// the data with its byte stuffing undone a window at a time, and tables whose one lookup gives,
// for the common short codes, the symbol and, for AC tables, the whole length of a coefficient
// (code + extra bits) to skip it. Anything libjpeg would warn about (a bad code, data running
// into a marker) throws Unsupported, and the caller lets libjpeg decode the file and report the
// error in its own words.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "image/jpeg_baseline_header.hpp"

namespace thumbflow::detail::baseline {

struct Unsupported {};  // "leave this file to libjpeg"

inline constexpr int kLookahead = 10;
inline constexpr int kSkipBits = 13;
inline constexpr int kValueBits = 12;
// A top-up guarantees 56 bits. skip_ac makes up to two lookups per top-up, each consuming at most
// kSkipBits + 15 (the extra bits of the last coefficient may lie past the prefix); decode_ac up
// to four, each within the prefix.
static_assert(2 * (kSkipBits + 15) <= 56 && 4 * kValueBits <= 56 && kLookahead <= kValueBits);

struct HuffmanTable {
  // Per kLookahead-bit prefix: bits 0-7 code length (0: longer code), 8-15 symbol.
  std::array<std::uint32_t, 1 << kLookahead> fast{};
  // AC tables only, per kSkipBits-bit prefix: the coefficients whose codes it holds, up to and with
  // the first end-of-block, for skipping them (the last one's extra bits may go past the prefix).
  // Bits 0-4: their length; bit 5 clear (the length alone is a shift count); 6-12: how far the
  // index must be from 64 for all of them to lie in the block (how far they move it, + 1 with an
  // end-of-block); 13: they end with an end-of-block. 0: not even the first coefficient fits.
  // 16 bits a prefix: the table (16 KiB) stays in the L1 cache beside the others.
  std::array<std::uint16_t, 1 << kSkipBits> skip{};
  // Per kValueBits-bit prefix, its first coefficient when whole (code + extra bits). AC tables:
  // bits 0-4 length, 5-8 zero run before it, 9 end of block, 16-31 value (signed). DC tables: bits
  // 0-4 length, 16-31 the DC difference. 0: it does not fit.
  std::array<std::int32_t, 1 << kValueBits> value{};
  std::array<std::int32_t, 18> maxcode{};  // largest code of each length, -1 if none; [17] sentinel
  std::array<std::int32_t, 17> valoffset{};
  std::array<std::uint8_t, 256> symbols{};
};

// What a table is used for: which of the AC lookups to fill (each costs a pass over its prefixes).
enum class TableUse { Dc, AcSkip, AcValues, AcBoth };

// Builds the table, or throws Unsupported where libjpeg's jpeg_make_d_derived_tbl refuses it
// (over-subscribed codes, DC symbols over 15).
HuffmanTable build_table(const HuffmanSpec& spec, TableUse use);

// Reads bits from an EntropyWindow (below): the segment's bytes with the 0xFF00 stuffing undone,
// then zero bytes. Zero bits past the segment's end are what libjpeg feeds at a marker: when more
// bits were consumed than the segment had (unread_bits() < 0), the data ended early.
struct BitReader {
  const std::uint8_t* next = nullptr;      // the next byte to load into buf
  const std::uint8_t* real_end = nullptr;  // the end of the segment's bytes in the window so far
  std::uint64_t buf = 0;                   // valid bits at the top
  int nbits = 0;

  // Tops the buffer up to at least 56 bits, at most 63 (one load; the bits of a partial byte past
  // nbits are loaded again, identically, next time). The window keeps the bytes it reads there.
  void refill() {
    std::uint64_t w;
    std::memcpy(&w, next, 8);
    buf |= be64(w) >> nbits;
    next += (63 - nbits) >> 3;
    nbits |= 56;
  }
  static std::uint64_t be64(std::uint64_t raw) {
    if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(raw);
    return raw;
  }
  std::uint32_t peek(int n) const { return std::uint32_t(buf >> (64 - n)); }
  void skip(int n) {
    buf <<= n;
    nbits -= n;
  }
  int get(int n) {  // 1 <= n <= 16, with nbits >= n
    const int v = int(peek(n));
    skip(n);
    return v;
  }
  // Bits of the segment's data not consumed yet (negative: zero bits past its end were).
  std::ptrdiff_t unread_bits() const { return (real_end - next) * 8 + nbits; }
  bool overran() const { return unread_bits() < 0; }
};

// The entropy-coded segment being read, with its 0xFF00 stuffing undone, a window at a time: the
// reader's refills need no check for 0xFF or for the end. `ensure` before each MCU keeps at least
// kMcuBytes (the most one MCU can consume: 6 blocks, as parse_baseline_header allows at most,
// of up to 64 codes of 31 bits) unread ahead of the reader, followed by zeros, or all of the
// segment's rest.
class EntropyWindow {
 public:
  static constexpr std::size_t kMcuBytes = 6 * 64 * 31 / 8 + 16;

  // Starts the segment at `from` in `data` (size `size`); returns its reader.
  BitReader start(const std::uint8_t* data, std::size_t from, std::size_t size);
  // Moves the window on when fewer than kMcuBytes of the segment are left in it ahead of `br`.
  // (Readers go in and out by value: one whose address is never taken stays in registers.)
  BitReader ensure(BitReader br) {
    if (!at_marker_ && br.real_end - br.next < std::ptrdiff_t(kMcuBytes)) return slide(br);
    return br;
  }
  // Where the segment ends in `data`: its marker's first 0xFF, or the end of the data. Known once
  // the window has reached it (at_marker()).
  bool at_marker() const { return at_marker_; }
  std::size_t marker() const { return pos_; }

 private:
  BitReader slide(BitReader br);
  const std::uint8_t* data_ = nullptr;
  std::size_t pos_ = 0, end_ = 0;  // the next byte of `data` to take into the window
  bool at_marker_ = false;
  std::vector<std::uint8_t> bytes_;
};

// The value of s extra bits v (JPEG's EXTEND: a clear top bit means negative), without a branch.
inline int extend(int v, int s) {
  const int negative = ((v >> (s - 1)) & 1) - 1;  // -1 if the top bit is clear
  return v - (negative & ((1 << s) - 1));
}

// One Huffman symbol; needs nbits >= 16.
inline int decode_symbol(BitReader& br, const HuffmanTable& t) {
  const std::uint32_t e = t.fast[br.peek(kLookahead)];
  if (e & 0xFF) {
    br.skip(int(e & 0xFF));
    return int(e >> 8 & 0xFF);
  }
  const std::int32_t code16 = std::int32_t(br.peek(16));
  for (int len = kLookahead + 1; len <= 16; ++len) {
    const std::int32_t code = code16 >> (16 - len);
    if (code <= t.maxcode[std::size_t(len)]) {
      br.skip(len);
      return t.symbols[std::size_t(code + t.valoffset[std::size_t(len)]) & 0xFF];
    }
  }
  throw Unsupported{};  // libjpeg: "bad Huffman code"
}

// The block decoders below work on the caller's reader in place (a local copy, written back at the
// end, was copied through the stack with loads wider than the stores before them: store-forwarding
// stalls that cost more than the copy saved) and top it up before every symbol, which costs less
// than a hard-to-predict "is it low?" branch.

// The DC difference of one block: one lookup when code and extra bits fit kValueBits.
inline int decode_dc(BitReader& br, const HuffmanTable& t) {
  br.refill();
  if (const std::int32_t e = t.value[br.peek(kValueBits)]; e != 0) {
    br.skip(e & 31);
    return e >> 16;
  }
  const int s = decode_symbol(br, t);
  const int diff = s == 0 ? 0 : extend(br.get(s), s);
  return diff;
}

// Skips the AC coefficients of one block, as libjpeg's decoder does when it needs none of them:
// mostly several coefficients per lookup, and up to two lookups per top-up.
// `k`: the zigzag position of the first coefficient to skip (1: all of them).
inline void skip_ac(BitReader& br, const HuffmanTable& t, int k = 1) {
  // One lookup: false when the prefix holds no whole coefficient or its coefficients do not all
  // start inside the block (then one symbol at a time, below).
  const auto step = [&] {
    const std::uint32_t e = t.skip[br.peek(kSkipBits)];
    const int need = int(e >> 6 & 127);
    if (e == 0 || k + need > 64) return false;
    br.buf <<= e & 63;  // bit 5 is clear
    br.nbits -= int(e & 31);
    k += need + int(e >> 7 & 64);  // past 63 at an end of block
    return true;
  };
  while (k < 64) {
    br.refill();
    if (step() && (k >= 64 || step())) continue;
    if (k >= 64) break;
    br.refill();
    const int sym = decode_symbol(br, t), r = sym >> 4, s = sym & 15;
    if (s != 0) {
      br.skip(s);
      k += r + 1;
    } else if (r == 15) {
      k += 16;
    } else {
      break;
    }
  }
}

// Decodes the AC coefficients of one block into `coef` (natural order, zeroed by the caller):
// one lookup per coefficient for the common ones, up to four per top-up. Returns the zigzag
// position past the last coefficient decoded (every later one is zero). With `last` below 63 it
// stops once it has passed zigzag position `last`; `*more` (if given) tells whether the block goes
// on from the position returned, for the caller to skip (skip_ac from there).
inline int decode_ac(BitReader& br, const HuffmanTable& t, std::int16_t* coef, int last = 63,
                     bool* more = nullptr) {
  int k = 1;
  bool ended = false;
  // One lookup: 1 coefficient stored (k moved past it), 0 end of block, -1 not in the table.
  const auto step = [&] {
    const std::int32_t e = t.value[br.peek(kValueBits)];
    if (e == 0) return -1;
    br.skip(e & 31);
    if (e & 512) return 0;
    k += e >> 5 & 15;  // a run of 15 with value 0 is ZRL: a zero lands on a zero
    coef[kNaturalOrder[std::size_t(k)]] = static_cast<std::int16_t>(e >> 16);
    return ++k, 1;
  };
  while (k <= last) {
    br.refill();
    int r = step();
    for (int i = 1; i < 4 && r == 1 && k <= last; ++i) r = step();
    if (r == 0) {
      ended = true;
      break;
    }
    if (r == 1) continue;
    br.refill();
    const int sym = decode_symbol(br, t), run = sym >> 4, s = sym & 15;
    if (s != 0) {
      k += run;
      coef[kNaturalOrder[std::size_t(k)]] = static_cast<std::int16_t>(extend(br.get(s), s));
      ++k;
    } else if (run == 15) {
      k += 16;
    } else {
      ended = true;
      break;
    }
  }
  if (more != nullptr) *more = !ended && k < 64;
  return k;
}

}  // namespace thumbflow::detail::baseline
