// The colour module (lib/src/colour): finding profiles in file bytes, the transform cache, the
// colour step and embedding. Whole thumbnails against their sRGB originals: e2e/colour_test.cpp.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "colour/convert.hpp"
#include "colour/embed.hpp"
#include "colour/icc_extract.hpp"
#include "colour/profile_build.hpp"
#include "colour/transform_cache.hpp"
#include "colour_images.hpp"
#include "decode_error_of.hpp"
#include "image/decode.hpp"
#include "image/integrity.hpp"
#include "image/jpeg_decoder.hpp"
#include "jpeg_maker.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

using Icc = test::Icc;

std::vector<std::uint8_t> jpeg_with_icc(const cv::Mat& pixels, const Icc& icc) {
  test::JpegSpec spec;
  spec.icc = icc;
  return test::encode_jpeg(pixels, spec);
}

// Offsets of the APP2 ICC_PROFILE segments' sequence-number bytes.
std::vector<std::size_t> icc_sequence_bytes(const std::vector<std::uint8_t>& jpeg) {
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i + 18 < jpeg.size(); ++i)
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xE2 && std::memcmp(&jpeg[i + 4], "ICC_PROFILE", 12) == 0)
      at.push_back(i + 16);
  return at;
}

const cv::Mat kPicture = test::saturated_picture(64, 48);

TEST(IccExtract, JpegProfileSplitOverSegments) {
  const Icc big = test::cmyk_swapping_profile();
  const auto jpeg = jpeg_with_icc(kPicture, big);
  ASSERT_GE(icc_sequence_bytes(jpeg).size(), 3u);
  const ExtractedProfile p = embedded_profile(jpeg, ImageFormat::Jpeg);
  EXPECT_EQ(p.icc, big);
  EXPECT_TRUE(p.warnings.empty());
  EXPECT_EQ(icc_colour_space(p.icc), "CMYK");
}

TEST(IccExtract, MalformedJpegSegmentSetsAreIgnoredWithAWarning) {
  const auto jpeg = jpeg_with_icc(kPicture, test::cmyk_swapping_profile());
  const std::vector<std::size_t> seq = icc_sequence_bytes(jpeg);
  ASSERT_GE(seq.size(), 2u);
  auto repeated = jpeg;
  repeated[seq[1]] = 1;  // two segments say "1 of N"
  auto bad_count = jpeg;
  bad_count[seq[1] + 1] = std::uint8_t(bad_count[seq[1] + 1] + 1);  // "N" differs between segments
  auto missing = jpeg;
  missing[seq[0] - 15] = 0xE3;  // the first segment becomes APP3: piece 1 is missing
  for (const auto* bytes : {&repeated, &bad_count, &missing}) {
    const ExtractedProfile p = embedded_profile(*bytes, ImageFormat::Jpeg);
    EXPECT_TRUE(p.icc.empty());
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_NE(p.warnings[0].find("treated as sRGB"), std::string::npos) << p.warnings[0];
  }
  // Cut inside the segments: never reads past the end.
  for (std::size_t n = 0; n < seq[1] + 100; n += 997) {
    const std::vector<std::uint8_t> cut(jpeg.begin(), jpeg.begin() + std::ptrdiff_t(n));
    EXPECT_NO_THROW(embedded_profile(cut, ImageFormat::Jpeg));
  }
}

// The JPEG decoder reads the profile itself; the shared step looked again when it found none and
// repeated the warning ("ICC profile segments missing (7 announced)" twice). One warning each.
TEST(IccExtract, AMalformedProfileIsOneWarningOfTheItem) {
  auto jpeg = jpeg_with_icc(kPicture, test::cmyk_swapping_profile());
  const std::vector<std::size_t> seq = icc_sequence_bytes(jpeg);
  ASSERT_GE(seq.size(), 2u);
  jpeg[seq[0] - 15] = 0xE3;  // the first segment becomes APP3: piece 1 is missing
  auto tiff = test::tiff_with_icc(kPicture, test::adobe_rgb_profile());
  const std::uint8_t entry[] = {0x73, 0x87, 7, 0};  // tag 34675, UNDEFINED, little-endian
  const auto at = std::search(tiff.begin(), tiff.end(), std::begin(entry), std::end(entry));
  ASSERT_NE(at, tiff.end());
  std::fill(at + 8, at + 12, std::uint8_t{0x7F});  // its offset, far past the end
  for (const auto* bytes : {&jpeg, &tiff}) {
    const DecodedImage d = decode_for_thumbnail(*bytes, test_decode::full_decode());
    EXPECT_TRUE(d.icc.empty());
    std::string all;
    for (const std::string& w : d.warnings) all += w + " | ";
    ASSERT_EQ(d.warnings.size(), 1u) << all;
    EXPECT_NE(d.warnings[0].find("; ignored, colours treated as sRGB"), std::string::npos) << d.warnings[0];
  }
}

