#include "crop_scenes.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace thumbflow::test {

Scene make_scene(int width, int height, double fx, double fy, bool noisy, int side) {
  if (side <= 0) side = std::max(8, std::min(width, height) / 10);
  cv::Mat picture(height, width, CV_8UC3, cv::Scalar(128, 128, 128));
  if (noisy) {
    cv::Mat noise(height, width, CV_16SC3);
    cv::RNG rng(12345);
    rng.fill(noise, cv::RNG::NORMAL, 0, 20);
    cv::Mat grey;
    picture.convertTo(grey, CV_16SC3);
    cv::add(grey, noise, grey);
    grey.convertTo(picture, CV_8UC3);
  }
  const int x = std::clamp(int(std::lround(fx * width - side / 2.0)), 0, width - side);
  const int y = std::clamp(int(std::lround(fy * height - side / 2.0)), 0, height - side);
  const cv::Rect subject(x, y, side, side);
  // A red and yellow checkerboard: saturated, with sharp edges inside.
  const int cell = std::max(2, side / 4);
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c)
      picture.at<cv::Vec3b>(y + r, x + c) =
          ((r / cell + c / cell) % 2 == 0) ? cv::Vec3b(0, 0, 230) : cv::Vec3b(0, 220, 240);
  return {picture, subject};
}

bool contains(const cv::Rect& outer, const cv::Rect& inner) { return (outer & inner) == inner; }

}  // namespace thumbflow::test
