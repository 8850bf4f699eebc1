// HEIF/HEIC (x265) and AVIF (aom) files made in the tests with libheif's encoders.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::test {

struct HeifSpec {
  bool av1 = false;  // AVIF (AV1, aom) instead of HEIC (HEVC, x265)
  int quality = 90;
  int bit_depth = 8;  // 10 or 12: the 8-bit picture is scaled up to that many bits
  // EXIF-style 1..8: how the stored pixels are to be shown; libheif writes it as irot/imir.
  int orientation = 1;
  cv::Mat thumbnail;  // BGR: encoded as the file's thumbnail image (scaled into thumbnail_box)
  int thumbnail_box = 0;
  std::vector<std::uint8_t> icc;   // written as a colr 'prof' box
  int nclx_primaries = 0;          // > 0: a colr 'nclx' box with these primaries, sRGB transfer
  std::vector<std::uint8_t> exif;  // a TIFF-format EXIF block (see exif_with_orientation)
  // The BGRA picture's colour is premultiplied by its alpha: written with a 'prem' reference.
  bool premultiplied_alpha = false;
};

// Encodes a BGR (CV_8UC3) or BGRA (CV_8UC4) picture; throws std::runtime_error on a libheif error.
std::vector<std::uint8_t> encode_heif(const cv::Mat& stored, const HeifSpec& spec = {});

// A big-endian TIFF block holding only IFD0 Orientation = `orientation`.
std::vector<std::uint8_t> exif_with_orientation(int orientation);

}  // namespace thumbflow::test