// cICP overrides iCCP (and the other colour chunks) wherever it stands; a grey PNG's is not used.
TEST(IccExtract, PngCicpComesBeforeItsOtherColourChunks) {
  const Icc adobe = test::adobe_rgb_profile();
  std::vector<std::string> warnings;
  const Icc p3 = profile_from_cicp(Cicp{12, 13, 0, true}, warnings);
  ASSERT_FALSE(p3.empty());
  const auto with_both = test::with_cicp(test::png_with_icc(kPicture, adobe), 12, 13);
  const ExtractedProfile p = embedded_profile(with_both, ImageFormat::Png);
  EXPECT_EQ(p.icc, p3);
  EXPECT_TRUE(p.warnings.empty());
  EXPECT_TRUE(embedded_profile(test::with_cicp(test::png_with_icc(kPicture, {}), 1, 13), ImageFormat::Png)
                  .icc.empty());
  cv::Mat grey;
  cv::cvtColor(kPicture, grey, cv::COLOR_BGR2GRAY);
  EXPECT_TRUE(
      embedded_profile(test::with_cicp(test::png_with_icc(grey, {}), 12, 13), ImageFormat::Png).icc.empty());
}

TEST(IccExtract, PngWebpTiff) {
  const Icc adobe = test::adobe_rgb_profile();
  EXPECT_EQ(embedded_profile(test::png_with_icc(kPicture, adobe), ImageFormat::Png).icc, adobe);
  EXPECT_EQ(embedded_profile(test::webp_with_icc(kPicture, adobe), ImageFormat::Webp).icc, adobe);
  EXPECT_EQ(embedded_profile(test::tiff_with_icc(kPicture, adobe), ImageFormat::Tiff).icc, adobe);
  for (const auto& bytes : {test::png_with_icc(kPicture, {}), test::webp_with_icc(kPicture, {}),
                            test::tiff_with_icc(kPicture, {})}) {
    const ExtractedProfile none = embedded_profile(bytes, sniff_format(bytes));
    EXPECT_TRUE(none.icc.empty());
    EXPECT_TRUE(none.warnings.empty());
  }
}

// The CRC of the PNG chunk whose type starts at `type` with `length` data bytes, written after them.
void fix_png_crc(std::vector<std::uint8_t>::iterator type, std::size_t length) {
  const auto crc = std::uint32_t(crc32(0L, &*type, uInt(length + 4)));
  for (int i = 0; i < 4; ++i) type[std::ptrdiff_t(4 + length) + i] = std::uint8_t(crc >> (24 - 8 * i));
}

TEST(IccExtract, CorruptPngIccpIsAWarning) {
  auto png = test::png_with_icc(kPicture, test::adobe_rgb_profile());
  const auto at = std::search(png.begin(), png.end(), std::begin("iCCP"), std::end("iCCP") - 1);
  ASSERT_NE(at, png.end());
  for (auto it = at + 30; it != at + 60; ++it) *it = 0x5A;  // inside the zlib stream
  const std::size_t length = std::size_t(at[-2]) << 8 | at[-1];
  fix_png_crc(at, length);  // the chunk is whole, its content is not
  const ExtractedProfile p = embedded_profile(png, ImageFormat::Png);
  EXPECT_TRUE(p.icc.empty());
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_NE(p.warnings[0].find("iCCP"), std::string::npos);
}

