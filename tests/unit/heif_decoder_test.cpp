// HEIF/HEIC and AVIF reading (image/heif_decoder.cpp) through decode_for_thumbnail, on files
// made here with libheif's encoders (x265 for HEIC, aom for AVIF).
#include "image/heif_decoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "decode_error_of.hpp"
#include "heif_maker.hpp"
#include "image/decode.hpp"
#include "image/decode_error.hpp"
#include "jxl_maker.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

using Buffer = std::vector<std::uint8_t>;

// Lossy HEVC/AV1 at quality 90 on the test picture (edges, detail, 4:2:0 chroma): measured
// 36-41 dB; below 30 dB the picture is visibly wrong (a rotated or mirrored picture scores ~11).
constexpr double kMinPsnr = 30;

using test_decode::error_of;
using test_decode::full_decode;

cv::Scalar mean_of(const cv::Mat& m) { return cv::mean(m); }

// Orange (B 0, G 64, R 255) under an alpha ramp, and the same with its colour premultiplied.
cv::Mat orange_under_ramp(bool premultiplied) {
  cv::Mat out(48, 64, CV_8UC4);
  for (int x = 0; x < out.cols; ++x) {
    const int a = 3 + x * 4;
    const auto scaled = [&](int c) { return premultiplied ? (c * a + 127) / 255 : c; };
    out.col(x).setTo(cv::Scalar(scaled(0), scaled(64), scaled(255), a));
  }
  return out;
}

// Colour where alpha is at least 64 (below, lossy coding of premultiplied colour leaves too few levels).
void expect_orange_where_visible(const cv::Mat& bgra, int tolerance) {
  ASSERT_EQ(bgra.type(), CV_8UC4);
  for (int x = 16; x < bgra.cols; x += 8) {
    const cv::Vec4b px = bgra.at<cv::Vec4b>(bgra.rows / 2, x);
    EXPECT_NEAR(px[2], 255, tolerance) << "x " << x << " alpha " << int(px[3]);
    EXPECT_NEAR(px[1], 64, tolerance) << "x " << x << " alpha " << int(px[3]);
  }
}

TEST(HeifDecoder, HeicAndAvifKeepSizeAndPixels) {
  const cv::Mat picture = test::make_picture(96, 64, CV_8UC3);
  for (const bool av1 : {false, true}) {
    SCOPED_TRACE(av1 ? "AVIF" : "HEIC");
    test::HeifSpec spec;
    spec.av1 = av1;
    const Buffer file = test::encode_heif(picture, spec);
    const DecodedImage d = decode_for_thumbnail(file, full_decode());
    EXPECT_EQ(d.format, av1 ? ImageFormat::Avif : ImageFormat::Heif);
    EXPECT_EQ(d.stored, (Dimensions{96, 64}));
    ASSERT_EQ(d.pixels.type(), CV_8UC3);
    ASSERT_EQ(d.pixels.size(), picture.size());
    EXPECT_GE(test::psnr_luma(d.pixels, picture), kMinPsnr);
  }
}

TEST(HeifDecoder, AlphaBecomesBgra) {
  const cv::Mat picture = test::make_picture(96, 64, CV_8UC4);  // alpha ramps 0..255
  for (const bool av1 : {false, true}) {
    SCOPED_TRACE(av1 ? "AVIF" : "HEIC");
    test::HeifSpec spec;
    spec.av1 = av1;
    const DecodedImage d = decode_for_thumbnail(test::encode_heif(picture, spec), full_decode());
    ASSERT_EQ(d.pixels.type(), CV_8UC4);
    cv::Mat alpha, expected;
    cv::extractChannel(d.pixels, alpha, 3);
    cv::extractChannel(picture, expected, 3);
    // The alpha plane is coded lossy too: a smooth ramp comes back within a few levels.
    EXPECT_LE(cv::norm(alpha, expected, cv::NORM_L1) / double(alpha.total()), 3.0);
    EXPECT_GE(test::psnr_luma(d.pixels, picture), kMinPsnr);
  }
}

// A file whose colour is premultiplied ('prem' reference from its alpha image) comes out straight:
// half-transparent parts were dark.
TEST(HeifDecoder, PremultipliedAlphaComesOutStraight) {
  for (const bool av1 : {false, true}) {
    SCOPED_TRACE(av1 ? "AVIF" : "HEIC");
    test::HeifSpec spec;
    spec.av1 = av1;
    spec.quality = 100;
    spec.premultiplied_alpha = true;
    expect_orange_where_visible(
        decode_for_thumbnail(test::encode_heif(orange_under_ramp(true), spec), full_decode()).pixels, 12);
    spec.premultiplied_alpha = false;
    expect_orange_where_visible(
        decode_for_thumbnail(test::encode_heif(orange_under_ramp(false), spec), full_decode()).pixels, 12);
  }
}

