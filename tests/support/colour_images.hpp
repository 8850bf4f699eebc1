// Colour-managed test inputs: ICC profiles made with lcms2, pictures converted into them, and
// files that embed them, each written by a library other than thumbflow's own code (libjpeg's
// jpeg_write_icc_profile, libspng, libwebpmux) or by hand (TIFF), so that a test of thumbflow's
// reading and embedding does not check thumbflow against itself.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::test {

using Icc = std::vector<std::uint8_t>;

Icc adobe_rgb_profile();   // Adobe RGB (1998) primaries, D65, gamma 563/256
Icc display_p3_profile();  // Display P3 primaries, D65, sRGB curve
Icc srgb_profile();        // lcms2's built-in sRGB
Icc gray_profile(double gamma);
// A CMYK profile whose colours are the naive CMYK -> RGB formula with red and blue swapped: a
// conversion that used it is told apart from one that did not. About 500 KB with the default
// 17^4 table (grid 5: 4 KB).
Icc cmyk_swapping_profile(int grid = 17);

// A picture of saturated colour blocks over gradients, 8-bit BGR, in sRGB.
cv::Mat saturated_picture(int width, int height);

// sRGB BGR (8 or 16-bit; gray for a gray `to`) converted into the profile `to` with lcms2
// (relative colorimetric, black-point compensation).
cv::Mat from_srgb(const cv::Mat& srgb, const Icc& to);

// BGR 8-bit as CMYK (0 = no ink) by the naive formula: cmyk_to_bgr's inverse.
cv::Mat naive_cmyk(const cv::Mat& bgr);

// Files embedding `icc` (which may be empty): PNG of gray or BGR, 8 or 16-bit (libspng); WebP
// lossless of BGR (libwebp + libwebpmux); uncompressed TIFF of 8-bit BGR (by hand).
std::vector<std::uint8_t> png_with_icc(const cv::Mat& pixels, const Icc& icc);
std::vector<std::uint8_t> webp_with_icc(const cv::Mat& bgr, const Icc& icc);
std::vector<std::uint8_t> tiff_with_icc(const cv::Mat& bgr, const Icc& icc);
// `png` with a cICP chunk (H.273 primaries and transfer, matrix 0, full range) after its IHDR,
// as PNG's third edition places it (HDR and wide-gamut screenshots and exports).
std::vector<std::uint8_t> with_cicp(std::vector<std::uint8_t> png, int primaries, int transfer);

// The profile a file embeds, read back with libjpeg / libspng / libwebpdemux; empty if none.
Icc icc_of_jpeg(const std::vector<std::uint8_t>& jpeg);
Icc icc_of_png(const std::vector<std::uint8_t>& png);
Icc icc_of_webp(const std::vector<std::uint8_t>& webp);

}  // namespace thumbflow::test
