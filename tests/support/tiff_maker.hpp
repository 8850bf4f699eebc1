// TIFF files of every kind thumbflow reads, written with libtiff's own writer from samples made in
// the test (OpenCV writes only 8/16-bit grey, RGB and RGBA).
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::test {

struct TiffSpec {
  int bits = 8;                      // bits per sample; below 8 and 9..15 the samples' low bits are packed
  int format = 1;                    // SampleFormat: 1 unsigned, 2 signed, 3 floating point
  int photometric = 2;               // 0 min-is-white, 1 min-is-black, 2 RGB, 3 palette, 5 CMYK, 6 YCbCr
  std::vector<std::uint16_t> extra;  // ExtraSamples, one per sample past the colour ones
  bool separate = false;             // PlanarConfig 2: a plane per sample
  int tile = 0;                      // tile side (a multiple of 16), 0: strips
  int rows_per_strip = 7;
  int compression = 1;  // 1 none, 5 LZW, 7 JPEG, 8 deflate ...
  int orientation = 0;  // written when not 0
  std::vector<std::uint8_t> icc;
  std::vector<std::uint16_t> colormap;  // 3 * 2^bits entries (all red, then green, then blue)
  int pages = 1;                        // further pages: half the size, all samples 0
  bool big_tiff = false;                // BigTIFF (version 43, 8-byte offsets: libtiff's mode "w8")
  std::vector<float> white_point;       // WhitePoint (x, y) when not empty
  bool dng_version = false;             // a DNGVersion tag (1.4): sniffed as a raw, which LibRaw refuses
};

// `samples` holds the file's samples in file order (R, G, B, alpha, ...; C, M, Y, K, ...), one
// channel each, of the depth that holds `bits` (8U up to 8, 16U up to 16, 32S/32F, 64F). Throws
// std::runtime_error when libtiff refuses.
std::vector<std::uint8_t> make_tiff(const cv::Mat& samples, const TiffSpec& spec);

}  // namespace thumbflow::test
