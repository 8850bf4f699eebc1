#include "image/area_resize.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

namespace thumbflow::detail {
namespace {

// For each output index along one axis: the first source index, how many it covers, and their
// weights (summing to 1). The weights are OpenCV's (imgproc/resize.cpp, computeResizeAreaTab).
struct Axis {
  std::vector<int> first, count, weights_at;
  std::vector<float> weights;
};

Axis area_axis(int source, int output, double scale) {
  Axis a;
  for (int d = 0; d < output; ++d) {
    const double from = d * scale, to = from + scale;
    const double cell = std::min(scale, source - from);
    int inner_first = int(std::ceil(from)), inner_end = int(std::floor(to));
    inner_end = std::min(inner_end, source - 1);
    inner_first = std::min(inner_first, inner_end);
    a.weights_at.push_back(int(a.weights.size()));
    int first = -1, count = 0;
    const auto add = [&](int s, double w) {
      if (first < 0) first = s;
      a.weights.push_back(float(w / cell));
      ++count;
    };
    if (inner_first - from > 1e-3) add(inner_first - 1, inner_first - from);
    for (int s = inner_first; s < inner_end; ++s) add(s, 1.0);
    if (to - inner_end > 1e-3) add(inner_end, std::min(std::min(to - inner_end, 1.0), cell));
    a.first.push_back(std::max(first, 0));
    a.count.push_back(count);
  }
  return a;
}

template <std::size_t Cn>
void reduce(const cv::Mat& in, cv::Mat& out, const Axis& ax, const Axis& ay) {
  const int width = in.cols * int(Cn);
  std::vector<float> row(std::size_t(width), 0.0f);
  for (int dy = 0; dy < out.rows; ++dy) {
    // The rows this output row covers, weighted: a loop over whole rows, which the compiler vectorises.
    const float* wy = &ay.weights[std::size_t(ay.weights_at[std::size_t(dy)])];
    const int first_row = ay.first[std::size_t(dy)], rows = ay.count[std::size_t(dy)];
    std::fill(row.begin(), row.end(), 0.0f);
    for (int k = 0; k < rows; ++k) {
      const std::uint8_t* s = in.ptr<std::uint8_t>(first_row + k);
      const float w = wy[k];
      float* r = row.data();
      for (int i = 0; i < width; ++i) r[i] += w * float(s[i]);
    }
    std::uint8_t* d = out.ptr<std::uint8_t>(dy);
    for (int dx = 0; dx < out.cols; ++dx, d += Cn) {
      const float* wx = &ax.weights[std::size_t(ax.weights_at[std::size_t(dx)])];
      const float* r = &row[std::size_t(ax.first[std::size_t(dx)]) * Cn];
      float sum[Cn] = {};
      for (int j = 0, n = ax.count[std::size_t(dx)]; j < n; ++j, r += Cn)
        for (std::size_t c = 0; c < Cn; ++c) sum[c] += wx[j] * r[c];
      for (std::size_t c = 0; c < Cn; ++c) d[c] = cv::saturate_cast<std::uint8_t>(sum[c]);
    }
  }
}

bool whole(double scale) { return std::abs(scale - double(cvRound(scale))) < DBL_EPSILON; }

}  // namespace

bool area_reduce_u8(const cv::Mat& in, cv::Mat& out, cv::Size size, double scale_x, double scale_y) {
  const int cn = in.channels();
  if (in.depth() != CV_8U || (cn != 1 && cn != 3 && cn != 4) || in.empty() || size.width <= 0 ||
      size.height <= 0 || scale_x < 1 || scale_y < 1 || (whole(scale_x) && whole(scale_y)))
    return false;
  const Axis ax = area_axis(in.cols, size.width, scale_x), ay = area_axis(in.rows, size.height, scale_y);
  cv::Mat result(size, in.type());
  if (cn == 1)
    reduce<1>(in, result, ax, ay);
  else if (cn == 3)
    reduce<3>(in, result, ax, ay);
  else
    reduce<4>(in, result, ax, ay);
  out = result;
  return true;
}

}  // namespace thumbflow::detail
