// JPEG XL files made in the tests with libjxl's encoder, and an ICC profile made with lcms2.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::test {

struct JxlSpec {
  bool lossless = false;          // lossless keeps the original colour space (no XYB)
  float distance = 1.0F;          // lossy: butteraugli distance (1 = visually lossless)
  int orientation = 1;            // EXIF-style 1..8, stored in the codestream header
  std::vector<std::uint8_t> icc;  // embedded as the original profile; empty: sRGB
};

// Encodes a gray (CV_8UC1), BGR (CV_8UC3) or BGRA (CV_8UC4) picture as a bare codestream at
// effort 3 (fast); throws std::runtime_error on an encoder error.
std::vector<std::uint8_t> encode_jxl(const cv::Mat& stored, const JxlSpec& spec = {});

// An Adobe RGB (1998) ICC profile (gamma 2.2, D65) written by lcms2.
std::vector<std::uint8_t> adobe_rgb_icc();

}  // namespace thumbflow::test
