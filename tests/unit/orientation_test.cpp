#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "image/decode.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

class Orientation : public ::testing::TestWithParam<int> {};

TEST_P(Orientation, StoredPixelsComeBackUpright) {
  const cv::Mat upright = test::make_picture(60, 40, CV_8UC3, 7);
  const cv::Mat stored = test::store_for_orientation(upright, GetParam());
  const cv::Mat back = apply_orientation(stored, GetParam());
  ASSERT_EQ(back.size(), upright.size());
  EXPECT_EQ(cv::norm(back, upright, cv::NORM_INF), 0);
}

TEST_P(Orientation, DecodeAppliesExifOrientation) {
  const cv::Mat upright = test::make_picture(320, 200, CV_8UC3, 3);
  const auto jpeg = test::jpeg_with_orientation(test::store_for_orientation(upright, GetParam()), GetParam(),
                                                GetParam() % 2 == 0);
  ThumbnailOptions options;
  options.box_width = options.box_height = 64;
  const DecodedImage decoded = decode_for_thumbnail(jpeg, options);
  EXPECT_EQ(decoded.orientation, GetParam());
  EXPECT_EQ(decoded.target, (Dimensions{64, 40}));
  ASSERT_EQ(decoded.pixels.cols * 200, decoded.pixels.rows * 320) << "not upright";
  cv::Mat expected;
  cv::resize(upright, expected, decoded.pixels.size(), 0, 0, cv::INTER_AREA);
  EXPECT_GE(test::psnr_luma(decoded.pixels, expected), 30.0);
}

INSTANTIATE_TEST_SUITE_P(AllEight, Orientation, ::testing::Range(1, 9));

}  // namespace
}  // namespace thumbflow::detail
