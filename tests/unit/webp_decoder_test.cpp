#include "image/webp_decoder.hpp"

#include <gtest/gtest.h>
#include <webp/encode.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

#include "image/decode_error.hpp"
#include "image/resize.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

using Buffer = std::vector<std::uint8_t>;

cv::Mat webp_picture(int width, int height) { return test::make_picture(width, height, CV_8UC3); }

// BGRA with alpha growing from left (almost transparent) to right (opaque). Alpha is never 0:
// the lossless encoder may change the colour of fully transparent pixels.
cv::Mat picture_with_alpha(int width, int height) {
  cv::Mat bgra;
  cv::cvtColor(webp_picture(width, height), bgra, cv::COLOR_BGR2BGRA);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      bgra.at<cv::Vec4b>(y, x)[3] = cv::saturate_cast<uchar>(1 + x * 254 / (width - 1));
  return bgra;
}

Buffer take(std::uint8_t* data, std::size_t size) {
  Buffer out(data, data + size);
  WebPFree(data);
  return out;
}

Buffer encode_lossy(const cv::Mat& bgr, float quality = 90) {
  std::uint8_t* out = nullptr;
  const std::size_t size =
      WebPEncodeBGR(bgr.data, bgr.cols, bgr.rows, static_cast<int>(bgr.step), quality, &out);
  return take(out, size);
}

Buffer encode_lossless_bgra(const cv::Mat& bgra) {
  std::uint8_t* out = nullptr;
  const std::size_t size =
      WebPEncodeLosslessBGRA(bgra.data, bgra.cols, bgra.rows, static_cast<int>(bgra.step), &out);
  return take(out, size);
}

