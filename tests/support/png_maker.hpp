// PNG files of every colour type, bit depth and interlace method, written with libspng's encoder
// from pictures made in the test (OpenCV writes only some of them).
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::test {

struct PngSpec {
  int bit_depth = 8;   // 1, 2, 4, 8 or 16 as the colour type allows
  int color_type = 2;  // 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA
  bool interlaced = false;
  std::vector<std::uint8_t> trns;  // the tRNS chunk's body, written when not empty
  std::vector<cv::Vec3b> palette;  // RGB entries for type 3; empty: palette_colour(i) for every index
};

// `picture` is 8-bit gray (types 0, 3: the sample is the top bit_depth bits, for palette the
// index), BGR (2) or BGRA (6), or gray+alpha as CV_8UC2 (4); for bit depth 16 the same as CV_16U.
// Palette files get palette_colour(i) for every index. Throws std::runtime_error if libspng refuses.
std::vector<std::uint8_t> make_png(const cv::Mat& picture, const PngSpec& spec);

// `png` with an iCCP chunk (profile name "icc", zlib-compressed `profile`) right after IHDR.
std::vector<std::uint8_t> with_iccp(std::vector<std::uint8_t> png, const std::vector<std::uint8_t>& profile);

// An ICC profile header that libpng's checks reject with a warning (an undefined rendering
// intent) but that is otherwise well formed: what makes OpenCV print "libpng warning: iCCP: ...".
std::vector<std::uint8_t> icc_profile_libpng_warns_about();

// The RGB colour make_png puts at palette index i.
cv::Vec3b palette_colour(int i);

}  // namespace thumbflow::test
