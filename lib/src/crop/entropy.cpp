#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "crop/focus.hpp"

namespace thumbflow::detail {
namespace {

double entropy_of(const cv::Mat& grey) {
  std::array<int, 256> histogram{};
  for (int y = 0; y < grey.rows; ++y) {
    const auto* row = grey.ptr<std::uint8_t>(y);
    for (int x = 0; x < grey.cols; ++x) ++histogram[row[x]];
  }
  const double n = double(grey.total());
  double e = 0;
  for (int count : histogram)
    if (count > 0) e -= count / n * std::log2(count / n);
  return e;
}

}  // namespace

cv::Point entropy_window(const cv::Mat& bgr, cv::Size window) {
  window.width = std::min(window.width, bgr.cols);
  window.height = std::min(window.height, bgr.rows);
  cv::Mat grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  // Two pixels per step on the working copy (at most 256 wide) is finer than the output needs.
  constexpr int kStep = 2;
  std::vector<std::pair<double, cv::Point>> tried;
  double best = -1;
  for (int y = 0;; y = std::min(y + kStep, grey.rows - window.height)) {
    for (int x = 0;; x = std::min(x + kStep, grey.cols - window.width)) {
      const double e = entropy_of(grey(cv::Rect({x, y}, window)));
      tried.emplace_back(e, cv::Point(x, y));
      best = std::max(best, e);
      if (x == grey.cols - window.width) break;
    }
    if (y == grey.rows - window.height) break;
  }
  // A subject on a plain background gives a run of equal windows: take the middle one.
  std::vector<cv::Point> tied;
  for (const auto& [e, p] : tried)
    if (e >= best - 1e-9) tied.push_back(p);
  return tied[tied.size() / 2];
}

}  // namespace thumbflow::detail