// An iCCP chunk whose CRC does not hold is not read at all (the profile might be any bytes);
// check_integrity names it, once, and the picture is still decoded.
TEST(IccExtract, PngIccpWithABadCrcIsIgnoredAndNamedOnce) {
  auto png = test::png_with_icc(kPicture, test::adobe_rgb_profile());
  const auto at = std::search(png.begin(), png.end(), std::begin("iCCP"), std::end("iCCP") - 1);
  ASSERT_NE(at, png.end());
  const std::size_t length = std::size_t(at[-2]) << 8 | at[-1];
  at[std::ptrdiff_t(4 + length)] ^= 0x01;  // the CRC's first byte
  const ExtractedProfile p = embedded_profile(png, ImageFormat::Png);
  EXPECT_TRUE(p.icc.empty());
  EXPECT_TRUE(p.warnings.empty());
  const std::vector<std::string> warnings = check_integrity(png, ImageFormat::Png);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "PNG iCCP chunk has a bad CRC: ignored (colours may be off)");
}

// A PNG chunk (length, type, data, CRC).
std::vector<std::uint8_t> colour_png_chunk(const char* type, std::vector<std::uint8_t> data) {
  std::vector<std::uint8_t> c = {0, 0, 0, std::uint8_t(data.size())};
  c.insert(c.end(), type, type + 4);
  c.insert(c.end(), data.begin(), data.end());
  const auto crc = std::uint32_t(crc32(0L, c.data() + 4, uInt(data.size() + 4)));
  for (int i = 0; i < 4; ++i) c.push_back(std::uint8_t(crc >> (24 - 8 * i)));
  return c;
}

std::vector<std::uint8_t> png_with_chunks(const std::vector<std::vector<std::uint8_t>>& chunks,
                                          const cv::Mat& pixels = kPicture) {
  auto png = test::png_with_icc(pixels, {});
  auto at = png.begin() + 33;  // after the signature and IHDR
  for (const auto& c : chunks) at = png.insert(at, c.begin(), c.end()) + std::ptrdiff_t(c.size());
  return png;
}

TEST(IccExtract, PngGammaAndChromaticities) {
  const auto gama = [](std::uint32_t g) {
    return colour_png_chunk(
        "gAMA", {std::uint8_t(g >> 24), std::uint8_t(g >> 16), std::uint8_t(g >> 8), std::uint8_t(g)});
  };
  EXPECT_TRUE(embedded_profile(png_with_chunks({gama(45455)}), ImageFormat::Png).icc.empty());
  EXPECT_TRUE(
      embedded_profile(png_with_chunks({colour_png_chunk("sRGB", {0}), gama(45455)}), ImageFormat::Png)
          .icc.empty());
  const ExtractedProfile mac = embedded_profile(png_with_chunks({gama(55556)}), ImageFormat::Png);  // 1/1.8
  ASSERT_FALSE(mac.icc.empty());
  EXPECT_EQ(icc_colour_space(mac.icc), "RGB ");
  // Gamma 1.8 content is lighter than sRGB says: 100 -> (100/255)^1.8 linear = 0.186 -> sRGB 119.
  const auto t = transform_to_srgb(mac.icc, CV_8UC3, false);
  ASSERT_NE(t->handle, nullptr);
  std::uint8_t in[3] = {100, 100, 100}, out[3] = {};
  cmsDoTransform(t->handle, in, out, 1);
  EXPECT_NEAR(out[0], 119, 2);
  const ExtractedProfile bad = embedded_profile(png_with_chunks({gama(0)}), ImageFormat::Png);
  EXPECT_FALSE(bad.warnings.empty());
}

