#include "image/alpha.hpp"

#include <opencv2/core.hpp>
#include <vector>

namespace thumbflow::detail {

void unpremultiply(cv::Mat& bgra) {
  CV_Assert(bgra.channels() == 4);
  const int depth = bgra.depth();
  const double full = depth == CV_8U ? 255.0 : depth == CV_16U ? 65535.0 : 1.0;
  cv::Mat f;
  bgra.convertTo(f, CV_32F);
  std::vector<cv::Mat> ch;
  cv::split(f, ch);
  const cv::Mat transparent = ch[3] <= 0;
  const cv::Mat divisor = cv::max(ch[3], 1e-12);
  for (int i = 0; i < 3; ++i) {
    cv::Mat& c = ch[std::size_t(i)];
    cv::divide(c, divisor, c, full);
    if (depth == CV_32F) c = cv::min(c, 1.0);
    c.setTo(0, transparent);
  }
  cv::merge(ch, f);
  f.convertTo(bgra, depth);
}

}  // namespace thumbflow::detail
