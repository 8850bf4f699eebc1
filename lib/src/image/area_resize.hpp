// OpenCV's INTER_AREA reduction, computed another way: the same weights (each output pixel is the
// mean of the source area it covers, edge pixels weighted by the share they lie inside), but the
// rows are combined first (a weighted sum of whole rows, which vectorises) and the columns of
// that one row after. Single-threaded: the pipeline runs one image per core.
#pragma once

#include <opencv2/core/mat.hpp>

namespace thumbflow::detail {

// Makes `out` (`size`) from `in`, with `scale_x`/`scale_y` source pixels per output pixel, as
// cv::resize(in, out, size, 1 / scale_x, 1 / scale_y, cv::INTER_AREA) does, within one level per
// sample (float sums in another order). False, `out` untouched, where it does not apply or
// OpenCV is as fast: not 8-bit with 1, 3 or 4 channels, a scale below 1, or both scales whole
// numbers (OpenCV's vectorised block mean).
bool area_reduce_u8(const cv::Mat& in, cv::Mat& out, cv::Size size, double scale_x, double scale_y);

}  // namespace thumbflow::detail
