// JPEG XL reading (image/jxl_decoder.cpp) through decode_for_thumbnail, on files made here with
// libjxl's encoder.
#include "image/jxl_decoder.hpp"

#include <gtest/gtest.h>
#include <lcms2.h>

#include <algorithm>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "decode_error_of.hpp"
#include "image/decode.hpp"
#include "image/decode_error.hpp"
#include "jxl_maker.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

using Buffer = std::vector<std::uint8_t>;

using test_decode::error_of;
using test_decode::full_decode;

test::JxlSpec lossless() {
  test::JxlSpec spec;
  spec.lossless = true;
  return spec;
}

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

TEST(JxlDecoder, LossyKeepsSizeAndPixels) {
  const cv::Mat picture = test::make_picture(96, 64, CV_8UC3);
  const DecodedImage d = decode_for_thumbnail(test::encode_jxl(picture), full_decode());
  EXPECT_EQ(d.format, ImageFormat::Jxl);
  EXPECT_EQ(d.stored, (Dimensions{96, 64}));
  ASSERT_EQ(d.pixels.type(), CV_8UC3);
  // Distance 1 ("visually lossless") measures 37.5 dB here; swapped red and blue score 25.
  EXPECT_GE(test::psnr_luma(d.pixels, picture), 35);
  EXPECT_TRUE(d.icc.empty()) << "sRGB pays nothing in the colour stage";
}

TEST(JxlDecoder, LosslessColourGrayAndAlphaAreExact) {
  for (const int type : {CV_8UC3, CV_8UC1, CV_8UC4}) {
    SCOPED_TRACE(type);
    const cv::Mat picture = test::make_picture(80, 48, type);
    const DecodedImage d = decode_for_thumbnail(test::encode_jxl(picture, lossless()), full_decode());
    EXPECT_TRUE(same_pixels(d.pixels, picture));
  }
}

// libjxl applies the codestream orientation: the header reports the upright size, orientation 1.
TEST(JxlDecoder, OrientationAppliedOnce) {
  const cv::Mat upright = test::make_picture(96, 64, CV_8UC3);
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE(orientation);
    test::JxlSpec spec = lossless();
    spec.orientation = orientation;
    const Buffer file = test::encode_jxl(test::store_for_orientation(upright, orientation), spec);
    const ImageHeader header = read_jxl_header(file);
    EXPECT_EQ(header.size, (Dimensions{96, 64}));
    EXPECT_EQ(header.orientation, 1);
    EXPECT_TRUE(same_pixels(decode_for_thumbnail(file, full_decode()).pixels, upright));
  }
}

TEST(JxlDecoder, OriginalIccProfileHandedOverWhenPixelsAreInIt) {
  const Buffer icc = test::adobe_rgb_icc();
  test::JxlSpec spec = lossless();
  spec.icc = icc;
  const DecodedImage d =
      decode_for_thumbnail(test::encode_jxl(test::make_picture(64, 48, CV_8UC3), spec), full_decode());
  EXPECT_EQ(d.icc, icc);
}

// An XYB (lossy) file with an Adobe RGB profile comes out as sRGB, so no profile is handed over:
// its pixels match lcms2's Adobe RGB -> sRGB conversion of the source.
TEST(JxlDecoder, XybImageWithIccComesOutAsSrgb) {
  const Buffer icc = test::adobe_rgb_icc();
  const cv::Mat adobe = test::make_picture(96, 64, CV_8UC3);
  test::JxlSpec spec;
  spec.icc = icc;
  const DecodedImage d = decode_for_thumbnail(test::encode_jxl(adobe, spec), full_decode());
  EXPECT_TRUE(d.icc.empty());

  cmsHPROFILE from = cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size()));
  cmsHPROFILE to = cmsCreate_sRGBProfile();
  cmsHTRANSFORM t = cmsCreateTransform(from, TYPE_BGR_8, to, TYPE_BGR_8, INTENT_RELATIVE_COLORIMETRIC, 0);
  cv::Mat expected(adobe.size(), CV_8UC3);
  for (int y = 0; y < adobe.rows; ++y)
    cmsDoTransform(t, adobe.ptr(y), expected.ptr(y), static_cast<cmsUInt32Number>(adobe.cols));
  cmsDeleteTransform(t);
  cmsCloseProfile(from);
  cmsCloseProfile(to);
  // Lossy coding plus gamut clipping at slightly different places: mean error per channel.
  EXPECT_LE(cv::norm(d.pixels, expected, cv::NORM_L1) / double(expected.total() * 3), 4.0);
  const double untouched = cv::norm(d.pixels, adobe, cv::NORM_L1) / double(adobe.total() * 3);
  EXPECT_GT(untouched, 4.0) << "the picture was converted, not passed through";
}

TEST(JxlDecoder, MaxPixelsRefusedBeforeDecoding) {
  Buffer file = test::encode_jxl(test::make_picture(96, 64, CV_8UC3));
  std::fill(file.begin() + std::ptrdiff_t(file.size() / 2), file.end(), std::uint8_t{0x55});
  ThumbnailOptions limited = full_decode();
  limited.max_pixels = 96 * 64 - 1;
  const std::string refused = error_of(file, limited);
  EXPECT_NE(refused.find("declares 96x64 pixels"), std::string::npos) << refused;
  EXPECT_EQ(error_of(file).rfind("cannot decode JPEG XL: ", 0), 0u) << error_of(file);
}

TEST(JxlDecoder, TruncationIsOneErrorLineAtEveryLength) {
  for (const bool is_lossless : {false, true}) {
    const Buffer file =
        test::encode_jxl(test::make_picture(64, 48, CV_8UC3), is_lossless ? lossless() : test::JxlSpec{});
    for (std::size_t length = 1; length < file.size(); length += std::max<std::size_t>(1, file.size() / 97)) {
      SCOPED_TRACE("cut at " + std::to_string(length) + " of " + std::to_string(file.size()));
      const std::string error = error_of(Buffer(file.begin(), file.begin() + std::ptrdiff_t(length)));
      if (length >= 2) {
        EXPECT_EQ(error.rfind("cannot decode JPEG XL: ", 0), 0u) << error;
      }
      EXPECT_FALSE(error.empty());
      EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    }
  }
}

}  // namespace
}  // namespace thumbflow::detail
