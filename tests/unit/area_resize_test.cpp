#include "image/area_resize.hpp"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

// Noise plus edges: every sample counts, and a wrong weight or an off-by-one source index shows.
cv::Mat picture(int width, int height, int channels) {
  cv::Mat bgr = test::make_picture(width, height, CV_8UC3, width + height);
  if (channels == 3) return bgr;
  cv::Mat out;
  cv::cvtColor(bgr, out, channels == 1 ? cv::COLOR_BGR2GRAY : cv::COLOR_BGR2BGRA);
  if (channels == 4) cv::randu(out.reshape(1, out.rows * out.cols).col(3), 0, 256);
  return out;
}

void expect_like_opencv(const cv::Mat& in, cv::Size size, const std::string& what) {
  cv::Mat ours, theirs;
  ASSERT_TRUE(area_reduce_u8(in, ours, size, double(in.cols) / size.width, double(in.rows) / size.height))
      << what;
  cv::resize(in, theirs, size, 0, 0, cv::INTER_AREA);
  ASSERT_EQ(ours.size(), theirs.size()) << what;
  ASSERT_EQ(ours.type(), theirs.type()) << what;
  EXPECT_LE(cv::norm(ours, theirs, cv::NORM_INF), 1.0) << what;
  cv::Mat differ;
  cv::compare(ours.reshape(1), theirs.reshape(1), differ, cv::CMP_NE);
  // The float sums run in another order (and compilers contract them differently): a few samples
  // round the other way, never by more than one level.
  EXPECT_LE(cv::countNonZero(differ), int(differ.total() / 50) + 8) << what << ": more than 2% off by one";
}

TEST(AreaReduce, MatchesOpenCvInterAreaForEveryChannelCountAndRatio) {
  struct Case {
    int w, h, tw, th;
  } cases[] = {{2000, 1125, 960, 540}, {2000, 1125, 64, 36}, {1283, 857, 800, 534}, {640, 480, 333, 250},
               {1201, 799, 1200, 798}, {512, 384, 127, 95},  {97, 61, 13, 7},       {3000, 2000, 192, 128},
               {100, 1000, 99, 17},    {1000, 100, 3, 99}};
  for (const int channels : {1, 3, 4})
    for (const Case& c : cases) {
      const cv::Mat in = picture(c.w, c.h, channels);
      expect_like_opencv(in, {c.tw, c.th},
                         std::to_string(c.w) + "x" + std::to_string(c.h) + " -> " + std::to_string(c.tw) +
                             "x" + std::to_string(c.th) + ", " + std::to_string(channels) + " channels");
    }
}

TEST(AreaReduce, GivenScalesAreUsedAsOpenCvUsesThem) {
  // What resize_for_thumbnail does for a JPEG decoded at 1/8 whose last block is partly outside
  // the picture: the scale comes from the picture's extent, not from the pixel counts.
  const cv::Mat in = picture(376, 251, 3);
  const double fx = 192 / 375.0, fy = 128 / 250.0;
  cv::Mat ours, theirs;
  const cv::Size size(cv::saturate_cast<int>(376 * fx), cv::saturate_cast<int>(251 * fy));
  ASSERT_TRUE(area_reduce_u8(in, ours, size, 1 / fx, 1 / fy));
  cv::resize(in, theirs, {}, fx, fy, cv::INTER_AREA);
  ASSERT_EQ(ours.size(), theirs.size());
  EXPECT_LE(cv::norm(ours, theirs, cv::NORM_INF), 1.0);
}

TEST(AreaReduce, LeavesToOpenCvWhatItDoesNotCover) {
  cv::Mat out;
  EXPECT_FALSE(area_reduce_u8(picture(400, 300, 3), out, {200, 150}, 2.0, 2.0)) << "whole scales";
  EXPECT_FALSE(area_reduce_u8(picture(400, 300, 3), out, {800, 600}, 0.5, 0.5)) << "enlarging";
  cv::Mat sixteen;
  picture(400, 300, 3).convertTo(sixteen, CV_16U, 257);
  EXPECT_FALSE(area_reduce_u8(sixteen, out, {150, 113}, 400 / 150.0, 300 / 113.0)) << "16-bit";
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace thumbflow::detail