// irot/imir are applied by libheif once: the header reports the upright size and orientation 1,
// so decode.cpp does not turn the picture again, not even for an EXIF orientation in the file.
TEST(HeifDecoder, RotatedAndMirroredImagesComeOutUprightOnce) {
  const cv::Mat upright = test::make_picture(96, 64, CV_8UC3);
  for (const int orientation : {2, 3, 5, 6, 8}) {
    for (const bool with_exif : {false, true}) {
      SCOPED_TRACE("orientation " + std::to_string(orientation) + (with_exif ? " + EXIF" : ""));
      test::HeifSpec spec;
      spec.orientation = orientation;
      if (with_exif) spec.exif = test::exif_with_orientation(orientation);
      const Buffer file = test::encode_heif(test::store_for_orientation(upright, orientation), spec);
      const ImageHeader header = read_heif_header(file);
      EXPECT_EQ(header.size, (Dimensions{96, 64}));
      EXPECT_EQ(header.orientation, 1);
      const DecodedImage d = decode_for_thumbnail(file, full_decode());
      ASSERT_EQ(d.pixels.size(), upright.size());
      EXPECT_GE(test::psnr_luma(d.pixels, upright), kMinPsnr);
    }
  }
}

TEST(HeifDecoder, TenBitAvifBecomesEightBit) {
  const cv::Mat picture = test::make_picture(96, 64, CV_8UC3);
  test::HeifSpec spec;
  spec.av1 = true;
  spec.bit_depth = 10;
  const DecodedImage d = decode_for_thumbnail(test::encode_heif(picture, spec), full_decode());
  ASSERT_EQ(d.pixels.type(), CV_8UC3);
  EXPECT_GE(test::psnr_luma(d.pixels, picture), kMinPsnr);
  // Scaled back, not truncated: the mean level stays where it was (a >>2 would quarter it).
  EXPECT_NEAR(mean_of(d.pixels)[1], mean_of(picture)[1], 3.0);
}

// The embedded thumbnail is pure red, the primary is not: the colour says which one was decoded.
TEST(HeifDecoder, EmbeddedThumbnailUsedOnlyWhenLargeEnough) {
  test::HeifSpec spec;
  spec.thumbnail = cv::Mat(384, 512, CV_8UC3, cv::Scalar(0, 0, 255));
  spec.thumbnail_box = 128;
  const Buffer file = test::encode_heif(test::make_picture(512, 384, CV_8UC3), spec);
  const auto is_red = [](const cv::Mat& m) {
    const cv::Scalar c = cv::mean(m);
    return c[2] > 200 && c[1] < 40 && c[0] < 40;
  };

  ThumbnailOptions small;  // 32x24 thumbnail: 64x48 needed, the 128x96 embedded image covers it
  small.box_width = small.box_height = 32;
  const DecodedImage thumb = decode_for_thumbnail(file, small);
  EXPECT_EQ(thumb.pixels.size(), cv::Size(128, 96));
  EXPECT_TRUE(is_red(thumb.pixels)) << cv::mean(thumb.pixels);
  EXPECT_EQ(thumb.stored, (Dimensions{512, 384}));
  EXPECT_EQ(thumb.target, (Dimensions{32, 24}));

  ThumbnailOptions large;  // 100x75: 200x150 needed, more than the embedded image
  large.box_width = large.box_height = 100;
  const DecodedImage primary = decode_for_thumbnail(file, large);
  EXPECT_EQ(primary.pixels.size(), cv::Size(512, 384));
  EXPECT_FALSE(is_red(primary.pixels));

  ThumbnailOptions full = small;  // --decode full never takes the shortcut
  full.decode = DecodeMode::Full;
  EXPECT_EQ(decode_for_thumbnail(file, full).pixels.size(), cv::Size(512, 384));
}

TEST(HeifDecoder, HandsOverTheIccProfileAndNclx) {
  const Buffer icc = test::adobe_rgb_icc();
  test::HeifSpec spec;
  spec.icc = icc;
  const DecodedImage with_icc =
      decode_for_thumbnail(test::encode_heif(test::make_picture(64, 48, CV_8UC3), spec), full_decode());
  EXPECT_EQ(with_icc.icc, icc);

  // Display P3 stated as nclx code points (as iPhones write it): primaries 12 (SMPTE EG 432-1).
  test::HeifSpec p3;
  p3.av1 = true;
  p3.nclx_primaries = 12;
  const DecodedImage with_nclx =
      decode_for_thumbnail(test::encode_heif(test::make_picture(64, 48, CV_8UC3), p3), full_decode());
  EXPECT_TRUE(with_nclx.icc.empty());
  EXPECT_EQ(with_nclx.cicp.primaries, 12);
  EXPECT_EQ(with_nclx.cicp.transfer, 13);
  EXPECT_EQ(with_nclx.cicp.matrix, 6);
  EXPECT_TRUE(with_nclx.cicp.full_range);
}

