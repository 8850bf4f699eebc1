#include "image/resize.hpp"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

using test::make_picture;
using test::psnr_luma;

TEST(Resize, MatchesAreaFilterReference) {
  const cv::Mat in = make_picture(800, 600, CV_8UC3);
  const cv::Mat out = resize_for_thumbnail(in, {128, 96}, false, {});
  cv::Mat ref;
  cv::resize(in, ref, {128, 96}, 0, 0, cv::INTER_AREA);
  ASSERT_EQ(out.type(), CV_8UC3);
  EXPECT_GE(psnr_luma(out, ref), 50.0);
}

TEST(Resize, AreaFilterDoesNotAlias) {
  // One-pixel black/white stripes average to mid grey; point sampling would give black or white.
  cv::Mat stripes(400, 400, CV_8UC1);
  for (int x = 0; x < 400; ++x) stripes.col(x).setTo(x % 2 ? 255 : 0);
  const cv::Mat out = resize_for_thumbnail(stripes, {40, 40}, false, {});
  double lo = 0, hi = 0;
  cv::minMaxLoc(out, &lo, &hi);
  EXPECT_GE(lo, 120);
  EXPECT_LE(hi, 135);
}

TEST(Resize, GrayStaysGrayAnd16BitBecomes8Bit) {
  const cv::Mat gray16 = make_picture(300, 200, CV_16UC1);
  const cv::Mat out = resize_for_thumbnail(gray16, {150, 100}, true, {});
  ASSERT_EQ(out.type(), CV_8UC1);
  cv::Mat ref8;
  gray16.convertTo(ref8, CV_8U, 1.0 / 257);
  cv::resize(ref8, ref8, {150, 100}, 0, 0, cv::INTER_AREA);
  EXPECT_GE(psnr_luma(out, ref8), 45.0);

  const cv::Mat rgb16 = make_picture(300, 200, CV_16UC3);
  EXPECT_EQ(resize_for_thumbnail(rgb16, {30, 20}, false, {}).type(), CV_8UC3);
}

TEST(Resize, TransparentPixelsDoNotDarkenEdges) {
  // Left half: opaque white. Right half: fully transparent *black*. A naive resize would mix the
  // black into the kept colour; premultiplied resizing must keep white.
  cv::Mat in(100, 100, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  in(cv::Rect(0, 0, 50, 100)).setTo(cv::Scalar(255, 255, 255, 255));
  const cv::Mat out = resize_for_thumbnail(in, {10, 10}, true, {});
  ASSERT_EQ(out.type(), CV_8UC4);
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 10; ++x) {
      const cv::Vec4b p = out.at<cv::Vec4b>(y, x);
      if (p[3] > 0) {
        EXPECT_GE(p[0], 250) << x << "," << y << " alpha " << int(p[3]);
      }
    }
  EXPECT_EQ(out.at<cv::Vec4b>(5, 9)[3], 0);
  EXPECT_EQ(out.at<cv::Vec4b>(5, 0)[3], 255);
}

TEST(Resize, CompositesOntoBackgroundWhenAlphaCannotBeKept) {
  cv::Mat in(64, 64, CV_8UC4, cv::Scalar(0, 0, 0, 0));           // transparent black everywhere
  in(cv::Rect(0, 0, 32, 64)).setTo(cv::Scalar(255, 0, 0, 255));  // opaque blue left half
  const cv::Mat white = resize_for_thumbnail(in, {8, 8}, false, {});
  ASSERT_EQ(white.type(), CV_8UC3);
  EXPECT_EQ(white.at<cv::Vec3b>(4, 7), cv::Vec3b(255, 255, 255));  // never black
  EXPECT_EQ(white.at<cv::Vec3b>(4, 0), cv::Vec3b(255, 0, 0));
  const cv::Mat red = resize_for_thumbnail(in, {8, 8}, false, Rgb{255, 0, 0});
  EXPECT_EQ(red.at<cv::Vec3b>(4, 7), cv::Vec3b(0, 0, 255));
}

TEST(Resize, OpaqueAlphaIsDropped) {
  cv::Mat in(50, 50, CV_8UC4, cv::Scalar(10, 20, 30, 255));
  EXPECT_EQ(resize_for_thumbnail(in, {5, 5}, true, {}).channels(), 3);
}

TEST(Resize, SameSizeCopiesAndEnlargingWorks) {
  const cv::Mat in = make_picture(40, 30, CV_8UC3);
  const cv::Mat same = resize_for_thumbnail(in, {40, 30}, false, {});
  EXPECT_NE(same.data, in.data);
  EXPECT_EQ(cv::norm(same, in, cv::NORM_INF), 0);
  EXPECT_EQ(resize_for_thumbnail(in, {80, 60}, false, {}).size(), cv::Size(80, 60));
}

}  // namespace
}  // namespace thumbflow::detail
