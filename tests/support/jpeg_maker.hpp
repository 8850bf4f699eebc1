// JPEGs made with libjpeg directly, for what OpenCV's encoder cannot do: custom progressions
// (hostile scan counts), 4:4:4, CMYK/YCCK with or without the Adobe marker.
#pragma once

// jpeglib.h needs size_t and FILE declared first.
// clang-format off
#include <cstddef>
#include <cstdio>
#include <jpeglib.h>
// clang-format on

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::test {

struct JpegSpec {
  int quality = 92;
  bool progressive = false;                    // libjpeg's standard progression
  bool subsample = true;                       // 4:2:0, else 4:4:4
  std::vector<jpeg_scan_info> scans;           // a custom progression; overrides `progressive`
  J_COLOR_SPACE four_channel_as = JCS_CMYK;    // JCS_CMYK or JCS_YCCK for 4-channel (CMYK) input
  bool adobe_marker = true;                    // for 4-channel input
  int luma_h = 0, luma_v = 0;                  // luma sampling factors (chroma 1x1); 0: by `subsample`
  int restart_interval = 0;                    // MCUs per restart interval; 0: none
  J_COLOR_SPACE three_channel_as = JCS_YCbCr;  // JCS_RGB: stored as RGB (with an Adobe marker)
  std::vector<std::uint8_t> icc;               // embedded with libjpeg's jpeg_write_icc_profile
  bool arithmetic = false;                     // arithmetic coding (SOF9) instead of Huffman
};

// Encodes BGR, gray or CMYK (4 channels, samples as given) with libjpeg.
std::vector<std::uint8_t> encode_jpeg(const cv::Mat& img, const JpegSpec& spec = {});

// One scan of one component: spectral band ss..se, successive approximation ah/al.
jpeg_scan_info scan(int component, int ss, int se, int ah, int al);

// One progression that is legal but hostile: every AC coefficient of components `ac_heavy` in
// its own band, sent at 10 bits of precision loss and refined one bit per scan (11 scans per
// coefficient, 693 per component). `dc_first` decides whether the last component's DC comes
// first or last. For 3-component (colour) images.
std::vector<jpeg_scan_info> many_scans(std::vector<int> ac_heavy, bool dc_first);

}  // namespace thumbflow::test