// An embedded thumbnail without a colr box of its own (libheif's encoder and iPhones write none)
// is in the primary image's colours: the primary's ICC profile or nclx goes with it. Taken as
// sRGB, a Display P3 photo's small thumbnails came out dull (MAE 19.6 on a colour chart).
TEST(HeifDecoder, AnEmbeddedThumbnailHasItsPrimarysColours) {
  ThumbnailOptions small;
  small.box_width = small.box_height = 32;
  const Buffer icc = test::adobe_rgb_icc();
  test::HeifSpec spec;
  spec.icc = icc;
  spec.thumbnail = test::make_picture(512, 384, CV_8UC3);
  spec.thumbnail_box = 128;
  const DecodedImage with_icc =
      decode_for_thumbnail(test::encode_heif(test::make_picture(512, 384, CV_8UC3), spec), small);
  ASSERT_EQ(with_icc.pixels.size(), cv::Size(128, 96));  // the thumbnail was used
  EXPECT_EQ(with_icc.icc, icc);

  test::HeifSpec p3;
  p3.av1 = true;
  p3.nclx_primaries = 12;
  p3.thumbnail = spec.thumbnail;
  p3.thumbnail_box = 128;
  const DecodedImage with_nclx =
      decode_for_thumbnail(test::encode_heif(test::make_picture(512, 384, CV_8UC3), p3), small);
  ASSERT_EQ(with_nclx.pixels.size(), cv::Size(128, 96));
  EXPECT_EQ(with_nclx.cicp.primaries, 12);
  EXPECT_EQ(with_nclx.cicp.transfer, 13);
}

// The header is enough to refuse: the coded picture is destroyed and the reason is still the size.
TEST(HeifDecoder, MaxPixelsRefusedBeforeDecoding) {
  Buffer file = test::encode_heif(test::make_picture(96, 64, CV_8UC3));
  // Zero the coded picture (libheif writes the mdat box last); the boxes before it stay valid.
  const std::string text(file.begin(), file.end());
  ASSERT_NE(text.find("mdat"), std::string::npos);
  std::fill(file.begin() + std::ptrdiff_t(text.find("mdat") + 4), file.end(), std::uint8_t{0});
  ThumbnailOptions limited = full_decode();
  limited.max_pixels = 96 * 64 - 1;
  const std::string refused = error_of(file, limited);
  EXPECT_NE(refused.find("declares 96x64 pixels"), std::string::npos) << refused;
  EXPECT_NE(refused.find("--max-pixels"), std::string::npos) << refused;
  const std::string broken = error_of(file);
  EXPECT_EQ(broken.rfind("cannot decode HEIF: ", 0), 0u) << broken;
}

TEST(HeifDecoder, TruncationIsOneErrorLineAtEveryLength) {
  for (const bool av1 : {false, true}) {
    test::HeifSpec spec;
    spec.av1 = av1;
    const Buffer file = test::encode_heif(test::make_picture(64, 48, CV_8UC3), spec);
    for (std::size_t length = 1; length < file.size(); length += std::max<std::size_t>(1, file.size() / 97)) {
      SCOPED_TRACE(std::string(av1 ? "AVIF" : "HEIC") + " cut at " + std::to_string(length) + " of " +
                   std::to_string(file.size()));
      const std::string error = error_of(Buffer(file.begin(), file.begin() + std::ptrdiff_t(length)));
      EXPECT_FALSE(error.empty()) << "a cut file must not decode";
      EXPECT_EQ(error.find('\n'), std::string::npos) << error;
      if (length >= 32) {
        EXPECT_EQ(error.rfind(av1 ? "cannot decode AVIF: " : "cannot decode HEIF: ", 0), 0u) << error;
      }
    }
  }
}

Buffer ftyp(const std::string& major, const std::vector<std::string>& compatible) {
  Buffer box = {0, 0, 0, static_cast<std::uint8_t>(16 + 4 * compatible.size()), 'f', 't', 'y', 'p'};
  box.insert(box.end(), major.begin(), major.end());
  box.insert(box.end(), 4, 0);
  for (const std::string& brand : compatible) box.insert(box.end(), brand.begin(), brand.end());
  return box;
}

TEST(HeifDecoder, SniffsImageBrandsAndLeavesVideoAlone) {
  EXPECT_EQ(sniff_format(ftyp("heic", {"mif1", "heic"})), ImageFormat::Heif);
  EXPECT_EQ(sniff_format(ftyp("heix", {"mif1"})), ImageFormat::Heif);
  EXPECT_EQ(sniff_format(ftyp("mif1", {"heic"})), ImageFormat::Heif);
  EXPECT_EQ(sniff_format(ftyp("msf1", {"hevc"})), ImageFormat::Heif);
  EXPECT_EQ(sniff_format(ftyp("avif", {"mif1", "miaf"})), ImageFormat::Avif);
  EXPECT_EQ(sniff_format(ftyp("avis", {"msf1"})), ImageFormat::Avif);
  EXPECT_EQ(sniff_format(ftyp("mif1", {"miaf", "avif"})), ImageFormat::Avif);
  const Buffer mp4 = ftyp("isom", {"isom", "iso2", "avc1", "mp41"});
  EXPECT_EQ(sniff_format(mp4), ImageFormat::Unknown);
  EXPECT_EQ(sniff_format(ftyp("qt  ", {"qt  "})), ImageFormat::Unknown);
  EXPECT_EQ(error_of(mp4), "not an image (unrecognised content)");
}

}  // namespace
}  // namespace thumbflow::detail
