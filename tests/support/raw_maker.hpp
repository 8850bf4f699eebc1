// Camera RAW files made in the test: a DNG (little-endian TIFF) whose first directory is an 8-bit
// RGB preview and whose sub-directory holds the raw data, 16-bit RGGB Bayer samples of a picture.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::test {

struct DngSpec {
  cv::Mat picture;  // BGR 8-bit: the scene, sampled into the Bayer mosaic at its own size
  cv::Mat preview;  // BGR 8-bit preview stored in IFD0; empty: none (IFD0 is a 1x1 stub)
  int orientation = 1;
};

std::vector<std::uint8_t> make_dng(const DngSpec& spec);

}  // namespace thumbflow::test