void put_le(Buffer& out, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

Buffer riff_chunk(const char* fourcc, const Buffer& payload) {
  Buffer out(fourcc, fourcc + 4);
  put_le(out, static_cast<std::uint32_t>(payload.size()), 4);
  out.insert(out.end(), payload.begin(), payload.end());
  if (payload.size() % 2 != 0) out.push_back(0);
  return out;
}

Buffer riff(const std::vector<Buffer>& chunks) {
  Buffer body{'W', 'E', 'B', 'P'};
  for (const Buffer& c : chunks) body.insert(body.end(), c.begin(), c.end());
  Buffer out{'R', 'I', 'F', 'F'};
  put_le(out, static_cast<std::uint32_t>(body.size()), 4);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// A one-frame animation by hand (libwebpmux is not linked): VP8X, ANIM, and one ANMF holding the
// "VP8 " chunk of a simple lossy file, placed at `offset` on a canvas of `canvas` size.
Buffer animation(const cv::Mat& frame, cv::Size canvas, cv::Point offset) {
  const Buffer still = encode_lossy(frame);
  const Buffer vp8(still.begin() + 12, still.end());  // after "RIFF", size, "WEBP"
  Buffer vp8x{0x02, 0, 0, 0};                         // animation flag
  put_le(vp8x, static_cast<std::uint32_t>(canvas.width - 1), 3);
  put_le(vp8x, static_cast<std::uint32_t>(canvas.height - 1), 3);
  Buffer anim;
  put_le(anim, 0xFFFFFFFF, 4);  // background colour (a hint; libwebp uses transparent)
  put_le(anim, 0, 2);           // loop forever
  Buffer anmf;
  put_le(anmf, static_cast<std::uint32_t>(offset.x / 2), 3);
  put_le(anmf, static_cast<std::uint32_t>(offset.y / 2), 3);
  put_le(anmf, static_cast<std::uint32_t>(frame.cols - 1), 3);
  put_le(anmf, static_cast<std::uint32_t>(frame.rows - 1), 3);
  put_le(anmf, 100, 3);  // duration
  anmf.push_back(0);     // blend, no dispose
  anmf.insert(anmf.end(), vp8.begin(), vp8.end());
  return riff({riff_chunk("VP8X", vp8x), riff_chunk("ANIM", anim), riff_chunk("ANMF", anmf)});
}

double webp_luma_psnr(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat ga, gb;
  cv::cvtColor(a, ga, a.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  cv::cvtColor(b, gb, b.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  return cv::PSNR(ga, gb);
}

cv::Mat webp_area_resize(const cv::Mat& img, cv::Size size) {
  cv::Mat out;
  cv::resize(img, out, size, 0, 0, cv::INTER_AREA);
  return out;
}

Buffer webp_read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(WebpScaledSize, SmallestSizeAtLeastMinKeepingAspect) {
  EXPECT_EQ(webp_scaled_size({640, 480}, {0, 0}), (Dimensions{640, 480}));
  EXPECT_EQ(webp_scaled_size({640, 480}, {100, 0}), (Dimensions{100, 75}));
  EXPECT_EQ(webp_scaled_size({640, 480}, {100, 100}), (Dimensions{134, 100}));  // ceil(133.3)
  EXPECT_EQ(webp_scaled_size({640, 480}, {0, 101}), (Dimensions{135, 101}));
  EXPECT_EQ(webp_scaled_size({641, 480}, {100, 1}), (Dimensions{100, 75}));   // ceil(74.9)
  EXPECT_EQ(webp_scaled_size({640, 480}, {640, 1}), (Dimensions{640, 480}));  // never enlarges
  EXPECT_EQ(webp_scaled_size({10, 5000}, {0, 100}), (Dimensions{1, 100}));
  EXPECT_EQ(webp_scaled_size({5000, 10}, {100, 0}), (Dimensions{100, 1}));
}

TEST(WebpDecoder, FullAndScaledLossyDecode) {
  const cv::Mat original = webp_picture(640, 480);
  const Buffer webp = encode_lossy(original);
  EXPECT_EQ(read_webp_size(webp), (Dimensions{640, 480}));
  const cv::Mat full = decode_webp(webp, {0, 0});
  ASSERT_EQ(full.type(), CV_8UC3);
  ASSERT_EQ(full.size(), original.size());
  EXPECT_GT(webp_luma_psnr(full, original), 32.0);
  cv::Mat diff;
  cv::absdiff(full, original, diff);
  const cv::Scalar per_channel = cv::mean(diff);  // catches a BGR/RGB swap
  for (int ch = 0; ch < 3; ++ch) EXPECT_LT(per_channel[ch], 4.0) << "channel " << ch;

  const cv::Mat small = decode_webp(webp, {100, 60});
  ASSERT_EQ(small.type(), CV_8UC3);
  EXPECT_EQ(small.size(), cv::Size(100, 75));
  EXPECT_GT(webp_luma_psnr(small, webp_area_resize(original, small.size())), 30.0);
}

TEST(WebpDecoder, AlphaGivesBgra) {
  const cv::Mat original = picture_with_alpha(300, 200);
  const Buffer webp = encode_lossless_bgra(original);
  const cv::Mat full = decode_webp(webp, {0, 0});
  ASSERT_EQ(full.type(), CV_8UC4);
  EXPECT_EQ(cv::norm(full, original, cv::NORM_INF), 0.0);  // lossless
  const cv::Mat small = decode_webp(webp, {75, 50});
  ASSERT_EQ(small.type(), CV_8UC4);
  EXPECT_EQ(small.size(), cv::Size(75, 50));
  std::vector<cv::Mat> planes;
  cv::split(small, planes);
  EXPECT_LT(planes[3].at<uchar>(25, 0), 10);
  EXPECT_GT(planes[3].at<uchar>(25, 74), 245);
  // The colour of the scaled decode is the straight colour (ScaledAlphaDoesNotBleedHiddenColour):
  // within a few levels of the whole picture's, reduced, where it is visible.
  cv::Mat reference;
  cv::resize(original, reference, {75, 50}, 0, 0, cv::INTER_AREA);
  for (int x = 20; x < 75; x += 10) {
    const cv::Vec4b got = small.at<cv::Vec4b>(25, x), want = reference.at<cv::Vec4b>(25, x);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(got[c], want[c], 12) << "x " << x << " channel " << c;
  }
}

// White squares on transparent pixels whose hidden colour is red (lossy, with `exact`, as many
// exporters write it). Scaled by libwebp, the hidden red bled into the squares' edges.
TEST(WebpDecoder, ScaledAlphaDoesNotBleedHiddenColour) {
  cv::Mat bgra(400, 400, CV_8UC4, cv::Scalar(0, 0, 255, 0));
  for (int y = 0; y < 400; y += 50)
    for (int x = 0; x < 400; x += 50)
      if ((x + y) / 50 % 2 == 0) bgra(cv::Rect(x, y, 50, 50)).setTo(cv::Scalar(255, 255, 255, 255));
  WebPConfig config;
  ASSERT_TRUE(WebPConfigInit(&config));
  config.quality = 90;
  config.exact = 1;
  WebPPicture picture;
  ASSERT_TRUE(WebPPictureInit(&picture));
  picture.use_argb = 1;
  picture.width = bgra.cols;
  picture.height = bgra.rows;
  ASSERT_TRUE(WebPPictureImportBGRA(&picture, bgra.data, static_cast<int>(bgra.step)));
  WebPMemoryWriter writer;
  WebPMemoryWriterInit(&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;
  const bool encoded = WebPEncode(&config, &picture) != 0;
  WebPPictureFree(&picture);
  const Buffer webp(writer.mem, writer.mem + writer.size);
  WebPMemoryWriterClear(&writer);
  ASSERT_TRUE(encoded);

  // Made into a 100 px JPEG-style thumbnail (composited on white) as the pipeline does, from the
  // decode for a 100 px box and from the whole picture: the same (the hidden red showed as pink
  // edges in the first, up to 50 levels).
  const auto thumbnail = [&](Dimensions min_size) {
    return resize_for_thumbnail(decode_webp(webp, min_size), {100, 100}, false, {255, 255, 255}, {});
  };
  EXPECT_LE(cv::norm(thumbnail({100, 100}), thumbnail({0, 0}), cv::NORM_INF), 2)
      << "hidden colour bled into the scaled decode";
}

TEST(WebpDecoder, TruncatedAndGarbageAreErrors) {
  const Buffer webp = encode_lossy(webp_picture(320, 240));
  const Buffer cut(webp.begin(), webp.begin() + static_cast<long>(webp.size() / 2));
  EXPECT_THROW(decode_webp(cut, {0, 0}), DecodeError);
  EXPECT_THROW(decode_webp(cut, {40, 30}), DecodeError);
  std::mt19937 rng(3);
  Buffer random(4000);
  for (auto& b : random) b = static_cast<std::uint8_t>(rng());
  Buffer fake = random;
  std::copy_n("RIFF\x90\x0f\0\0WEBPVP8 ", 16, fake.begin());
  for (const Buffer& bad : {Buffer{}, random, fake, Buffer(webp.begin(), webp.begin() + 20)}) {
    EXPECT_THROW(decode_webp(bad, {0, 0}), DecodeError);
  }
  EXPECT_THROW(read_webp_size(random), DecodeError);
  try {
    decode_webp(cut, {0, 0});
  } catch (const DecodeError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

TEST(WebpDecoder, PixelLimit) {
  const Buffer webp = encode_lossy(webp_picture(100, 50));
  EXPECT_NO_THROW(decode_webp(webp, {0, 0}, 5000));
  EXPECT_THROW(decode_webp(webp, {0, 0}, 4999), DecodeError);
}

TEST(WebpDecoder, AnimationGivesFirstFrameOnCanvas) {
  const cv::Mat frame = webp_picture(64, 48);
  const cv::Mat full = decode_webp(animation(frame, {64, 48}, {0, 0}), {16, 12});
  ASSERT_EQ(full.type(), CV_8UC3);  // no alpha flag in VP8X
  ASSERT_EQ(full.size(), frame.size());
  EXPECT_GT(webp_luma_psnr(full, frame), 30.0);

  const Buffer offset = animation(frame, {100, 80}, {20, 10});
  EXPECT_EQ(read_webp_size(offset), (Dimensions{100, 80}));
  const cv::Mat placed = decode_webp(offset, {0, 0});
  ASSERT_EQ(placed.size(), cv::Size(100, 80));
  EXPECT_GT(webp_luma_psnr(placed(cv::Rect(20, 10, 64, 48)), frame), 30.0);
  Buffer cut = offset;
  cut.resize(cut.size() - 100);
  EXPECT_THROW(decode_webp(cut, {0, 0}), DecodeError);
}

TEST(WebpDecoder, SampleFiles) {
  const std::filesystem::path dir = THUMBFLOW_DATA_DIR;
  if (!std::filesystem::exists(dir / "fruits.webp") ||
      !std::filesystem::exists(dir / "opencv-logo_alpha.webp"))
    GTEST_SKIP() << "sample files missing";
  const Buffer fruits = webp_read_file(dir / "fruits.webp");
  const cv::Mat small = decode_webp(fruits, {128, 0});
  EXPECT_EQ(small.type(), CV_8UC3);
  EXPECT_EQ(small.size(), cv::Size(128, 120));
  EXPECT_GT(webp_luma_psnr(small, webp_area_resize(decode_webp(fruits, {0, 0}), small.size())), 30.0);
  const cv::Mat logo = decode_webp(webp_read_file(dir / "opencv-logo_alpha.webp"), {0, 0});
  EXPECT_EQ(logo.type(), CV_8UC4);
  EXPECT_EQ(logo.size(), cv::Size(600, 794));
}

}  // namespace
}  // namespace thumbflow::detail
