// CIE L*a*b* pixels (TIFF's CIELab and ICCLab photometrics) to sRGB, with lcms2.
#pragma once

#include <opencv2/core/mat.hpp>

namespace thumbflow::detail {

struct LabEncoding {
  // a and b stored as signed integers (TIFF CIELab), else offset by half the range (ICCLab).
  bool signed_ab = true;
  // The white the values are relative to (TIFF's WhitePoint tag, x and y); D50 when absent, as
  // Adobe's TIFF notes and libtiff say. ImageMagick writes D65.
  double white_x = 0.3457, white_y = 0.3585;
};

// `lab`: CV_8UC3/CV_16UC3, or with a 4th channel that is alpha; channels L, a, b as the file
// stores them (L 0..max is 0..100; a and b in units of 1, 16-bit in 1/256). Returns BGR/BGRA of
// the same depth in sRGB (relative colorimetric: the white comes out white), alpha copied.
// Thread-safe.
cv::Mat lab_to_srgb(const cv::Mat& lab, const LabEncoding& encoding);

}  // namespace thumbflow::detail