// What lcms2 itself makes of gray `pixels` (8-bit) in `icc`, converted to sRGB BGR.
cv::Mat lcms_gray_to_srgb(const cv::Mat& pixels, const Icc& icc) {
  cmsHPROFILE in = cmsOpenProfileFromMem(icc.data(), cmsUInt32Number(icc.size()));
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  cmsHTRANSFORM t = cmsCreateTransform(in, TYPE_GRAY_8, srgb, TYPE_BGR_8, INTENT_RELATIVE_COLORIMETRIC,
                                       cmsFLAGS_BLACKPOINTCOMPENSATION | cmsFLAGS_NOCACHE);
  const cv::Mat src = pixels.clone();
  cv::Mat out(src.size(), CV_8UC3);
  cmsDoTransformLineStride(t, src.data, out.data, cmsUInt32Number(src.cols), cmsUInt32Number(src.rows),
                           cmsUInt32Number(src.step), cmsUInt32Number(out.step), 0, 0);
  cmsDeleteTransform(t);
  cmsCloseProfile(srgb);
  cmsCloseProfile(in);
  return out;
}

cv::Mat gray_ramp(int width, int height) {
  cv::Mat ramp(height, width, CV_8UC1);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      ramp.at<std::uint8_t>(y, x) = std::uint8_t((x * 255 / (width - 1) + y) % 256);
  return ramp;
}

TEST(IccExtract, GreyPngGammaMakesAGrayProfile) {
  const cv::Mat grey = gray_ramp(64, 48);
  const std::vector<std::uint8_t> linear = {0, 1, 0x86, 0xA0};  // gAMA 1.0 (100000)
  const ExtractedProfile p =
      embedded_profile(png_with_chunks({colour_png_chunk("gAMA", linear)}, grey), ImageFormat::Png);
  EXPECT_EQ(icc_colour_space(p.icc), "GRAY");
  DecodedImage image;
  image.pixels = grey;
  image.icc = p.icc;
  manage_colour(image, ColourMode::Srgb);
  EXPECT_TRUE(image.warnings.empty()) << image.warnings.front();
  ASSERT_EQ(image.pixels.type(), CV_8UC1);
  cv::Mat expected;
  cv::extractChannel(lcms_gray_to_srgb(grey, test::gray_profile(1.0)), expected, 0);
  EXPECT_LE(cv::norm(image.pixels, expected, cv::NORM_INF), 1);
  EXPECT_GT(cv::norm(image.pixels, grey, cv::NORM_INF), 40) << "the linear values were brightened";
}

TEST(TransformCache, SrgbProfilesAreRecognisedAndSkipped) {
  EXPECT_TRUE(transform_to_srgb(test::srgb_profile(), CV_8UC3, false)->srgb);
  const auto adobe = transform_to_srgb(test::adobe_rgb_profile(), CV_8UC3, false);
  EXPECT_FALSE(adobe->srgb);
  EXPECT_NE(adobe->handle, nullptr);
  EXPECT_EQ(transform_to_srgb(test::adobe_rgb_profile(), CV_8UC3, false), adobe) << "cached";
  EXPECT_NE(transform_to_srgb(test::adobe_rgb_profile(), CV_16UC3, false), adobe) << "keyed by pixel type";
  EXPECT_FALSE(transform_to_srgb(test::display_p3_profile(), CV_8UC3, false)->srgb);
}

TEST(TransformCache, BrokenAndMismatchedProfilesAreProblems) {
  Icc broken = test::adobe_rgb_profile();
  broken.resize(100);
  EXPECT_EQ(transform_to_srgb(broken, CV_8UC3, false)->problem, "unreadable ICC profile");
  EXPECT_NE(transform_to_srgb(test::gray_profile(2.2), CV_8UC3, false)->problem.find("gray"),
            std::string::npos);
  EXPECT_NE(transform_to_srgb(test::adobe_rgb_profile(), CV_8UC1, false)->problem.find("RGB"),
            std::string::npos);
}

DecodedImage image_with(const cv::Mat& pixels, Icc icc) {
  DecodedImage image;
  image.pixels = pixels;
  image.icc = std::move(icc);
  return image;
}

TEST(ManageColour, NoProfileLeavesThePixelsAlone) {
  DecodedImage image = image_with(kPicture, {});
  manage_colour(image, ColourMode::Srgb);
  EXPECT_EQ(image.pixels.data, kPicture.data) << "not even copied";
  DecodedImage srgb = image_with(kPicture, test::srgb_profile());
  manage_colour(srgb, ColourMode::Srgb);
  EXPECT_EQ(srgb.pixels.data, kPicture.data);
  EXPECT_TRUE(srgb.warnings.empty());
}

