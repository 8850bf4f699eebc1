// The TIFF reader on libtiff (lib/src/image/tiff_decoder.cpp), on files written by libtiff's own
// writer (support/tiff_maker.hpp). Signed and floating-point samples: decode_test.cpp; orientation:
// orientation_test.cpp.
#include "image/tiff_decoder.hpp"

#include <gtest/gtest.h>
#include <lcms2.h>
#include <tiff.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "colour/convert.hpp"
#include "colour/icc_extract.hpp"
#include "colour_images.hpp"
#include "decode_error_of.hpp"
#include "hostile_images.hpp"
#include "image/decode.hpp"
#include "image/decode_error.hpp"
#include "image/format.hpp"
#include "image/tiff_ifd.hpp"
#include "test_support.hpp"
#include "tiff_maker.hpp"

namespace thumbflow::detail::tiff_test {
namespace {

using test::TiffSpec;

cv::Mat rgb_of(const cv::Mat& bgr) {
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, bgr.channels() == 4 ? cv::COLOR_BGRA2RGBA : cv::COLOR_BGR2RGB);
  return rgb;
}

DecodedPixels decode(const std::vector<std::uint8_t>& file) { return decode_tiff(file, DecodeRequest{}); }

double max_difference(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return 1e9;
  return cv::norm(a.reshape(1), b.reshape(1), cv::NORM_INF);
}

double mean_difference(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a.reshape(1), b.reshape(1), cv::NORM_L1) / double(a.total() * std::size_t(a.channels()));
}

// Values 0 .. 2^bits - 1 across 50 columns (every value up to 5 bits), 9 rows.
cv::Mat grey_values(int bits) {
  cv::Mat m(9, 50, bits <= 8 ? CV_8U : CV_16U);
  const double top = double((1u << bits) - 1);
  for (int x = 0; x < 50; ++x) m.col(x).setTo(std::round(x * top / 49));
  return m;
}

TEST(TiffDecoder, GreyOfEveryBitDepthMinIsBlackAndMinIsWhite) {
  for (const int bits : {1, 2, 4, 8, 12, 16}) {
    for (const int photometric : {1, 0}) {
      const std::string what = std::to_string(bits) + "-bit, photometric " + std::to_string(photometric);
      const cv::Mat values = grey_values(bits);
      TiffSpec spec;
      spec.bits = bits;
      spec.photometric = photometric;
      const DecodedPixels d = decode(test::make_tiff(values, spec));
      const int depth = bits <= 8 ? CV_8U : CV_16U;
      const double top = double((1u << bits) - 1), out_top = depth == CV_8U ? 255 : 65535;
      cv::Mat expected;
      values.convertTo(expected, depth, (photometric == 0 ? -1 : 1) * out_top / top,
                       photometric == 0 ? out_top : 0);
      EXPECT_EQ(d.pixels.type(), CV_MAKETYPE(depth, 1)) << what;
      EXPECT_LE(max_difference(d.pixels, expected), 1) << what;
      EXPECT_FALSE(d.cmyk);
    }
  }
}

TEST(TiffDecoder, TwelveBitRgbKeepsSixteenBits) {
  cv::Mat values;
  test::make_picture(40, 30, CV_16UC3).convertTo(values, CV_16U, 4095.0 / 65535);
  TiffSpec spec;
  spec.bits = 12;
  const DecodedPixels d = decode(test::make_tiff(values, spec));
  cv::Mat expected;
  cv::cvtColor(values, expected, cv::COLOR_RGB2BGR);
  expected.convertTo(expected, CV_16U, 65535.0 / 4095);
  EXPECT_LE(max_difference(d.pixels, expected), 1);
}

