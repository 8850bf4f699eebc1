#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>

#include "crop/focus.hpp"

namespace thumbflow::detail {
namespace {

double window_sum(const cv::Mat& integral, cv::Point p, cv::Size w) {
  return integral.at<double>(p.y + w.height, p.x + w.width) - integral.at<double>(p.y, p.x + w.width) -
         integral.at<double>(p.y + w.height, p.x) + integral.at<double>(p.y, p.x);
}

}  // namespace

cv::Point best_window(const cv::Mat& score, cv::Size window) {
  window.width = std::min(window.width, score.cols);
  window.height = std::min(window.height, score.rows);
  cv::Mat integral;
  cv::integral(score, integral, CV_64F);
  double best = -1;
  cv::Point best_at{0, 0};
  for (int y = 0; y + window.height <= score.rows; ++y)
    for (int x = 0; x + window.width <= score.cols; ++x)
      if (const double s = window_sum(integral, {x, y}, window); s > best) {
        best = s;
        best_at = {x, y};
      }
  // Centre of mass of the score inside the best window; then, among near-best windows, the one
  // centred nearest to it.
  // Nothing stands out (a blank picture): the middle, as a centre crop.
  if (best <= 0) return {(score.cols - window.width) / 2, (score.rows - window.height) / 2};
  const cv::Moments m = cv::moments(score(cv::Rect(best_at, window)));
  if (m.m00 <= 0) return best_at;
  const cv::Point2d mass(best_at.x + m.m10 / m.m00, best_at.y + m.m01 / m.m00);
  const double tolerance = best * 0.995;
  double nearest = std::numeric_limits<double>::max();
  cv::Point chosen = best_at;
  for (int y = 0; y + window.height <= score.rows; ++y)
    for (int x = 0; x + window.width <= score.cols; ++x) {
      if (window_sum(integral, {x, y}, window) < tolerance) continue;
      const double d = std::hypot(x + window.width / 2.0 - mass.x, y + window.height / 2.0 - mass.y);
      if (d < nearest) {
        nearest = d;
        chosen = {x, y};
      }
    }
  return chosen;
}

}  // namespace thumbflow::detail
