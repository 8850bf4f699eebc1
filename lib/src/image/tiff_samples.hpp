// TIFF samples, as libtiff decodes them (rows of packed samples), to the pipeline's pixels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace thumbflow::detail {

// How the samples of one file are stored: bits per sample and SampleFormat (1 unsigned, 2 signed
// two's complement, 3 IEEE floating point). Rows start on a byte; samples of other than 8, 16, 32
// or 64 bits are packed most significant bit first (libtiff undoes FillOrder 2 and byte swapping).
struct SampleKind {
  int bits = 8;
  int format = 1;
};

// Where an output channel's samples are in a row of a block: sample first + x * stride of plane
// `plane` (a contiguous file has one plane holding every sample of a pixel; a separate one a plane
// per sample).
struct ChannelSource {
  int plane = 0;
  std::size_t first = 0, stride = 1;
};

// An output channel of integer samples (up to 16 bits): the source's raw value indexes `lut`
// (2^bits entries of the output type: scaling, sign offset, min-is-white, palette colours).
template <typename T>
struct LutChannel {
  ChannelSource source;
  const std::vector<T>* lut = nullptr;
};

// Fills `channels.size()` interleaved channels of `cols` output pixels from rows of the planes.
template <typename T>
void convert_row(const std::vector<LutChannel<T>>& channels, int bits, const std::uint8_t* const* planes,
                 int cols, T* out);

// The same for floating-point output (32-bit integers and 16, 32, 64-bit floats, as 0..1; the
// most negative signed value 0, the largest 1). `invert`: min-is-white, v becomes 1 - v.
struct FloatChannel {
  ChannelSource source;
  bool invert = false;
};
void convert_row(const std::vector<FloatChannel>& channels, SampleKind kind,
                 const std::uint8_t* const* planes, int cols, float* out);

// 2^bits entries: the `bits`-bit value (signed: two's complement, offset so that the most negative
// is 0) scaled to T's range, reversed for min-is-white (`invert`).
template <typename T>
std::vector<T> scale_lut(int bits, bool is_signed, bool invert);

}  // namespace thumbflow::detail