TEST(TiffDecoder, StripsTilesPlanesAndCompressionsGiveTheSamePixels) {
  for (const int depth : {CV_8U, CV_16U}) {
    const cv::Mat bgr = test::make_picture(50, 37, CV_MAKETYPE(depth, 3));
    for (const int tile : {0, 16})
      for (const bool separate : {false, true})
        for (const int compression :
             {COMPRESSION_NONE, COMPRESSION_LZW, COMPRESSION_ADOBE_DEFLATE, COMPRESSION_PACKBITS}) {
          TiffSpec spec;
          spec.bits = depth == CV_8U ? 8 : 16;
          spec.tile = tile;
          spec.separate = separate;
          spec.compression = compression;
          const DecodedPixels d = decode(test::make_tiff(rgb_of(bgr), spec));
          EXPECT_EQ(max_difference(d.pixels, bgr), 0) << "depth " << depth << " tile " << tile << " separate "
                                                      << separate << " compression " << compression;
        }
  }
}

TEST(TiffDecoder, PaletteOf4And8BitIndexes) {
  for (const int bits : {4, 8}) {
    for (const bool eight_bit_map : {false, true}) {  // old writers stored 0..255 entries
      const int n = 1 << bits;
      std::vector<std::uint16_t> map(3 * std::size_t(n));
      for (int i = 0; i < n; ++i) {
        const int r = i * 255 / (n - 1), g = 255 - r, b = (i % 3) * 100;
        const int scale = eight_bit_map ? 1 : 257;
        map[std::size_t(i)] = std::uint16_t(r * scale);
        map[std::size_t(n + i)] = std::uint16_t(g * scale);
        map[std::size_t(2 * n + i)] = std::uint16_t(b * scale);
      }
      cv::Mat indexes(9, 40, CV_8U);
      for (int x = 0; x < 40; ++x) indexes.col(x).setTo(x % n);
      TiffSpec spec;
      spec.bits = bits;
      spec.photometric = 3;
      spec.colormap = map;
      const DecodedPixels d = decode(test::make_tiff(indexes, spec));
      ASSERT_EQ(d.pixels.type(), CV_8UC3);
      for (int x = 0; x < 40; ++x) {
        const int i = x % n, r = i * 255 / (n - 1);
        EXPECT_EQ(d.pixels.at<cv::Vec3b>(4, x),
                  cv::Vec3b(std::uint8_t((i % 3) * 100), std::uint8_t(255 - r), std::uint8_t(r)))
            << bits << "-bit at " << x << (eight_bit_map ? ", 8-bit map" : "");
      }
    }
  }
}

// Photoshop writes its extra channels as unspecified extra samples after the alpha channel.
TEST(TiffDecoder, FirstExtraSampleIsAlphaAndFurtherOnesAreDropped) {
  const cv::Mat bgr = test::make_picture(50, 37, CV_8UC3);
  cv::Mat alpha(bgr.size(), CV_8U);
  for (int x = 0; x < alpha.cols; ++x) alpha.col(x).setTo(x * 5);
  std::vector<cv::Mat> planes;
  cv::split(rgb_of(bgr), planes);
  planes.push_back(alpha);
  planes.emplace_back(bgr.size(), CV_8U, cv::Scalar(77));
  cv::Mat samples, expected;
  cv::merge(planes, samples);
  cv::merge(std::vector<cv::Mat>{planes[2], planes[1], planes[0], alpha}, expected);
  for (const bool separate : {false, true}) {
    TiffSpec spec;
    spec.extra = {EXTRASAMPLE_UNASSALPHA, EXTRASAMPLE_UNSPECIFIED};
    spec.separate = separate;
    const DecodedPixels d = decode(test::make_tiff(samples, spec));
    EXPECT_EQ(max_difference(d.pixels, expected), 0) << "separate " << separate;
  }
  // Grey and alpha: BGRA, the grey spread.
  cv::Mat grey_alpha, grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::merge(std::vector<cv::Mat>{grey, alpha}, grey_alpha);
  TiffSpec spec;
  spec.photometric = 1;
  spec.extra = {EXTRASAMPLE_UNASSALPHA};
  const DecodedPixels d = decode(test::make_tiff(grey_alpha, spec));
  cv::merge(std::vector<cv::Mat>{grey, grey, grey, alpha}, expected);
  EXPECT_EQ(max_difference(d.pixels, expected), 0);
}

