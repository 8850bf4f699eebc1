// The thumbnail encoders: JPEG (libjpeg-turbo) and WebP (libwebp) written directly must give what
// cv::imencode gave before them, byte for byte; PNG goes through OpenCV loaded at run time.
#include "image/encode.hpp"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

using Buffer = std::vector<std::uint8_t>;

Buffer opencv_bytes(const cv::Mat& image, const std::string& ext, const std::vector<int>& params) {
  Buffer out;
  EXPECT_TRUE(cv::imencode(ext, image, out, params));
  return out;
}

TEST(Encode, JpegIsWhatOpenCvWrites) {
  for (const int quality : {1, 50, 85, 100})
    for (const int type : {CV_8UC3, CV_8UC1})
      for (const cv::Size size : {cv::Size(256, 171), cv::Size(1, 1), cv::Size(17, 33)}) {
        const cv::Mat picture = test::make_picture(size.width, size.height, type, quality);
        const Buffer ours = encode_image(picture, OutputFormat::Jpeg, quality);
        EXPECT_EQ(ours, opencv_bytes(picture, ".jpg",
                                     {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1}))
            << "quality " << quality << ", " << type << ", " << size;
      }
}

TEST(Encode, JpegTablesAreOptimisedUpToOneMegapixelStandardAbove) {
  for (const cv::Size size : {cv::Size(1024, 1024), cv::Size(1025, 1024), cv::Size(1920, 1080)}) {
    const cv::Mat picture = test::make_picture(size.width, size.height, CV_8UC3, 3);
    const bool optimised = size.area() <= (1 << 20);
    EXPECT_EQ(
        encode_image(picture, OutputFormat::Jpeg, 85),
        opencv_bytes(picture, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 85, cv::IMWRITE_JPEG_OPTIMIZE, optimised}))
        << size;
  }
}

TEST(Encode, JpegOfBgraDropsAlphaAndDecodes) {
  const cv::Mat bgra = test::make_picture(64, 48, CV_8UC4);
  const Buffer bytes = encode_image(bgra, OutputFormat::Jpeg, 90);
  const cv::Mat back = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  ASSERT_EQ(back.type(), CV_8UC3);
  cv::Mat bgr;
  cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
  EXPECT_GE(test::psnr_luma(back, bgr), 30.0);
}

TEST(Encode, WebpIsWhatOpenCvWrites) {
  for (const int quality : {1, 75, 100})
    for (const int type : {CV_8UC3, CV_8UC4}) {
      const cv::Mat picture = test::make_picture(97, 64, type, quality);
      EXPECT_EQ(encode_image(picture, OutputFormat::Webp, quality),
                opencv_bytes(picture, ".webp", {cv::IMWRITE_WEBP_QUALITY, quality}))
          << "quality " << quality << ", type " << type;
    }
}

TEST(Encode, WebpOfGrayIsStoredAsColour) {
  const cv::Mat gray = test::make_picture(40, 30, CV_8UC1);
  const cv::Mat back = cv::imdecode(encode_image(gray, OutputFormat::Webp, 100), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(back.size(), gray.size());
  EXPECT_EQ(back.channels(), 3);
}

// Read back by another decoder (OpenCV's libpng). A view into a larger picture (rows not packed)
// too: libspng takes packed rows.
TEST(Encode, PngIsLossless) {
  for (const int type : {CV_8UC1, CV_8UC3, CV_8UC4}) {
    const cv::Mat whole = test::make_picture(40, 30, type);
    const cv::Mat picture = whole(cv::Rect(3, 5, 33, 21));
    const cv::Mat back = cv::imdecode(encode_image(picture, OutputFormat::Png, 85), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(back.type(), picture.type());
    EXPECT_EQ(cv::norm(back, picture, cv::NORM_INF), 0.0) << type;
  }
}

TEST(Encode, RefusesWhatTheFormatCannotHold) {
  EXPECT_THROW(encode_image(cv::Mat(8, 8, CV_16UC3, cv::Scalar::all(0)), OutputFormat::Jpeg, 85),
               std::runtime_error);
  // libjpeg's limit is 65500 per side: one clear error, no crash.
  const cv::Mat wide(1, 70000, CV_8UC1, cv::Scalar(7));
  try {
    encode_image(wide, OutputFormat::Jpeg, 85);
    FAIL() << "a 70000-pixel-wide JPEG was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot encode JPEG: "), std::string::npos) << e.what();
  }
  EXPECT_THROW(encode_image(cv::Mat(1, 20000, CV_8UC3, cv::Scalar::all(1)), OutputFormat::Webp, 85),
               std::runtime_error);
}

}  // namespace
}  // namespace thumbflow::detail
