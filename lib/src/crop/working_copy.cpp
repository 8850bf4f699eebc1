#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "crop/focus.hpp"
#include "image/area_resize.hpp"

namespace thumbflow::detail {

// Shrunk first, converted after: the conversions then touch only the small copy.
cv::Mat working_copy(const cv::Mat& pixels, int long_side) {
  cv::Mat eight = pixels;
  if (pixels.depth() == CV_16U)
    pixels.convertTo(eight, CV_8U, 1.0 / 257);
  else if (pixels.depth() == CV_32F)
    pixels.convertTo(eight, CV_8U, 255);
  cv::Mat small = eight;
  if (const double f = double(long_side) / std::max(eight.cols, eight.rows); f < 1) {
    const cv::Size size(std::max(1, int(std::lround(eight.cols * f))),
                        std::max(1, int(std::lround(eight.rows * f))));
    // Area averaging where it shrinks a lot (thumbflow's own reduction, ~3x OpenCV's at such
    // ratios); a bilinear resample for less than 2x (the score is blurred anyway).
    if (f >= 0.5)
      cv::resize(eight, small, size, 0, 0, cv::INTER_LINEAR);
    else if (!area_reduce_u8(eight, small, size, double(eight.cols) / size.width,
                             double(eight.rows) / size.height))
      cv::resize(eight, small, size, 0, 0, cv::INTER_AREA);
  }
  if (small.channels() == 3) return small;
  cv::Mat bgr;
  cv::cvtColor(small, bgr, small.channels() == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGRA2BGR);
  return bgr;
}

}  // namespace thumbflow::detail
