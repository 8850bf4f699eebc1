// Pictures for the crop tests: a small, sharp, saturated subject at a known place on a plain or
// noisy grey background.
#pragma once

#include <opencv2/core/mat.hpp>

namespace thumbflow::test {

struct Scene {
  cv::Mat picture;   // BGR 8-bit
  cv::Rect subject;  // where the subject is
};

// A width x height picture with a subject of side `side` centred at (fx, fy), fractions of the
// picture (clamped so that the subject stays whole). `noisy`: Gaussian grey noise (sigma 20,
// fixed seed) instead of a plain background.
Scene make_scene(int width, int height, double fx, double fy, bool noisy, int side = 0);

// True when `inner` lies inside `outer` (edges may touch).
bool contains(const cv::Rect& outer, const cv::Rect& inner);

}  // namespace thumbflow::test
