#include "image/jpeg_baseline.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "image/jpeg_baseline_header.hpp"
#include "image/jpeg_decoder.hpp"
#include "image/jpeg_huffman.hpp"

namespace thumbflow::detail {
namespace {

using namespace baseline;

// libjpeg's post-IDCT range limit: the low 10 bits as a signed value, + 128, clamped to 0..255
// (corrupt data wraps around instead of saturating, as there).
std::uint8_t range_limit(std::int64_t x) {
  int v = int(x & 1023);
  if (v >= 512) v -= 1024;
  return static_cast<std::uint8_t>(std::clamp(v + 128, 0, 255));
}

// libjpeg's 1x1 IDCT: the dequantised DC / 8, rounded.
std::uint8_t dc_pixel(std::int16_t coef, std::int16_t q) {
  return range_limit((std::int64_t{int(coef) * int(q)} + 4) >> 3);
}

// libjpeg's post-IDCT range limit where it agrees with saturation: libjpeg-turbo's SIMD 2x2 IDCT
// saturates (16-bit products and intermediates, then the output) where its C code wraps around.
// Only corrupt or hostile data gets there; such a file is left to libjpeg.
std::uint8_t saturating_limit(std::int64_t x) {
  if (x < -384 || x > 383) throw Unsupported{};
  return range_limit(x);
}

std::int32_t fits_16_bits(std::int64_t v) {
  if (v < -32768 || v > 32767) throw Unsupported{};
  return static_cast<std::int32_t>(v);
}

// libjpeg's 2x2 IDCT (jpeg_idct_2x2: fixed point with 13 fraction bits, 2 more bits between the
// passes; only rows and columns 0, 1, 3, 5, 7 contribute), same arithmetic, same shortcuts.
void idct_2x2(const std::int16_t* coef, const std::int16_t* q, std::uint8_t* row0, std::uint8_t* row1) {
  constexpr std::int64_t c7 = -5906, c5 = 6967, c3 = -10426, c1 = 29692;  // FIX(0.720959822) etc.
  std::int32_t ws[2][8] = {};
  for (const int c : {0, 1, 3, 5, 7}) {
    const auto z = [&](int row) {
      return std::int64_t{fits_16_bits(int(coef[8 * row + c]) * int(q[8 * row + c]))};
    };
    if (coef[8 + c] == 0 && coef[24 + c] == 0 && coef[40 + c] == 0 && coef[56 + c] == 0) {
      ws[0][c] = ws[1][c] = fits_16_bits(z(0) * 4);
      continue;
    }
    const std::int64_t even = z(0) * (1 << 15), odd = z(7) * c7 + z(5) * c5 + z(3) * c3 + z(1) * c1;
    ws[0][c] = fits_16_bits((even + odd + (1 << 12)) >> 13);
    ws[1][c] = fits_16_bits((even - odd + (1 << 12)) >> 13);
  }
  std::uint8_t* const rows[2] = {row0, row1};
  for (int r = 0; r < 2; ++r) {
    const std::int32_t* w = ws[r];
    if (w[1] == 0 && w[3] == 0 && w[5] == 0 && w[7] == 0) {
      rows[r][0] = rows[r][1] = saturating_limit((std::int64_t{w[0]} + 16) >> 5);
      continue;
    }
    const std::int64_t even = std::int64_t{w[0]} * (1 << 15),
                       odd = w[7] * c7 + w[5] * c5 + w[3] * c3 + w[1] * c1;
    rows[r][0] = saturating_limit((even + odd + (1 << 19)) >> 20);
    rows[r][1] = saturating_limit((even - odd + (1 << 19)) >> 20);
  }
}

// idct_2x2 for a block whose coefficients past zigzag position 5 are zero: of those it reads,
// only (0,0), (0,1), (1,0) and (1,1) are left. The same arithmetic with the zero terms dropped
// (its shortcuts give the same values as the full formulas), the same limits.
void idct_2x2_low(const std::int16_t* coef, const std::int16_t* q, std::uint8_t* row0, std::uint8_t* row1) {
  constexpr std::int64_t c1 = 29692;
  const std::int64_t z00 = fits_16_bits(int(coef[0]) * int(q[0])),
                     z01 = fits_16_bits(int(coef[1]) * int(q[1])),
                     z10 = fits_16_bits(int(coef[8]) * int(q[8])),
                     z11 = fits_16_bits(int(coef[9]) * int(q[9]));
  const std::int64_t w00 = fits_16_bits((z00 * (1 << 15) + z10 * c1 + (1 << 12)) >> 13),
                     w10 = fits_16_bits((z00 * (1 << 15) - z10 * c1 + (1 << 12)) >> 13),
                     w01 = fits_16_bits((z01 * (1 << 15) + z11 * c1 + (1 << 12)) >> 13),
                     w11 = fits_16_bits((z01 * (1 << 15) - z11 * c1 + (1 << 12)) >> 13);
  row0[0] = saturating_limit((w00 * (1 << 15) + w01 * c1 + (1 << 19)) >> 20);
  row0[1] = saturating_limit((w00 * (1 << 15) - w01 * c1 + (1 << 19)) >> 20);
  row1[0] = saturating_limit((w10 * (1 << 15) + w11 * c1 + (1 << 19)) >> 20);
  row1[1] = saturating_limit((w10 * (1 << 15) - w11 * c1 + (1 << 19)) >> 20);
}

// libjpeg's YCbCr->RGB tables (jdcolor.c: 16 fraction bits, rounding folded into two of them).
struct YccTables {
  std::array<int, 256> cr_r, cb_b, cr_g, cb_g;
  YccTables() {
    for (int i = 0; i < 256; ++i) {
      const int x = i - 128;
      cr_r[std::size_t(i)] = (91881 * x + 32768) >> 16;   // FIX(1.40200)
      cb_b[std::size_t(i)] = (116130 * x + 32768) >> 16;  // FIX(1.77200)
      cr_g[std::size_t(i)] = -46802 * x;                  // -FIX(0.71414)
      cb_g[std::size_t(i)] = -22554 * x + 32768;          // -FIX(0.34414), + ONE_HALF
    }
  }
};

std::uint8_t clamp_byte(int v) { return static_cast<std::uint8_t>(std::clamp(v, 0, 255)); }

// After a restart interval or the scan: at most the bits of the last byte may be left (libjpeg
// counts whole unread bytes as extraneous data), then the marker `code`, after fill bytes.
void expect_marker(BitReader& br, std::uint8_t code) {
  if (br.overran() || br.nbits - br.pad >= 8) throw Unsupported{};
  std::size_t p = br.pos;
  if (p >= br.end || br.data[p] != 0xFF) throw Unsupported{};
  while (p < br.end && br.data[p] == 0xFF) ++p;
  if (p >= br.end || br.data[p] != code) throw Unsupported{};
  br = BitReader(br.data, p + 1, br.end);
}

struct Decoder {
  Decoder(const Header& header, Bytes bytes) : h(header), data(bytes) {}
  const Header& h;
  Bytes data;
  bool gray = h.components.size() == 1;
  int maxh = gray ? 1 : h.components[0].h, maxv = gray ? 1 : h.components[0].v;
  int mcus_x = (h.width + 8 * maxh - 1) / (8 * maxh), mcus_y = (h.height + 8 * maxv - 1) / (8 * maxv);
  bool chroma_2x2 = maxh == 2 && maxv == 2;  // libjpeg scales 4:2:0 chroma up by its IDCT
  int yw = mcus_x * maxh, cw = chroma_2x2 ? 2 * mcus_x : mcus_x;
  std::vector<std::uint8_t> luma, chroma[2];
  std::unique_ptr<HuffmanTable> tables[2][4];   // [ac][index], those the scan uses
  const HuffmanTable *dc[3] = {}, *ac[3] = {};  // per component