const cv::Mat kPicture = test::saturated_picture(64, 48);

// lcms2's own conversion of CMYK samples through `icc` to sRGB, as thumbflow's colour step sets it
// up (relative colorimetric, black-point compensation).
cv::Mat lcms_cmyk_to_bgr(const cv::Mat& cmyk, const test::Icc& icc) {
  cmsHPROFILE in = cmsOpenProfileFromMem(icc.data(), cmsUInt32Number(icc.size()));
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  cmsHTRANSFORM t = cmsCreateTransform(in, TYPE_CMYK_8, srgb, TYPE_BGR_8, INTENT_RELATIVE_COLORIMETRIC,
                                       cmsFLAGS_BLACKPOINTCOMPENSATION);
  cv::Mat out(cmyk.size(), CV_8UC3);
  for (int y = 0; y < cmyk.rows; ++y) cmsDoTransform(t, cmyk.ptr(y), out.ptr(y), cmsUInt32Number(cmyk.cols));
  cmsDeleteTransform(t);
  cmsCloseProfile(srgb);
  cmsCloseProfile(in);
  return out;
}

DecodedImage decode_and_manage(const std::vector<std::uint8_t>& file) {
  DecodedImage d = decode_for_thumbnail(file, test_decode::full_decode());
  EXPECT_TRUE(d.cmyk);
  manage_colour(d, ColourMode::Srgb);
  return d;
}

// The QA sweep's CMYK TIFFs came out 13/9/24 levels off a managed conversion (the profile was
// ignored) and failed at 16 bits.
TEST(TiffDecoder, CmykGoesThroughItsEmbeddedProfileAt8And16Bits) {
  const cv::Mat cmyk = test::naive_cmyk(kPicture);
  const test::Icc icc = test::cmyk_swapping_profile(9);
  const cv::Mat reference = lcms_cmyk_to_bgr(cmyk, icc);
  for (const int bits : {8, 16}) {
    cv::Mat samples = cmyk;
    if (bits == 16) cmyk.convertTo(samples, CV_16U, 257);
    TiffSpec spec;
    spec.bits = bits;
    spec.photometric = 5;
    spec.icc = icc;
    spec.compression = COMPRESSION_LZW;
    const DecodedImage d = decode_and_manage(test::make_tiff(samples, spec));
    ASSERT_EQ(d.pixels.type(), CV_8UC3) << bits;
    EXPECT_LE(mean_difference(d.pixels, reference), 0.5) << bits;
    EXPECT_LE(max_difference(d.pixels, reference), 2) << bits;
    EXPECT_TRUE(d.warnings.empty()) << bits << ": " << (d.warnings.empty() ? "" : d.warnings[0]);
  }
  // Without a profile: the naive formula, as for CMYK JPEGs.
  TiffSpec plain;
  plain.photometric = 5;
  const DecodedImage d = decode_and_manage(test::make_tiff(cmyk, plain));
  EXPECT_LE(max_difference(d.pixels, kPicture), 2);
}

