#include "image/jpeg_baseline.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "image/jpeg_baseline_header.hpp"
#include "image/jpeg_decoder.hpp"
#include "image/jpeg_huffman.hpp"

namespace thumbflow::detail {
namespace {

using namespace baseline;

// libjpeg's post-IDCT range limit: the low 10 bits as a signed value, + 128, clamped to 0..255
// (corrupt data wraps around instead of saturating, as there).
// Without a branch: the sign of the low 10 bits is that of the pixel (darker or lighter than mid
// grey), a coin toss the branch predictor lost every other block.
std::uint8_t range_limit(std::int64_t x) {
  const int v = (int(x & 1023) ^ 512) - 512;
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

// idct_2x2 for a block whose coefficients that it reads are zero but (0,0), (0,1), (1,0) and (1,1)
// (all past zigzag position 5 zero, or only_low_read). The same arithmetic with the zero terms dropped
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

// The 1/4 decode: each block's output pixels (n = 2 or 4 per axis) are the means, over the 8/n
// pixels each covers, of the block's IDCT restricted to its low frequencies; the AC codes past
// them are skipped at table speed. For the (0,1) term at n = 2 that is exactly libjpeg's 2x2 IDCT
// (FIX(3.624509785) / 4 = 0.906). Blocks whose only frequencies are (0,0), (0,1), (1,0), (1,1)
// (most of them) take block_low; the others block_box.

// Blocks with more than those four frequencies get their frequencies below 4 across and down (up
// to zigzag 9 they are all decoded), and the box means of their IDCT over the pixels of each of
// the n outputs (n = 2 or 4 per axis). With the four lowest alone, luma at 1/4 lost ~0.5 dB and
// 4:2:0 chroma up to 1.6 dB against libjpeg's 1/4 decode. libjpeg's 2x2 and 4x4 IDCTs also take
// frequencies 5-7, which the quantiser mostly zeroes. [n == 4][m][u]: C(u)/2 times the mean of
// cos((2x+1)u pi/16) over the pixels x of output m.
// Four floats, one per output pixel of a block's row (GCC/Clang vector extension: the per-pixel
// arithmetic below runs as one instruction for all of them, in the same order as one at a time).
using Lanes = float __attribute__((vector_size(16)));
using IntLanes = std::int32_t __attribute__((vector_size(16)));

struct BoxIdct {
  float w[2][4][4] = {};
  Lanes across[2][4] = {};  // [n == 4][u]: w[n == 4][m][u] in lane m (0 past n)
  // 2x2 outputs on the lanes (row 0 col 0, row 0 col 1, row 1 col 0, row 1 col 1): [u] the
  // weight across of each lane's column, [v] the weight down of its row.
  Lanes square_across[4] = {}, square_down[4] = {};
  BoxIdct() {
    for (int big = 0; big < 2; ++big) {
      const int n = big != 0 ? 4 : 2, span = 8 / n;
      for (int m = 0; m < n; ++m)
        for (int u = 0; u < 4; ++u) {
          double sum = 0;
          for (int x = m * span; x < (m + 1) * span; ++x)
            sum += std::cos((2 * x + 1) * u * 3.14159265358979323846 / 16);
          // At n = 2, u = 2 cancels over each half (cos((2x+1) pi/8) for x = 0..3 sums to 0):
          // exactly 0, not the ~1e-17 of rounding, so that block_box may leave it out.
          w[big][m][u] =
              n == 2 && u == 2 ? 0.0f : float((u == 0 ? 1 / std::sqrt(2.0) : 1.0) / 2 * sum / span);
          across[big][u][m] = w[big][m][u];
        }
    }
    for (int u = 0; u < 4; ++u)
      for (int lane = 0; lane < 4; ++lane) {
        square_across[u][lane] = w[0][lane & 1][u];
        square_down[u][lane] = w[0][lane >> 1][u];
      }
  }
};

const BoxIdct kBoxIdct;

// The first n lanes as pixels: clamped to 0..255 and truncated, as
// static_cast<std::uint8_t>(std::clamp(x, 0.0f, 255.0f)) one at a time.
template <int n>
void store_pixels(Lanes x, std::uint8_t* out) {
  const Lanes zero = {}, top = zero + 255.0f;
  x = x < zero ? zero : x;
  x = x > top ? top : x;
  const IntLanes v = __builtin_convertvector(x, IntLanes);
  for (int m = 0; m < n; ++m) out[m] = static_cast<std::uint8_t>(v[m]);
}

// The nx x ny pixels of one block from its frequencies below 4 across and down (see BoxIdct).
// Two across (luma, 4:4:0 chroma) one at a time, without the frequencies that weigh 0 at two
// outputs per axis (see BoxIdct): fewer operations than lanes half empty.
template <int nx, int ny>
void block_box(const std::int16_t* coef, const std::int16_t* q, std::uint8_t* out, std::size_t stride) {
  const float(*wy)[4] = kBoxIdct.w[ny == 4];
  if constexpr (nx == 2 && ny == 2) {  // luma: all four outputs on one set of lanes
    const Lanes* wx = kBoxIdct.square_across;
    const Lanes* wy2 = kBoxIdct.square_down;
    const auto row = [&](int v) {  // lanes: the row's box means across, twice
      const auto z = [&](int u) { return float(int(coef[8 * v + u]) * int(q[8 * v + u])); };
      return wx[0] * z(0) + wx[1] * z(1) + wx[3] * z(3);
    };
    const Lanes r0 = row(0), r1 = row(1), r3 = row(3);
    std::uint8_t pixels[4];
    store_pixels<4>(128.5f + wy2[0] * r0 + wy2[1] * r1 + wy2[3] * r3, pixels);
    out[0] = pixels[0], out[1] = pixels[1], out[stride] = pixels[2], out[stride + 1] = pixels[3];
    return;
  } else if constexpr (nx == 2) {
    const float(*wx)[4] = kBoxIdct.w[0];
    constexpr int n_down = ny == 2 ? 3 : 4;
    constexpr int down[4] = {0, 1, ny == 2 ? 3 : 2, 3};  // the frequencies down that count
    float rows[4][2];
    for (int i = 0; i < n_down; ++i) {
      const int v = down[i];
      const auto z = [&](int u) { return float(int(coef[8 * v + u]) * int(q[8 * v + u])); };
      const float z0 = z(0), z1 = z(1), z3 = z(3);
      for (int m = 0; m < 2; ++m) rows[i][m] = wx[m][0] * z0 + wx[m][1] * z1 + wx[m][3] * z3;
    }
    for (int k = 0; k < ny; ++k, out += stride)
      for (int m = 0; m < 2; ++m) {
        float sum = 128.5f;
        for (int i = 0; i < n_down; ++i) sum += wy[k][down[i]] * rows[i][m];
        out[m] = static_cast<std::uint8_t>(std::clamp(sum, 0.0f, 255.0f));
      }
    return;
  }
  const Lanes* wx = kBoxIdct.across[1];
  Lanes rows[4];  // per frequency down: lane m, the row's box means across
  for (int v = 0; v < 4; ++v) {
    const auto z = [&](int u) { return float(int(coef[8 * v + u]) * int(q[8 * v + u])); };
    rows[v] = wx[0] * z(0) + wx[1] * z(1) + wx[2] * z(2) + wx[3] * z(3);
  }
  for (int k = 0; k < ny; ++k, out += stride)
    store_pixels<nx>(
        128.5f + wy[k][0] * rows[0] + wy[k][1] * rows[1] + wy[k][2] * rows[2] + wy[k][3] * rows[3], out);
}

// Writes the nx x ny pixels of one block whose only frequencies are those four (see BoxIdct) at
// `out`, rows `stride` apart.
template <int nx, int ny>
void block_low(const std::int16_t* coef, const std::int16_t* q, std::uint8_t* out, std::size_t stride) {
  const Lanes slope_x = kBoxIdct.across[nx == 4][1];
  const float(*wy)[4] = kBoxIdct.w[ny == 4];
  const float c0 = kBoxIdct.w[0][0][0];  // C(0)/2, the same for every output
  const float dc = float(int(coef[0]) * int(q[0])) * 0.125f + 128.5f;
  const float z01 = float(int(coef[1]) * int(q[1])), z10 = float(int(coef[8]) * int(q[8])),
              z11 = float(int(coef[9]) * int(q[9]));
  for (int r = 0; r < ny; ++r, out += stride) {
    const float row = dc + z10 * wy[r][1] * c0, slope = z01 * c0 + z11 * wy[r][1];
    store_pixels<nx>(row + slope * slope_x, out);
  }
}

// One block's pixels at 1/4: block_low when `low`, else block_box.
using QuarterPixels = void (*)(const std::int16_t* coef, const std::int16_t* q, bool low, std::uint8_t* out,
                               std::size_t stride);

template <int nx, int ny>
void quarter_pixels(const std::int16_t* coef, const std::int16_t* q, bool low, std::uint8_t* out,
                    std::size_t stride) {
  if (low)
    block_low<nx, ny>(coef, q, out, stride);
  else
    block_box<nx, ny>(coef, q, out, stride);
}

// quarter_pixels for an nx x ny block (2 or 4 each).
QuarterPixels quarter_pixels_for(int nx, int ny) {
  if (nx == 4) return ny == 4 ? quarter_pixels<4, 4> : quarter_pixels<4, 2>;
  return ny == 4 ? quarter_pixels<2, 4> : quarter_pixels<2, 2>;
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
// counts whole unread bytes as extraneous data), then the marker `code`, after fill bytes; the
// reader then starts on the next segment. With `may_be_missing` (EOI), data that simply ends there
// (fill bytes aside) is taken as libjpeg takes it, with the same note (note_missing_end_marker).
BitReader expect_marker(EntropyWindow& window, BitReader br, Bytes data, std::uint8_t code,
                        bool may_be_missing = false) {
  br = window.ensure(br);
  const std::ptrdiff_t unread = br.unread_bits();
  if (!window.at_marker() || unread < 0 || unread >= 8) throw Unsupported{};
  std::size_t p = window.marker();
  const std::size_t end = data.size();
  if (may_be_missing &&
      std::all_of(data.data() + p, data.data() + end, [](std::uint8_t b) { return b == 0xFF; })) {
    note_missing_end_marker();
    return br;
  }
  if (p >= end || data[p] != 0xFF) throw Unsupported{};
  while (p < end && data[p] == 0xFF) ++p;
  if (p >= end || data[p] != code) throw Unsupported{};
  return window.start(data.data(), p + 1, end);
}

// Zeroes one block's 64 coefficients with vector stores: `= {}` compiled to `rep stos`, whose
// start-up cost was ~5% of the 1/8 decode of 4:2:0 photos (it runs once per chroma block).
void zero_block(std::int16_t* coef) {
  using Row = std::int16_t __attribute__((vector_size(16)));
  for (int i = 0; i < 64; i += 8) {
    const Row zero = {};
    std::memcpy(coef + i, &zero, sizeof zero);
  }
}

// Whether idct_2x2_low gives the block's pixels: every coefficient idct_2x2 reads (rows and
// columns 0, 1, 3, 5, 7) but (0,0), (0,1), (1,0) and (1,1) is zero, wherever the block ends. With
// vector masks over the rows read.
bool only_low_read(const std::int16_t* coef) {
  using Row = std::int16_t __attribute__((vector_size(16)));
  constexpr Row low_rows = {0, 0, 0, -1, 0, -1, 0, -1}, other_rows = {-1, -1, 0, -1, 0, -1, 0, -1};
  Row any = {};
  for (const int r : {0, 1, 3, 5, 7}) {
    Row v;
    std::memcpy(&v, coef + 8 * r, sizeof v);
    any |= v & (r < 2 ? low_rows : other_rows);
  }
  std::uint64_t halves[2];
  std::memcpy(halves, &any, sizeof halves);
  return (halves[0] | halves[1]) == 0;
}

struct Decoder {
  Decoder(const Header& header, Bytes bytes, bool quarter_scale)
      : h(header), data(bytes), quarter(quarter_scale) {}
  const Header& h;
  Bytes data;
  bool quarter;  // 1/4 (block_low, block_box) instead of 1/8 (libjpeg's own arithmetic)
  bool gray = h.components.size() == 1;
  int maxh = gray ? 1 : h.components[0].h, maxv = gray ? 1 : h.components[0].v;
  int mcus_x = (h.width + 8 * maxh - 1) / (8 * maxh), mcus_y = (h.height + 8 * maxv - 1) / (8 * maxv);
  bool chroma_2x2 = maxh == 2 && maxv == 2;  // at 1/8, libjpeg scales 4:2:0 chroma up by its IDCT
  // Output pixels per block and axis: luma; chroma across and down (at 1/8 libjpeg replicates
  // 4:2:2 and 4:4:0 chroma, see to_bgr; at 1/4 every plane comes out at the output size).
  int per_luma = quarter ? 2 : 1;
  int per_chroma_x = quarter ? 2 * maxh : chroma_2x2 ? 2 : 1;
  int per_chroma_y = quarter ? 2 * maxv : chroma_2x2 ? 2 : 1;
  int yw = mcus_x * maxh * per_luma, cw = mcus_x * per_chroma_x;
  int yh = mcus_y * maxv * per_luma, ch = mcus_y * per_chroma_y;
  std::vector<std::uint8_t> luma, chroma[2];
  EntropyWindow window;
  std::unique_ptr<HuffmanTable> tables[2][4];   // [ac][index], those the scan uses
  const HuffmanTable *dc[3] = {}, *ac[3] = {};  // per component

  const HuffmanTable* table(bool is_ac, int index, TableUse use);

  cv::Mat run();
  void decode_scan();
  template <bool kQuarter>
  void decode_mcus();
  cv::Mat to_bgr() const;
};

const HuffmanTable* Decoder::table(bool is_ac, int index, TableUse use) {
  std::unique_ptr<HuffmanTable>& t = tables[is_ac][index];
  if (!t) t = std::make_unique<HuffmanTable>(build_table((is_ac ? h.ac : h.dc)[std::size_t(index)], use));
  return t.get();
}

// The AC coefficients of one block that the 1/4 decode uses: up to zigzag position 9, every
// frequency below 4 across and down; the rest are skipped.
constexpr int kQuarterLast = 9;

void Decoder::decode_scan() {
  const std::size_t n = h.components.size();
  // At 1/8, 4:2:0 chroma needs its AC values (for the 2x2 IDCT), everything else only skips
  // them; at 1/4 every block decodes its first ones and skips the rest.
  const auto ac_use = [&](std::size_t i) {
    if (quarter) return TableUse::AcBoth;
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
  luma.resize(std::size_t(yw) * std::size_t(yh));
  if (!gray)
    for (auto& plane : chroma) plane.resize(std::size_t(cw) * std::size_t(ch));
  if (quarter)
    decode_mcus<true>();
  else
    decode_mcus<false>();
}

// The MCUs of the scan at 1/4 or 1/8 (separate instances: the 1/8 one's reader, never shared with
// the 1/4 block code, stays in registers from block to block).
template <bool kQuarter>
void Decoder::decode_mcus() {
  const std::size_t n = h.components.size();
  BitReader br = window.start(data.data(), h.scan_data, data.size());
  std::int64_t pred[3] = {};
  const std::int16_t* q[3] = {h.components[0].quant.data(), nullptr, nullptr};
  if (!gray) q[1] = h.components[1].quant.data(), q[2] = h.components[2].quant.data();
  const auto dc_value = [&](std::size_t ci) {
    pred[ci] += decode_dc(br, *dc[ci]);
    // libjpeg stops on a predictor overflowing int; far before that, leave the file to it.
    if (pred[ci] > (1 << 30) || pred[ci] < -(1 << 30)) throw Unsupported{};
    return static_cast<std::int16_t>(pred[ci]);  // libjpeg's coefficients are 16-bit
  };
  // One block at 1/4: its low coefficients, then its nx x ny pixels at `out`.
  const auto quarter_block = [&](std::size_t ci, std::uint8_t* out, std::size_t stride,
                                 QuarterPixels pixels) {
    // Rows and columns 0-3 are read; decode_ac may store others anywhere up to 79 (a run
    // carried past 63), left unset.
    std::int16_t coef[80];
    std::fill_n(coef, 28, std::int16_t{0});
    coef[0] = dc_value(ci);
    bool more = false;
    const int k = decode_ac(br, *ac[ci], coef, kQuarterLast, &more);
    if (more) skip_ac(br, *ac[ci], k);
    // Nothing past (1,1): the same pixels, cheaper.
    pixels(coef, q[ci], k <= 3 || (k <= 5 && coef[16] == 0), out, stride);
  };
  const QuarterPixels chroma_pixels = quarter_pixels_for(per_chroma_x, per_chroma_y);
  int restarts = 0;
  for (int my = 0, mcu = 0; my < mcus_y; ++my)
    for (int mx = 0; mx < mcus_x; ++mx, ++mcu) {
      if (h.restart_interval != 0 && mcu != 0 && mcu % h.restart_interval == 0) {
        br = expect_marker(window, br, data, std::uint8_t(0xD0 + (restarts++ & 7)));
        pred[0] = pred[1] = pred[2] = 0;
      }
      br = window.ensure(br);
      for (int by = 0; by < maxv; ++by)
        for (int bx = 0; bx < maxh; ++bx) {
          std::uint8_t* out = &luma[std::size_t((my * maxv + by) * per_luma) * std::size_t(yw) +
                                    std::size_t((mx * maxh + bx) * per_luma)];
          if constexpr (kQuarter) {
            quarter_block(0, out, std::size_t(yw), quarter_pixels<2, 2>);
          } else {
            *out = dc_pixel(dc_value(0), q[0][0]);
            skip_ac(br, *ac[0]);
          }
        }
      for (std::size_t ci = 1; ci < n; ++ci) {
        std::uint8_t* out = &chroma[ci - 1][std::size_t(my * per_chroma_y) * std::size_t(cw) +
                                            std::size_t(mx * per_chroma_x)];
        if constexpr (kQuarter) {
          quarter_block(ci, out, std::size_t(cw), chroma_pixels);
        } else if (chroma_2x2) {
          std::int16_t coef[64];
          zero_block(coef);
          coef[0] = dc_value(ci);
          const int end = decode_ac(br, *ac[ci], coef);
          (end <= 6 || only_low_read(coef) ? idct_2x2_low : idct_2x2)(coef, q[ci], out, out + cw);
        } else {
          *out = dc_pixel(dc_value(ci), q[ci][0]);
          skip_ac(br, *ac[ci]);
        }
      }
      if (br.overran()) throw Unsupported{};  // libjpeg: "premature end of data segment"
    }
  expect_marker(window, br, data, 0xD9, true);  // EOI
}

cv::Mat Decoder::to_bgr() const {
  const int scale = quarter ? 4 : 8;
  const int width = (h.width + scale - 1) / scale, height = (h.height + scale - 1) / scale;
  if (gray) {
    cv::Mat out(height, width, CV_8UC1);
    for (int y = 0; y < height; ++y)
      std::copy_n(&luma[std::size_t(y) * std::size_t(yw)], width, out.ptr<std::uint8_t>(y));
    return out;
  }
  if (quarter) {  // planes at the output size: OpenCV's vectorised conversion (JFIF's matrix too)
    const cv::Mat y(height, width, CV_8UC1, const_cast<std::uint8_t*>(luma.data()), std::size_t(yw));
    const cv::Mat cb(height, width, CV_8UC1, const_cast<std::uint8_t*>(chroma[0].data()), std::size_t(cw));
    const cv::Mat cr(height, width, CV_8UC1, const_cast<std::uint8_t*>(chroma[1].data()), std::size_t(cw));
    cv::Mat ycrcb, out;
    cv::merge(std::vector<cv::Mat>{y, cr, cb}, ycrcb);
    cv::cvtColor(ycrcb, out, cv::COLOR_YCrCb2BGR);
    return out;
  }
  static const YccTables t;
  // Chroma samples per output pixel, where the chroma plane is smaller (1/8 of 4:2:2, 4:4:0).
  const int sx = cw < yw ? 1 : 0, sy = ch < yh ? 1 : 0;
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

std::optional<cv::Mat> decode_baseline_at(Bytes data, Dimensions min_size, std::uint64_t max_pixels,
                                          int denom) {
  const std::optional<Header> header = parse_baseline_header(data);
  if (!header) return std::nullopt;
  const Dimensions stored{header->width, header->height};
  if (jpeg_scale_denom(stored, min_size) != denom) return std::nullopt;
  const Dimensions held = jpeg_held_size({stored, 0, false}, min_size);
  if (max_pixels != 0 && std::uint64_t(held.width) * std::uint64_t(held.height) > max_pixels)
    return std::nullopt;  // libjpeg's path refuses it with the usual message
  try {
    return Decoder(*header, data, denom == 4).run();
  } catch (const Unsupported&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<cv::Mat> decode_baseline_eighth(Bytes data, Dimensions min_size, std::uint64_t max_pixels) {
  return decode_baseline_at(data, min_size, max_pixels, 8);
}

std::optional<cv::Mat> decode_baseline_quarter(Bytes data, Dimensions min_size, std::uint64_t max_pixels) {
  return decode_baseline_at(data, min_size, max_pixels, 4);
}

}  // namespace thumbflow::detail
