#include "image/animated_webp_encoder.hpp"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <vector>

#include "image/webp_decoder.hpp"
#include "test_support.hpp"
#include "webp_animation.hpp"

namespace thumbflow::detail {
namespace {

// Three flat frames, red, green, blue (BGRA), the middle one half transparent.
std::vector<AnimationFrame> three_webp_frames(cv::Size size) {
  std::vector<AnimationFrame> frames = {{cv::Mat(size, CV_8UC4, cv::Scalar(0, 0, 255, 255)), 100},
                                        {cv::Mat(size, CV_8UC4, cv::Scalar(0, 255, 0, 255)), 250},
                                        {cv::Mat(size, CV_8UC4, cv::Scalar(255, 0, 0, 255)), 40}};
  frames[1].pixels(cv::Rect(0, 0, size.width / 2, size.height)).setTo(cv::Scalar::all(0));
  return frames;
}

TEST(AnimatedWebpEncoder, FramesSizeDelaysAndColoursSurviveARoundTrip) {
  const auto bytes = encode_animated_webp(three_webp_frames({40, 30}), 90);
  const test::WebpAnimation anim = test::read_webp_animation(bytes);
  EXPECT_EQ(anim.canvas, cv::Size(40, 30));
  ASSERT_EQ(anim.frames.size(), 3u);
  EXPECT_EQ(anim.delays_ms, (std::vector<int>{100, 250, 40}));
  EXPECT_EQ(anim.loop_count, 0);  // forever
  // Lossy: flat colours within 8 levels.
  const cv::Vec4b red = anim.frames[0].at<cv::Vec4b>(15, 20);
  EXPECT_NEAR(red[2], 255, 8);
  EXPECT_NEAR(red[1], 0, 8);
  EXPECT_EQ(anim.frames[1].at<cv::Vec4b>(15, 5)[3], 0);  // transparency kept
  EXPECT_NEAR(anim.frames[1].at<cv::Vec4b>(15, 35)[1], 255, 8);
  EXPECT_NEAR(anim.frames[2].at<cv::Vec4b>(15, 20)[0], 255, 8);
}

TEST(AnimatedWebpEncoder, ZeroDelaysPlayAsBrowsersPlayThem) {
  auto frames = three_webp_frames({8, 8});
  frames[0].delay_ms = 0;
  frames[2].delay_ms = 10;
  const test::WebpAnimation anim = test::read_webp_animation(encode_animated_webp(frames, 80));
  EXPECT_EQ(anim.delays_ms, (std::vector<int>{100, 250, 100}));
}

TEST(AnimatedWebpEncoder, DecoderReadsItsOwnOutputFrameByFrame) {
  const auto bytes = encode_animated_webp(three_webp_frames({16, 12}), 80);
  const std::vector<AnimationFrame> frames = decode_webp_frames(bytes, 0, 0);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[1].delay_ms, 250);
  EXPECT_EQ(frames[2].pixels.size(), cv::Size(16, 12));
  // The frames x pixels bound: 3 x 192 = 576.
  EXPECT_THROW(decode_webp_frames(bytes, 0, 575), std::runtime_error);
  EXPECT_EQ(decode_webp_frames(bytes, 0, 576).size(), 3u);
  // A still WebP has no frames.
  EXPECT_TRUE(decode_webp_frames(test::encode(test::make_picture(16, 12, CV_8UC3), ".webp"), 0, 1).empty());
}

TEST(AnimatedWebpEncoder, RefusesMixedFrames) {
  auto frames = three_webp_frames({8, 8});
  frames[1].pixels = cv::Mat(4, 4, CV_8UC4, cv::Scalar::all(0));
  EXPECT_THROW(encode_animated_webp(frames, 80), std::invalid_argument);
}

}  // namespace
}  // namespace thumbflow::detail
