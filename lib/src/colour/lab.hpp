// CIE L*a*b* pixels (TIFF's CIELab and ICCLab photometrics) to sRGB, with lcms2.
#pragma once

#include <opencv2/core/mat.hpp>

namespace thumbflow::detail {

struct LabEncoding {
  // The white the values are relative to (TIFF's WhitePoint tag, x and y); D50 when absent, as
  // Adobe's TIFF notes and libtiff say. ImageMagick writes D65.
  double white_x = 0.3457, white_y = 0.3585;
};

// `lab`: CV_8UC3/CV_16UC3, or with a 4th channel that is alpha; channels L, a, b (L 0..max is
// 0..100; a and b offset by half the range, as ICCLab stores them, in units of 1, 16-bit 1/256:
// TIFF CIELab's signed values with their top bit flipped). Returns BGR/BGRA of
// the same depth in sRGB (relative colorimetric: the white comes out white), alpha copied.
// Thread-safe.
cv::Mat lab_to_srgb(const cv::Mat& lab, const LabEncoding& encoding);

}  // namespace thumbflow::detail