TEST(ManageColour, AlphaIsUntouchedAndKeepKeepsTheProfile) {
  const Icc adobe = test::adobe_rgb_profile();
  cv::Mat bgra = test::make_picture(64, 48, CV_8UC4);
  DecodedImage image = image_with(bgra, adobe);
  manage_colour(image, ColourMode::Srgb);
  ASSERT_EQ(image.pixels.type(), CV_8UC4);
  cv::Mat alpha_in, alpha_out;
  cv::extractChannel(bgra, alpha_in, 3);
  cv::extractChannel(image.pixels, alpha_out, 3);
  EXPECT_EQ(cv::norm(alpha_in, alpha_out, cv::NORM_INF), 0);
  EXPECT_GT(cv::norm(bgra, image.pixels, cv::NORM_L1), 0) << "the colours did change";
  EXPECT_TRUE(image.icc.empty());
  DecodedImage kept = image_with(bgra, adobe);
  manage_colour(kept, ColourMode::Keep);
  EXPECT_EQ(kept.pixels.data, bgra.data);
  EXPECT_EQ(kept.icc, adobe);
}

// Grey with alpha reaches the colour step spread to BGRA (B = G = R) by the PNG and JPEG XL decoders.
TEST(ManageColour, GreyWithAlphaSpreadToBgraGoesThroughAGrayProfile) {
  const cv::Mat grey = gray_ramp(64, 48);
  const Icc icc = test::gray_profile(1.0);
  cv::Mat alpha = 255 - gray_ramp(64, 48), bgra, colour;
  cv::merge(std::vector<cv::Mat>{grey, grey, grey, alpha}, bgra);
  DecodedImage image = image_with(bgra, icc);
  manage_colour(image, ColourMode::Srgb);
  EXPECT_TRUE(image.warnings.empty()) << image.warnings.front();
  ASSERT_EQ(image.pixels.type(), CV_8UC4);
  std::vector<cv::Mat> out, expected;
  cv::split(image.pixels, out);
  cv::split(lcms_gray_to_srgb(grey, icc), expected);
  for (int c = 0; c < 3; ++c)
    EXPECT_LE(cv::norm(out[std::size_t(c)], expected[std::size_t(c)], cv::NORM_INF), 1);
  EXPECT_EQ(cv::norm(out[3], alpha, cv::NORM_INF), 0) << "alpha untouched";
  // --colour keep cannot embed a gray profile in a colour thumbnail: converted instead.
  DecodedImage kept = image_with(bgra, icc);
  manage_colour(kept, ColourMode::Keep);
  EXPECT_TRUE(kept.icc.empty());
  EXPECT_EQ(cv::norm(kept.pixels, image.pixels, cv::NORM_INF), 0);
  // Colour pixels with a gray profile stay a mismatch.
  cv::merge(std::vector<cv::Mat>{grey, 255 - grey, grey, alpha}, colour);
  DecodedImage mismatched = image_with(colour, icc);
  manage_colour(mismatched, ColourMode::Srgb);
  ASSERT_EQ(mismatched.warnings.size(), 1u);
  EXPECT_NE(mismatched.warnings[0].find("gray"), std::string::npos);
  EXPECT_EQ(mismatched.pixels.data, colour.data);
}

TEST(ManageColour, CodePointsBecomeProfiles) {
  std::vector<std::string> warnings;
  EXPECT_TRUE(profile_from_cicp({1, 13, 1, true}, warnings).empty());
  EXPECT_TRUE(profile_from_cicp({2, 2, 2, true}, warnings).empty());
  EXPECT_TRUE(warnings.empty());
  // Display P3 code points convert as the Display P3 ICC profile does.
  const cv::Mat p3 = test::from_srgb(kPicture, test::display_p3_profile());
  DecodedImage by_icc = image_with(p3, test::display_p3_profile());
  DecodedImage by_cicp = image_with(p3, {});
  by_cicp.cicp = {12, 13, 1, true};
  manage_colour(by_icc, ColourMode::Srgb);
  manage_colour(by_cicp, ColourMode::Srgb);
  EXPECT_LE(cv::norm(by_icc.pixels, by_cicp.pixels, cv::NORM_INF), 1);
  EXPECT_LE(cv::norm(by_cicp.pixels, kPicture, cv::NORM_L1) / double(kPicture.total() * 3), 1.5);
  for (const int transfer : {16, 18}) {  // PQ, HLG: converted, with a warning
    std::vector<std::string> hdr;
    EXPECT_FALSE(profile_from_cicp({9, transfer, 9, true}, hdr).empty());
    ASSERT_EQ(hdr.size(), 1u);
    EXPECT_NE(hdr[0].find("HDR"), std::string::npos);
  }
}