// A BigTIFF (version 43: 8-byte offsets and counts) was "not an image", and its profile (tag
// 34675) was looked for by a walker of classic directories only, so its colours came out
// unmanaged. It reads as the classic file does, profile included.
TEST(TiffDecoder, BigTiffReadsAsTheClassicFileProfileIncluded) {
  const test::Icc adobe = test::adobe_rgb_profile();
  TiffSpec spec;
  spec.icc = adobe;
  spec.compression = COMPRESSION_LZW;
  const std::vector<std::uint8_t> classic = test::make_tiff(rgb_of(kPicture), spec);
  spec.big_tiff = true;
  const std::vector<std::uint8_t> big = test::make_tiff(rgb_of(kPicture), spec);
  ASSERT_EQ(big[2], 43);
  EXPECT_EQ(sniff_format(big), ImageFormat::Tiff);
  EXPECT_EQ(embedded_profile(big, ImageFormat::Tiff).icc, adobe);
  std::vector<cv::Mat> thumbnails;
  for (const auto* file : {&classic, &big}) {
    DecodedImage d = decode_for_thumbnail(*file, test_decode::full_decode());
    manage_colour(d, ColourMode::Srgb);
    EXPECT_TRUE(d.warnings.empty()) << (d.warnings.empty() ? "" : d.warnings[0]);
    thumbnails.push_back(d.pixels);
  }
  EXPECT_EQ(max_difference(thumbnails[1], thumbnails[0]), 0);
  EXPECT_GT(mean_difference(thumbnails[1], kPicture), 3);  // converted from Adobe RGB, not as stored
  // The profile tag of a BigTIFF pointing past the end is a warning, as in a classic file.
  std::vector<std::uint8_t> outside = big;
  const std::uint8_t entry[] = {0x73, 0x87, 7, 0};  // tag 34675, UNDEFINED, little-endian
  const auto at = std::search(outside.begin(), outside.end(), std::begin(entry), std::end(entry));
  ASSERT_NE(at, outside.end());
  std::fill(at + 12, at + 20, std::uint8_t{0x7F});  // the 8-byte offset
  const ExtractedProfile broken = embedded_profile(outside, ImageFormat::Tiff);
  EXPECT_TRUE(broken.icc.empty());
  ASSERT_EQ(broken.warnings.size(), 1u);
  EXPECT_EQ(broken.warnings[0], "malformed TIFF ICC profile tag; ignored, colours treated as sRGB");
}

// A TIFF that looks like a camera raw (here a DNGVersion tag) but that LibRaw does not take is read
// as a TIFF: its profile was then not looked for (the shared step asked for a raw's, which has
// none), and its Adobe RGB colours came out as stored.
TEST(TiffDecoder, ATiffTakenForARawKeepsItsProfile) {
  const test::Icc adobe = test::adobe_rgb_profile();
  TiffSpec spec;
  spec.icc = adobe;
  const DecodedImage plain =
      decode_for_thumbnail(test::make_tiff(rgb_of(kPicture), spec), test_decode::full_decode());
  spec.dng_version = true;
  const std::vector<std::uint8_t> raw_like = test::make_tiff(rgb_of(kPicture), spec);
  ASSERT_EQ(sniff_format(raw_like), ImageFormat::Raw);
  const DecodedImage d = decode_for_thumbnail(raw_like, test_decode::full_decode());
  EXPECT_EQ(d.icc, adobe);
  EXPECT_EQ(d.icc, plain.icc);
  EXPECT_EQ(max_difference(d.pixels, plain.pixels), 0);
}

TEST(TiffDecoder, CmykWithAlphaKeepsItsAlpha) {
  const cv::Mat cmyk = test::naive_cmyk(kPicture);
  cv::Mat alpha(cmyk.size(), CV_8U);
  for (int x = 0; x < alpha.cols; ++x) alpha.col(x).setTo(x * 4);
  std::vector<cv::Mat> planes;
  cv::split(cmyk, planes);
  planes.push_back(alpha);
  cv::Mat samples;
  cv::merge(planes, samples);
  const test::Icc icc = test::cmyk_swapping_profile(9);
  for (const bool with_icc : {false, true}) {
    TiffSpec spec;
    spec.photometric = 5;
    spec.extra = {EXTRASAMPLE_UNASSALPHA};
    if (with_icc) spec.icc = icc;
    spec.orientation = 6;  // five channels are turned too
    const DecodedImage d = decode_and_manage(test::make_tiff(samples, spec));
    ASSERT_EQ(d.pixels.type(), CV_8UC4) << with_icc;
    cv::Mat colour = with_icc ? lcms_cmyk_to_bgr(cmyk, icc) : kPicture, expected;
    cv::merge(std::vector<cv::Mat>{colour, alpha}, expected);
    expected = apply_orientation(expected, 6);
    EXPECT_LE(max_difference(d.pixels, expected), 2) << with_icc;
  }
}

