// The markers of a baseline (sequential Huffman, 8-bit) JPEG up to its first scan, read for the
// DC-only 1/8 decoder (jpeg_baseline.hpp). Only the simple, common layout is accepted: anything
// else makes parse_baseline_header return nullopt, and the caller decodes with libjpeg instead.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "image/format.hpp"

namespace thumbflow::detail::baseline {

struct HuffmanSpec {
  bool defined = false;
  std::array<std::uint8_t, 17> counts{};  // counts[len], len 1..16
  std::vector<std::uint8_t> symbols;      // in code order
};

// Zigzag position -> natural (row-major) index, padded as libjpeg pads it: a corrupt run that
// overshoots position 63 lands on 63 instead of outside the block.
inline constexpr std::array<std::uint8_t, 80> kNaturalOrder = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33,
    40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36,
    29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
    47, 55, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63};

struct Component {
  int h = 1, v = 1;                      // sampling factors
  int quant_table = 0;                   // 0..3
  std::array<std::int16_t, 64> quant{};  // its values at SOS, natural order, 16-bit signed as libjpeg's
  int dc_table = 0, ac_table = 0;        // indexes into Header::dc / Header::ac (0..3)
};

struct Header {
  int width = 0, height = 0;
  std::vector<Component> components;  // 1 (gray) or 3 (YCbCr), in scan order = frame order
  std::array<HuffmanSpec, 4> dc, ac;  // as defined when the scan starts
  int restart_interval = 0;           // MCUs per restart interval; 0 = none
  std::size_t scan_data = 0;          // offset of the entropy-coded data of the (only) scan
};

// Reads SOI .. SOS. nullopt (use libjpeg) unless: SOF0/SOF1 with 8-bit samples, 1 component or
// 3 YCbCr components (JFIF marker or ids 1,2,3; no Adobe marker) with luma sampling 1x1, 2x1,
// 1x2 or 2x2 and chroma 1x1, one scan holding every component in frame order with Ss=0, Se=63,
// Ah=Al=0, all its tables defined, and no byte that libjpeg would warn about (stray bytes
// between markers, an unknown JFIF version) or refuse (bad lengths, bad Huffman tables).
std::optional<Header> parse_baseline_header(Bytes data);

}  // namespace thumbflow::detail::baseline
