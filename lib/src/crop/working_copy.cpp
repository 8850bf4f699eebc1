#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "crop/focus.hpp"

namespace thumbflow::detail {

cv::Mat working_copy(const cv::Mat& pixels, int long_side) {
  cv::Mat eight = pixels;
  if (pixels.depth() == CV_16U)
    pixels.convertTo(eight, CV_8U, 1.0 / 257);
  else if (pixels.depth() == CV_32F)
    pixels.convertTo(eight, CV_8U, 255);
  cv::Mat bgr;
  if (eight.channels() == 1)
    cv::cvtColor(eight, bgr, cv::COLOR_GRAY2BGR);
  else if (eight.channels() == 4)
    cv::cvtColor(eight, bgr, cv::COLOR_BGRA2BGR);
  else
    bgr = eight;
  const double f = double(long_side) / std::max(bgr.cols, bgr.rows);
  if (f >= 1) return bgr;
  cv::Mat small;
  const cv::Size size(std::max(1, int(std::lround(bgr.cols * f))),
                      std::max(1, int(std::lround(bgr.rows * f))));
  // Area averaging where it shrinks a lot; a bilinear resample for less than 2x (OpenCV's area
  // filter is slow at such ratios, and the score is blurred anyway).
  cv::resize(bgr, small, size, 0, 0, f < 0.5 ? cv::INTER_AREA : cv::INTER_LINEAR);
  return small;
}

}  // namespace thumbflow::detail