TEST(TiffDecoder, JpegCompressedSubsampledYCbCr) {
  const cv::Mat bgr = test::make_picture(64, 48, CV_8UC3);
  for (const int tile : {0, 16}) {
    TiffSpec spec;
    spec.photometric = 6;
    spec.compression = COMPRESSION_JPEG;
    spec.rows_per_strip = 16;
    spec.tile = tile;
    const DecodedPixels d = decode(test::make_tiff(rgb_of(bgr), spec));
    ASSERT_EQ(d.pixels.type(), CV_8UC3) << tile;
    EXPECT_GE(test::psnr_luma(d.pixels, bgr), 30) << tile;
  }
}

// CIE L*a*b* goes through libtiff's RGBA reader, which must not turn the picture itself.
TEST(TiffDecoder, LabIsReadInStoredOrientation) {
  cv::Mat lab(9, 50, CV_8UC3, cv::Scalar(0, 0, 0));  // L 0..255 stands for 0..100, a = b = 0
  for (int x = 0; x < 50; ++x) lab.col(x).setTo(cv::Scalar(x * 255 / 49, 0, 0));
  for (const int orientation : {0, 2, 3}) {
    TiffSpec spec;
    spec.photometric = PHOTOMETRIC_CIELAB;
    spec.orientation = orientation;
    const DecodedPixels d = decode(test::make_tiff(lab, spec));
    ASSERT_EQ(d.pixels.type(), CV_8UC3) << orientation;
    EXPECT_LE(cv::norm(d.pixels.at<cv::Vec3b>(4, 0), cv::NORM_INF), 3) << orientation;
    EXPECT_GE(d.pixels.at<cv::Vec3b>(4, 49)[1], 250) << orientation;
  }
}

// kPicture in CIE L*a*b* (D50) as a TIFF stores it: 8-bit L 0..255, a and b signed (CIELab) or
// offset by 128 (ICCLab); 16-bit L 0..65535, a and b signed in 1/256 units.
// With `d65`, relative to a D65 white (as ImageMagick writes them, saying so in WhitePoint).
cv::Mat lab_samples(int bits, bool icc_lab, bool d65 = false) {
  cmsHPROFILE srgb = cmsCreate_sRGBProfile(), lab = cmsCreateLab4Profile(nullptr),
              xyz = cmsCreateXYZProfile();
  cmsHTRANSFORM t = cmsCreateTransform(srgb, TYPE_BGR_8, lab, TYPE_Lab_DBL, INTENT_RELATIVE_COLORIMETRIC, 0);
  cmsHTRANSFORM to_xyz =
      cmsCreateTransform(srgb, TYPE_BGR_8, xyz, TYPE_XYZ_DBL, INTENT_RELATIVE_COLORIMETRIC, 0);
  cmsCIEXYZ white;
  const cmsCIExyY white_xyY{0.3127, 0.3290, 1.0};
  cmsxyY2XYZ(&white, &white_xyY);
  cv::Mat out(kPicture.size(), bits == 8 ? CV_8UC3 : CV_16UC3);
  for (int y = 0; y < kPicture.rows; ++y)
    for (int x = 0; x < kPicture.cols; ++x) {
      cmsCIELab v;
      cmsDoTransform(t, kPicture.ptr<cv::Vec3b>(y) + x, &v, 1);
      if (d65) {
        cmsCIEXYZ d50_xyz, d65_xyz;
        cmsDoTransform(to_xyz, kPicture.ptr<cv::Vec3b>(y) + x, &d50_xyz, 1);
        cmsAdaptToIlluminant(&d65_xyz, cmsD50_XYZ(), &white, &d50_xyz);
        cmsXYZ2Lab(&white, &v, &d65_xyz);
      }
      const double scale = bits == 8 ? 1 : 256, offset = icc_lab ? 128 * scale : 0;
      const auto a = long(std::lround(v.a * scale + offset)), b = long(std::lround(v.b * scale + offset));
      if (bits == 8)
        out.at<cv::Vec3b>(y, x) = {std::uint8_t(std::lround(v.L * 2.55)), std::uint8_t(a), std::uint8_t(b)};
      else
        out.at<cv::Vec3w>(y, x) = {std::uint16_t(std::lround(v.L * 655.35)), std::uint16_t(a),
                                   std::uint16_t(b)};
    }
  cmsDeleteTransform(t);
  cmsDeleteTransform(to_xyz);
  cmsCloseProfile(srgb);
  cmsCloseProfile(lab);
  cmsCloseProfile(xyz);
  return out;
}