// Every flow-graph thread converts through the same cached transforms.
TEST(ManageColour, ManyThreadsGetTheSameResult) {
  const Icc adobe = test::adobe_rgb_profile();
  const cv::Mat stored = test::from_srgb(test::saturated_picture(256, 192), adobe);
  DecodedImage one = image_with(stored, adobe);
  manage_colour(one, ColourMode::Srgb);
  std::vector<cv::Mat> results(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] {
      for (int round = 0; round < 20; ++round) {
        DecodedImage image = image_with(stored, adobe);
        manage_colour(image, ColourMode::Srgb);
        results[i] = image.pixels;
      }
    });
  for (auto& t : threads) t.join();
  for (const cv::Mat& r : results) EXPECT_EQ(cv::norm(r, one.pixels, cv::NORM_INF), 0);
}

TEST(ManageColour, CmykWithoutAProfileIsTheNaiveFormula) {
  const cv::Mat cmyk = test::naive_cmyk(kPicture);
  DecodedImage image = image_with(cmyk, {});
  image.cmyk = true;
  manage_colour(image, ColourMode::Srgb);
  ASSERT_EQ(image.pixels.type(), CV_8UC3);
  EXPECT_LE(cv::norm(image.pixels, kPicture, cv::NORM_INF), 2);
}

TEST(JpegCmyk, DecoderHandsOverCmykSamples) {
  const cv::Mat cmyk = test::naive_cmyk(kPicture);
  for (const bool adobe : {true, false}) {
    test::JpegSpec spec;
    spec.quality = 100;
    spec.subsample = false;
    spec.adobe_marker = adobe;
    cv::Mat stored;
    cv::bitwise_not(cmyk, stored);
    const auto jpeg = test::encode_jpeg(adobe ? stored : cmyk, spec);
    const cv::Mat got = decode_jpeg_cmyk(jpeg, {}, 0);
    ASSERT_EQ(got.type(), CV_8UC4);
    EXPECT_LE(cv::norm(got, cmyk, cv::NORM_L1) / double(cmyk.total() * 4), 2.0) << adobe;
  }
}

TEST(Embed, ProfilesReadBackExactly) {
  const Icc big = test::cmyk_swapping_profile();  // JPEG: several APP2 segments
  const Icc adobe = test::adobe_rgb_profile();
  const auto jpeg = embed_profile(test::encode(kPicture, ".jpg"), OutputFormat::Jpeg, big);
  EXPECT_EQ(test::icc_of_jpeg(jpeg), big);
  EXPECT_EQ(embedded_profile(jpeg, ImageFormat::Jpeg).icc, big);
  const auto png = embed_profile(test::encode(kPicture, ".png"), OutputFormat::Png, adobe);
  EXPECT_EQ(test::icc_of_png(png), adobe);
  const auto webp = embed_profile(test::webp_with_icc(kPicture, {}), OutputFormat::Webp, adobe);
  EXPECT_EQ(test::icc_of_webp(webp), adobe);
  for (const auto* bytes : {&jpeg, &png, &webp}) {
    const cv::Mat back = cv::imdecode(*bytes, cv::IMREAD_COLOR);
    ASSERT_EQ(back.size(), kPicture.size());
  }
  const auto plain = test::encode(kPicture, ".png");
  EXPECT_EQ(embed_profile(plain, OutputFormat::Png, {}), plain);
}

}  // namespace
}  // namespace thumbflow::detail
