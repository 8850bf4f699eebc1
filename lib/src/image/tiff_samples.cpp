#include "image/tiff_samples.hpp"

#include <opencv2/core/cvdef.h>

#include <cstring>
#include <limits>

namespace thumbflow::detail {
namespace {

template <typename V>
V load(const std::uint8_t* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The raw value of sample `i` of a row; Bits 0: `bits` (< 16) packed most significant bit first.
// Rows are read from buffers with 4 bytes to spare, so the three-byte window never leaves them.
template <int Bits>
std::uint32_t raw(const std::uint8_t* row, std::size_t i, int bits) {
  if constexpr (Bits == 8) {
    return row[i];
  } else if constexpr (Bits == 16) {
    return load<std::uint16_t>(row + 2 * i);
  } else {
    const std::size_t bit = i * std::size_t(bits);
    const std::uint8_t* p = row + bit / 8;
    const std::uint32_t window = std::uint32_t(p[0]) << 16 | std::uint32_t(p[1]) << 8 | p[2];
    return (window >> (24 - int(bit % 8) - bits)) & ((1u << bits) - 1);
  }
}

template <int Bits, typename T>
void lut_row(const std::vector<LutChannel<T>>& channels, int bits, const std::uint8_t* const* planes,
             int cols, T* out) {
  const std::size_t n = channels.size();
  for (std::size_t c = 0; c < n; ++c) {
    const LutChannel<T>& ch = channels[c];
    const std::uint8_t* row = planes[ch.source.plane];
    const T* lut = ch.lut->data();
    std::size_t i = ch.source.first;
    for (int x = 0; x < cols; ++x, i += ch.source.stride)
      out[std::size_t(x) * n + c] = lut[raw<Bits>(row, i, bits)];
  }
}

template <typename Read>
void float_row(const std::vector<FloatChannel>& channels, const std::uint8_t* const* planes, int cols,
               float* out, Read read) {
  const std::size_t n = channels.size();
  for (std::size_t c = 0; c < n; ++c) {
    const FloatChannel& ch = channels[c];
    const std::uint8_t* row = planes[ch.source.plane];
    std::size_t i = ch.source.first;
    for (int x = 0; x < cols; ++x, i += ch.source.stride) {
      const float v = read(row, i);
      out[std::size_t(x) * n + c] = ch.invert ? 1.0f - v : v;
    }
  }
}

}  // namespace

template <typename T>
void convert_row(const std::vector<LutChannel<T>>& channels, int bits, const std::uint8_t* const* planes,
                 int cols, T* out) {
  if (bits == 8)
    lut_row<8>(channels, bits, planes, cols, out);
  else if (bits == 16)
    lut_row<16>(channels, bits, planes, cols, out);
  else
    lut_row<0>(channels, bits, planes, cols, out);
}

template void convert_row(const std::vector<LutChannel<std::uint8_t>>&, int, const std::uint8_t* const*, int,
                          std::uint8_t*);
template void convert_row(const std::vector<LutChannel<std::uint16_t>>&, int, const std::uint8_t* const*, int,
                          std::uint16_t*);

void convert_row(const std::vector<FloatChannel>& channels, SampleKind kind,
                 const std::uint8_t* const* planes, int cols, float* out) {
  constexpr double kUnit = 1.0 / 4294967295.0;
  using P = const std::uint8_t*;
  if (kind.format == 3 && kind.bits == 16)
    float_row(channels, planes, cols, out, [](P r, std::size_t i) {
      return float(cv::float16_t::fromBits(load<std::uint16_t>(r + 2 * i)));
    });
  else if (kind.format == 3 && kind.bits == 32)
    float_row(channels, planes, cols, out, [](P r, std::size_t i) { return load<float>(r + 4 * i); });
  else if (kind.format == 3)
    float_row(channels, planes, cols, out, [](P r, std::size_t i) { return float(load<double>(r + 8 * i)); });
  else if (kind.format == 2)
    float_row(channels, planes, cols, out, [](P r, std::size_t i) {
      return float((load<std::int32_t>(r + 4 * i) + 2147483648.0) * kUnit);
    });
  else
    float_row(channels, planes, cols, out,
              [](P r, std::size_t i) { return float(load<std::uint32_t>(r + 4 * i) * kUnit); });
}

template <typename T>
std::vector<T> scale_lut(int bits, bool is_signed, bool invert) {
  const std::uint32_t n = 1u << bits, top = n - 1;
  const double scale = double(std::numeric_limits<T>::max()) / top;
  std::vector<T> lut(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    std::uint32_t u = is_signed ? v ^ (n >> 1) : v;
    if (invert) u = top - u;
    lut[v] = T(u * scale + 0.5);
  }
  return lut;
}

template std::vector<std::uint8_t> scale_lut(int, bool, bool);
template std::vector<std::uint16_t> scale_lut(int, bool, bool);

}  // namespace thumbflow::detail
