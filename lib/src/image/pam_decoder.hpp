// PAM (Netpbm's P7, as ImageMagick's `pam:` and pamtools write it), read here: OpenCV 4.6's PAM
// reader hands RGB samples over as if they were BGR (red comes out blue).
#pragma once

#include <cstddef>
#include <opencv2/core/mat.hpp>
#include <string>

#include "image/format.hpp"

namespace thumbflow::detail {

struct PamHeader {
  int width = 0, height = 0;
  int depth = 0;   // samples per pixel, 1..4
  int maxval = 0;  // 1..65535: samples are 1 byte up to 255, else 2 (big-endian)
  std::string tupltype;
  std::size_t data_at = 0;  // where the samples start
};

// The header of a file that starts with "P7": WIDTH, HEIGHT, DEPTH, MAXVAL (any order, comments
// allowed), TUPLTYPE optional, up to ENDHDR. Throws DecodeError naming what is wrong.
PamHeader read_pam_header(Bytes data);

// The pixels: DEPTH 1 gray, 2 gray+alpha (as BGRA), 3 BGR, 4 BGRA; CV_8U for MAXVAL <= 255, else
// CV_16U; samples scaled to the full range of the type when MAXVAL is not 255 or 65535. Throws
// DecodeError when the samples are cut short or exceed MAXVAL.
cv::Mat decode_pam(Bytes data);

}  // namespace thumbflow::detail