// Lab TIFFs went through libtiff's RGBA reader, which takes a D50 white through the D65 sRGB
// matrix with a plain 2.4 power curve: grey 128 came out 132, an 8-bit file's whites tinted
// (the QA corpus: 3-6 levels off on average; this test: 4.0 and 3.9). Converted with lcms2 now.
// 8-bit L*a*b* steps are coarse for saturated colours: up to 16 levels there, 0.7 on average.
TEST(TiffDecoder, LabPicturesMatchTheirSrgbOriginal) {
  for (const auto& [bits, photometric, mean, max] :
       {std::tuple{8, PHOTOMETRIC_CIELAB, 1.0, 20.0}, std::tuple{16, PHOTOMETRIC_CIELAB, 0.2, 1.0},
        std::tuple{8, PHOTOMETRIC_ICCLAB, 1.0, 20.0}}) {
    TiffSpec spec;
    spec.bits = bits;
    spec.photometric = photometric;
    spec.compression = COMPRESSION_LZW;
    const DecodedImage d =
        decode_for_thumbnail(test::make_tiff(lab_samples(bits, photometric == PHOTOMETRIC_ICCLAB), spec),
                             test_decode::full_decode());
    cv::Mat eight;
    d.pixels.convertTo(eight, CV_8U, bits == 8 ? 1.0 : 1.0 / 257);
    ASSERT_EQ(eight.type(), CV_8UC3) << bits;
    EXPECT_LE(mean_difference(eight, kPicture), mean) << bits << " " << photometric;
    EXPECT_LE(max_difference(eight, kPicture), max) << bits << " " << photometric;
    EXPECT_TRUE(d.warnings.empty()) << (d.warnings.empty() ? "" : d.warnings[0]);
  }
  // Relative to the D65 white its WhitePoint tag states (ImageMagick's files): before, taken as
  // D50, saturated blues came out purple.
  TiffSpec spec;
  spec.bits = 16;
  spec.photometric = PHOTOMETRIC_CIELAB;
  spec.white_point = {0.3127f, 0.3290f};
  const DecodedImage d =
      decode_for_thumbnail(test::make_tiff(lab_samples(16, false, true), spec), test_decode::full_decode());
  cv::Mat eight;
  d.pixels.convertTo(eight, CV_8U, 1.0 / 257);
  EXPECT_LE(mean_difference(eight, kPicture), 0.2);
  EXPECT_LE(max_difference(eight, kPicture), 1);
  // Shrunk on load like RGB strips (a and b averaged as offset values): 8-bit CIELab at 1/2.
  TiffSpec small;
  small.photometric = PHOTOMETRIC_CIELAB;
  DecodeRequest request;
  request.min_size = {16, 12};
  const DecodedPixels half = decode_tiff(test::make_tiff(lab_samples(8, false), small), request);
  ASSERT_EQ(half.scale, 2);
  cv::Mat expected;
  cv::resize(kPicture, expected, half.pixels.size(), 0, 0, cv::INTER_AREA);
  EXPECT_LE(mean_difference(half.pixels, expected), 1.5);
}