  const HuffmanTable* table(bool is_ac, int index, TableUse use);

  cv::Mat run();
  void decode_scan();
  cv::Mat to_bgr() const;
};

const HuffmanTable* Decoder::table(bool is_ac, int index, TableUse use) {
  std::unique_ptr<HuffmanTable>& t = tables[is_ac][index];
  if (!t) t = std::make_unique<HuffmanTable>(build_table((is_ac ? h.ac : h.dc)[std::size_t(index)], use));
  return t.get();
}

void Decoder::decode_scan() {
  const std::size_t n = h.components.size();
  // 4:2:0 chroma needs its AC values (for the 2x2 IDCT), everything else only skips them.
  const auto ac_use = [&](std::size_t i) {
    return i > 0 && chroma_2x2 ? TableUse::AcValues : TableUse::AcSkip;
  };
  for (std::size_t i = 0; i < n; ++i) {
    TableUse use = ac_use(i);
    for (std::size_t j = 0; j < n; ++j)
      if (j != i && h.components[j].ac_table == h.components[i].ac_table && ac_use(j) != use)
        use = TableUse::AcBoth;
    dc[i] = table(false, h.components[i].dc_table, TableUse::Dc);
    ac[i] = table(true, h.components[i].ac_table, use);
  }
  luma.resize(std::size_t(yw) * std::size_t(mcus_y * maxv));
  const std::size_t chroma_rows = std::size_t(chroma_2x2 ? 2 * mcus_y : mcus_y);
  if (!gray)
    for (auto& plane : chroma) plane.resize(std::size_t(cw) * chroma_rows);

  BitReader br(data.data(), h.scan_data, data.size());
  std::int64_t pred[3] = {};
  const std::int16_t* q[3] = {h.components[0].quant.data(), nullptr, nullptr};
  if (!gray) q[1] = h.components[1].quant.data(), q[2] = h.components[2].quant.data();
  const auto dc_value = [&](std::size_t ci) {
    pred[ci] += decode_dc(br, *dc[ci]);
    // libjpeg stops on a predictor overflowing int; far before that, leave the file to it.
    if (pred[ci] > (1 << 30) || pred[ci] < -(1 << 30)) throw Unsupported{};
    return static_cast<std::int16_t>(pred[ci]);  // libjpeg's coefficients are 16-bit
  };
  int restarts = 0;
  for (int my = 0, mcu = 0; my < mcus_y; ++my)
    for (int mx = 0; mx < mcus_x; ++mx, ++mcu) {
      if (h.restart_interval != 0 && mcu != 0 && mcu % h.restart_interval == 0) {
        expect_marker(br, std::uint8_t(0xD0 + (restarts++ & 7)));
        pred[0] = pred[1] = pred[2] = 0;
      }
      for (int by = 0; by < maxv; ++by)
        for (int bx = 0; bx < maxh; ++bx) {
          luma[std::size_t(my * maxv + by) * std::size_t(yw) + std::size_t(mx * maxh + bx)] =
              dc_pixel(dc_value(0), q[0][0]);
          skip_ac(br, *ac[0]);
        }
      for (std::size_t ci = 1; ci < n; ++ci) {
        std::vector<std::uint8_t>& plane = chroma[ci - 1];
        if (chroma_2x2) {
          std::int16_t coef[64] = {};
          coef[0] = dc_value(ci);
          const int end = decode_ac(br, *ac[ci], coef);
          std::uint8_t* top = &plane[std::size_t(2 * my) * std::size_t(cw) + std::size_t(2 * mx)];
          (end <= 6 ? idct_2x2_low : idct_2x2)(coef, q[ci], top, top + cw);
        } else {
          plane[std::size_t(my) * std::size_t(cw) + std::size_t(mx)] = dc_pixel(dc_value(ci), q[ci][0]);
          skip_ac(br, *ac[ci]);
        }
      }
      if (br.overran()) throw Unsupported{};  // libjpeg: "premature end of data segment"
    }
  expect_marker(br, 0xD9);  // EOI
}

cv::Mat Decoder::to_bgr() const {
  const int width = (h.width + 7) / 8, height = (h.height + 7) / 8;
  if (gray) {
    cv::Mat out(height, width, CV_8UC1);
    for (int y = 0; y < height; ++y)
      std::copy_n(&luma[std::size_t(y) * std::size_t(yw)], width, out.ptr<std::uint8_t>(y));
    return out;
  }
  static const YccTables t;
  // Chroma samples per output pixel, when libjpeg replicates them (4:2:2, 4:4:0).
  const int sx = !chroma_2x2 && maxh == 2 ? 1 : 0, sy = !chroma_2x2 && maxv == 2 ? 1 : 0;
  cv::Mat out(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* lum = &luma[std::size_t(y) * std::size_t(yw)];
    const std::uint8_t* cb = &chroma[0][std::size_t(y >> sy) * std::size_t(cw)];
    const std::uint8_t* cr = &chroma[1][std::size_t(y >> sy) * std::size_t(cw)];
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < width; ++x, o += 3) {
      const int l = lum[x], b = cb[x >> sx], r = cr[x >> sx];
      o[0] = clamp_byte(l + t.cb_b[std::size_t(b)]);
      o[1] = clamp_byte(l + ((t.cb_g[std::size_t(b)] + t.cr_g[std::size_t(r)]) >> 16));
      o[2] = clamp_byte(l + t.cr_r[std::size_t(r)]);
    }
  }
  return out;
}

cv::Mat Decoder::run() {
  decode_scan();
  return to_bgr();
}

}  // namespace

std::optional<cv::Mat> decode_baseline_eighth(Bytes data, Dimensions min_size, std::uint64_t max_pixels) {
  const std::optional<Header> header = parse_baseline_header(data);
  if (!header) return std::nullopt;
  const Dimensions stored{header->width, header->height};
  if (max_pixels != 0 && std::uint64_t(stored.width) * std::uint64_t(stored.height) > max_pixels)
    return std::nullopt;  // libjpeg's path refuses it with the usual message
  if (jpeg_scale_denom(stored, min_size) != 8) return std::nullopt;
  try {
    return Decoder(*header, data).run();
  } catch (const Unsupported&) {
    return std::nullopt;
  }
}

}  // namespace thumbflow::detail
