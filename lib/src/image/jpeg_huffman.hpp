// Huffman decoding of baseline JPEG entropy data for the DC-only 1/8 decoder: a bit reader over
// the byte-stuffed data, and tables whose one lookup gives, for the common short codes, the
// symbol and, for AC tables, the whole length of a coefficient (code + extra bits) to skip it.
// Anything libjpeg would warn about (a bad code, data running into a marker) throws Unsupported,
// and the caller lets libjpeg decode the file and report the error in its own words.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "image/jpeg_baseline_header.hpp"

namespace thumbflow::detail::baseline {

struct Unsupported {};  // "leave this file to libjpeg"

inline constexpr int kLookahead = 10;
inline constexpr int kSkipBits = 12;
// A top-up guarantees 56 bits. skip_ac makes up to two lookups per top-up, each consuming at most
// kSkipBits + 15 (the extra bits of the last coefficient may lie past the prefix); decode_ac up
// to four, each within the prefix.
static_assert(2 * (kSkipBits + 15) <= 56 && 4 * kSkipBits <= 56 && kLookahead <= kSkipBits);

struct HuffmanTable {
  // Per kLookahead-bit prefix: bits 0-7 code length (0: longer code), 8-15 symbol.
  std::array<std::uint32_t, 1 << kLookahead> fast{};
  // AC tables only, per kSkipBits-bit prefix: the coefficients whose codes it holds (up to the
  // first end-of-block), for skipping them; the last one's extra bits may go past the prefix. Bits 0-4: their
  // length, 5-11: how far they move the index, 12-18: how far all but the last move it; 19-23 and 24-30:
  // length and move of the first alone. 0: not even the first coefficient fits.
  std::array<std::uint32_t, 1 << kSkipBits> skip{};
  // AC tables only, per kSkipBits-bit prefix: its first coefficient when whole. Bits 0-4: length,
  // 5-8: zero run before it, 9: end of block, 16-31: value (signed). 0: it does not fit.
  std::array<std::int32_t, 1 << kSkipBits> value{};
  std::array<std::int32_t, 18> maxcode{};  // largest code of each length, -1 if none; [17] sentinel
  std::array<std::int32_t, 17> valoffset{};
  std::array<std::uint8_t, 256> symbols{};
};

// What a table is used for: which of the AC lookups to fill (each costs a pass over 4096 prefixes).
enum class TableUse { Dc, AcSkip, AcValues, AcBoth };

// Builds the table, or throws Unsupported where libjpeg's jpeg_make_d_derived_tbl refuses it
// (over-subscribed codes, DC symbols over 15).
HuffmanTable build_table(const HuffmanSpec& spec, TableUse use);

// Reads the entropy-coded segment from `pos`, undoing 0xFF00 stuffing. At a marker (or the end of
// the data) it stops and feeds zero bits, counting them in `pad`: when more bits were consumed
// than the segment had (nbits < pad), the data ended early.
struct BitReader {
  BitReader(const std::uint8_t* bytes, std::size_t from, std::size_t size)
      : data(bytes), pos(from), end(size) {}
  const std::uint8_t* data;
  std::size_t pos, end;
  std::uint64_t buf = 0;  // valid bits at the top
  int nbits = 0, pad = 0;
  bool at_marker = false;

  // Tops the buffer up to at least 56 bits, at most 63 (the fast path shifts by nbits). Fast path
  // (no 0xFF among the next 8 bytes): one load; the bits of a partial byte past nbits are loaded
  // again, identically, next time.
  void refill() {
    if (!at_marker && end - pos >= 8) {
      std::uint64_t w;
      std::memcpy(&w, data + pos, 8);
      w = be64(w);
      const std::uint64_t inv = ~w;  // a zero byte of inv is a 0xFF byte of w
      if (((inv - 0x0101010101010101u) & ~inv & 0x8080808080808080u) == 0) {
        buf |= w >> nbits;
        pos += std::size_t((63 - nbits) >> 3);
        nbits |= 56;
        return;
      }
    }
    while (nbits <= 55) {
      std::uint64_t byte = 0;
      if (!at_marker) {
        if (pos < end && data[pos] != 0xFF) {
          byte = data[pos++];
        } else if (pos + 1 < end && data[pos + 1] == 0x00) {
          byte = 0xFF;
          pos += 2;
        } else {
          at_marker = true;  // pos stays on the marker's 0xFF (or the end)
        }
      }
      if (at_marker) pad += 8;
      buf |= byte << (56 - nbits);
      nbits += 8;
    }
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
  bool overran() const { return nbits < pad; }
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

// The block decoders below work on a local copy of the reader (kept in registers: stores to the
// pixel planes could alias the caller's) and top it up before every symbol, which costs less
// than a hard-to-predict "is it low?" branch.

// The DC difference of one block.
inline int decode_dc(BitReader& reader, const HuffmanTable& t) {
  BitReader br = reader;
  br.refill();
  const int s = decode_symbol(br, t);
  const int diff = s == 0 ? 0 : extend(br.get(s), s);
  reader = br;
  return diff;
}

// Skips the AC coefficients of one block, as libjpeg's decoder does when it needs none of them:
// mostly several coefficients per lookup, and up to two lookups per top-up.
// `k`: the zigzag position of the first coefficient to skip (1: all of them).
inline void skip_ac(BitReader& reader, const HuffmanTable& t, int k = 1) {
  BitReader br = reader;
  // One lookup: false when the prefix holds no whole coefficient.
  const auto step = [&] {
    const std::uint32_t e = t.skip[br.peek(kSkipBits)];
    if (e == 0) return false;
    // All of them if the last still starts inside the block, else the first alone.
    const bool all = k + int(e >> 12 & 127) < 64;
    br.skip(all ? int(e & 31) : int(e >> 19 & 31));
    k += all ? int(e >> 5 & 127) : int(e >> 24 & 127);
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
  reader = br;
}

// Decodes the AC coefficients of one block into `coef` (natural order, zeroed by the caller):
// one lookup per coefficient for the common ones, up to four per top-up. Returns the zigzag
// position past the last coefficient decoded (every later one is zero). With `last` below 63 it
// stops once it has passed zigzag position `last`; `*more` (if given) tells whether the block goes
// on from the position returned, for the caller to skip (skip_ac from there).
inline int decode_ac(BitReader& reader, const HuffmanTable& t, std::int16_t* coef, int last = 63,
                     bool* more = nullptr) {
  BitReader br = reader;
  int k = 1;
  bool ended = false;
  // One lookup: 1 coefficient stored (k moved past it), 0 end of block, -1 not in the table.
  const auto step = [&] {
    const std::int32_t e = t.value[br.peek(kSkipBits)];
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
  reader = br;
  if (more != nullptr) *more = !ended && k < 64;
  return k;
}

}  // namespace thumbflow::detail::baseline