// Strips without alpha are averaged in k x k blocks while they are read, by the PNG reader's rule
// (blocks at twice min_size): the colour step then works on the small picture (CMYK too).
TEST(TiffDecoder, ShrinkOnLoadAveragesBlocksOfStrips) {
  const cv::Mat bgr = test::make_picture(1200, 900, CV_8UC3);
  cv::Mat expected;
  cv::resize(bgr, expected, cv::Size(600, 450), 0, 0, cv::INTER_AREA);
  ThumbnailOptions fast;  // a 128 px box: min_size 256x192, k = 2
  TiffSpec spec;
  spec.compression = COMPRESSION_LZW;
  spec.rows_per_strip = 5;  // blocks straddle strips
  const DecodedImage d = decode_for_thumbnail(test::make_tiff(rgb_of(bgr), spec), fast);
  EXPECT_LE(max_difference(d.pixels, expected), 1);
  EXPECT_DOUBLE_EQ(d.extent.width, 600);
  EXPECT_EQ(d.stored, (Dimensions{1200, 900}));
  spec.photometric = 5;
  const DecodedImage cmyk = decode_for_thumbnail(test::make_tiff(test::naive_cmyk(bgr), spec), fast);
  EXPECT_TRUE(cmyk.cmyk);
  EXPECT_EQ(cmyk.pixels.size(), cv::Size(600, 450));
  spec = {};
  spec.tile = 64;  // tiles are read whole
  EXPECT_EQ(decode_for_thumbnail(test::make_tiff(rgb_of(bgr), spec), fast).pixels.size(), bgr.size());
}

TEST(TiffDecoder, FirstPageOfAMultiPageFile) {
  const cv::Mat bgr = test::make_picture(50, 37, CV_8UC3);
  TiffSpec spec;
  spec.pages = 3;
  const std::vector<std::uint8_t> file = test::make_tiff(rgb_of(bgr), spec);
  EXPECT_EQ(read_tiff_header(file).size, (Dimensions{50, 37}));
  EXPECT_EQ(max_difference(decode(file).pixels, bgr), 0);
}

TEST(TiffDecoder, PixelLimitBeforeDecoding) {
  const std::vector<std::uint8_t> file = test::make_tiff(rgb_of(test::make_picture(50, 37, CV_8UC3)), {});
  ThumbnailOptions options = test_decode::full_decode();
  options.max_pixels = 1000;
  EXPECT_NE(test_decode::error_of(file, options).find("declares 50x37 pixels"), std::string::npos)
      << test_decode::error_of(file, options);
  DecodeRequest request;
  request.max_pixels = 1000;
  EXPECT_THROW(decode_tiff(file, request), DecodeError);
}

// One line naming the reason; libtiff prints nothing and hands the item no raw message.
TEST(TiffDecoder, DamagedFilesFailWithOneLine) {
  TiffSpec spec;
  spec.compression = COMPRESSION_LZW;
  spec.rows_per_strip = 64;
  const std::vector<std::uint8_t> good = test::make_tiff(rgb_of(test::make_picture(120, 64, CV_8UC3)), spec);
  std::vector<std::uint8_t> truncated(good.begin(), good.begin() + std::ptrdiff_t(good.size() / 2));
  std::vector<std::uint8_t> garbled = good, no_directory = good;
  for (std::size_t i = 8; i < 4000 && i < garbled.size(); ++i) garbled[i] = std::uint8_t(i * 131 + 7);
  no_directory[4] = no_directory[5] = no_directory[6] = 0xF0;
  for (const auto& [what, file] : {std::pair{"truncated", truncated}, std::pair{"garbled strip", garbled},
                                   std::pair{"directory past the end", no_directory}}) {
    testing::internal::CaptureStderr();
    std::string error;
    std::vector<std::string> library_messages;
    try {
      decode_for_thumbnail(file, test_decode::full_decode());
    } catch (const DecodeError& e) {
      error = e.what();
      library_messages = e.library_messages;
    }
    const std::string printed = testing::internal::GetCapturedStderr();
    EXPECT_EQ(error.rfind("cannot decode TIFF: ", 0), 0u) << what << ": " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << what << ": " << error;
    EXPECT_EQ(printed, "") << what;
    EXPECT_TRUE(library_messages.empty()) << what;
  }
}

// 65520 x 65520 tiles over a 20x20 picture: refused before any buffer is allocated.
TEST(TiffDecoder, HugeTilesOverASmallPictureAreRefused) {
  TiffSpec spec;
  spec.tile = 16;
  std::vector<std::uint8_t> file = test::make_tiff(rgb_of(test::make_picture(20, 20, CV_8UC3)), spec);
  ASSERT_EQ(file[0], 'I');  // libtiff writes in the host's order: little-endian here
  const auto u16 = [&](std::size_t at) { return std::uint32_t(file[at] | file[at + 1] << 8); };
  const std::size_t ifd = u16(4) | u16(6) << 16;
  for (std::size_t i = 0, n = u16(ifd); i < n; ++i) {
    const std::size_t entry = ifd + 2 + 12 * i;
    if (u16(entry) == TIFFTAG_TILEWIDTH || u16(entry) == TIFFTAG_TILELENGTH) {
      file[entry + 8] = 0xF0;  // 65520 (a multiple of 16), SHORT or LONG
      file[entry + 9] = 0xFF;
    }
  }
  const std::string error = test_decode::error_of(file);
  EXPECT_EQ(error.rfind("cannot decode TIFF: tiles of ", 0), 0u) << error;
  EXPECT_NE(error.find("far larger than the picture"), std::string::npos) << error;
}

// libtiff reads every tag of the first directory when it opens a file: 2000 tags sharing one
// megabyte took 2 GB. Refused before libtiff sees the file; the same tags with data of their own
// (in all no more than the file) are fine.
TEST(TiffDecoder, TagsSharingTheirDataAreRefusedBeforeLibtiffReadsThem) {
  const std::vector<std::uint8_t> crafted = test::tiff_with_shared_tag_data(300, 100000);
  const std::string error = test_decode::error_of(crafted);
  EXPECT_EQ(
      error,
      "cannot decode TIFF: the tags of its first directory hold 30000000 bytes, more than the whole file (" +
          std::to_string(crafted.size()) + " bytes)");
  EXPECT_THROW(read_tiff_header(crafted), DecodeError);
  EXPECT_EQ(test_decode::error_of(test::tiff_with_shared_tag_data(3, 100000)), "");
}

// A BigTIFF whose first directory declares `entries` entries (ImageWidth, LONG8, each), all there.
std::vector<std::uint8_t> bigtiff_with_entries(std::uint64_t entries) {
  std::vector<std::uint8_t> file = {'I', 'I', 43, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0};
  const auto put = [&](std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) file.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  put(entries, 8);
  for (std::uint64_t i = 0; i < entries; ++i) put(256, 2), put(16, 2), put(1, 8), put(64, 8);
  put(0, 8);  // no next directory
  return file;
}

// libtiff reads at most 4096 entries of a BigTIFF directory; the reader of the first directory
// (tag-data check, profile, raw sniff) stops there too instead of listing millions first.
TEST(TiffDecoder, ABigTiffDirectoryOfMoreEntriesThanLibtiffReadsIsNotListed) {
  const std::vector<std::uint8_t> most = bigtiff_with_entries(kMaxBigTiffEntries);
  const std::optional<TiffDirectory> listed = read_first_tiff_directory(most);
  ASSERT_TRUE(listed.has_value());
  EXPECT_EQ(listed->entries.size(), kMaxBigTiffEntries);
  const std::vector<std::uint8_t> more = bigtiff_with_entries(kMaxBigTiffEntries + 1);
  EXPECT_FALSE(read_first_tiff_directory(more).has_value());
  EXPECT_EQ(
      test_decode::error_of(more),
      "cannot decode TIFF: sanity check on directory count failed, this is probably not a valid IFD offset");
}

}  // namespace
}  // namespace thumbflow::detail::tiff_test
