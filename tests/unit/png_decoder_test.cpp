#include "image/png_decoder.hpp"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "hostile_images.hpp"
#include "image/decode.hpp"
#include "image/decode_error.hpp"
#include "image/resize.hpp"
#include "png_maker.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

using test::PngSpec;
using Buffer = std::vector<std::uint8_t>;

// Odd sizes, so that no Adam7 pass and no packed row is a whole number of bytes or blocks.
constexpr int kW = 101, kH = 67;

cv::Mat opencv_decode(const Buffer& png) { return cv::imdecode(png, cv::IMREAD_UNCHANGED); }

// The picture for a colour type and depth, in make_png's input layout.
cv::Mat picture_for(int color_type, int depth) {
  const int base = color_type == 0 || color_type == 3 ? CV_8UC1 : CV_8UC3;
  cv::Mat p = test::make_picture(kW, kH, base);
  if (color_type == 4 || color_type == 6) {
    cv::Mat alpha = test::make_picture(kW, kH, CV_8UC4, 2);
    std::vector<cv::Mat> planes;
    cv::split(alpha, planes);
    if (color_type == 4) cv::cvtColor(p, p, cv::COLOR_BGR2GRAY);
    std::vector<cv::Mat> with;
    cv::split(p, with);
    with.push_back(planes[3]);
    cv::merge(with, p);
  }
  if (depth == 16) p.convertTo(p, CV_16U, 257.0, 0);
  if (depth == 16) p += cv::Scalar::all(3);  // low bytes not a copy of the high ones
  return p;
}

DecodedPixels decode_png(const Buffer& png, Dimensions min_size = {}) {
  DecodeRequest request;
  request.min_size = min_size;
  return decode_png(png, request);
}

int png_max_difference(const cv::Mat& a, const cv::Mat& b) {
  double m = 0;
  cv::minMaxLoc(cv::abs(a - b), nullptr, &m);
  return int(m);
}

struct Kind {
  int color_type, depth;
};

class EveryKind : public ::testing::TestWithParam<Kind> {};

// Equal to OpenCV's (libpng's) decode for 8-bit and below; within 1 level of OpenCV's 16-bit
// samples / 257 for 16-bit.
TEST_P(EveryKind, MatchesOpenCv) {
  const Kind k = GetParam();
  const Buffer png =
      test::make_png(picture_for(k.color_type, k.depth), {k.depth, k.color_type, false, {}, {}});
  const cv::Mat expected_raw = opencv_decode(png);
  ASSERT_FALSE(expected_raw.empty());
  const DecodedPixels got = decode_png(png);
  EXPECT_EQ(got.scale, 1);
  EXPECT_TRUE(got.warnings.empty());
  ASSERT_EQ(got.pixels.depth(), CV_8U);
  ASSERT_EQ(got.pixels.size(), cv::Size(kW, kH));
  ASSERT_EQ(got.pixels.channels(), expected_raw.channels());
  const int expected_channels = k.color_type == 0 ? 1 : (k.color_type == 4 || k.color_type == 6) ? 4 : 3;
  EXPECT_EQ(got.pixels.channels(), expected_channels);
  if (k.depth == 16) {
    cv::Mat expected;
    expected_raw.convertTo(expected, CV_32F, 1.0 / 257);
    cv::Mat mine;
    got.pixels.convertTo(mine, CV_32F);
    const cv::Mat diff = cv::abs(mine - expected);
    double m = 0;
    cv::minMaxLoc(diff.reshape(1), nullptr, &m);
    EXPECT_LE(m, 0.5 + 1e-3) << "rounded to nearest, so within half a level of the exact value";
  } else {
    EXPECT_EQ(png_max_difference(got.pixels.reshape(1), expected_raw.reshape(1)), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Png, EveryKind,
                         ::testing::Values(Kind{0, 1}, Kind{0, 2}, Kind{0, 4}, Kind{0, 8}, Kind{0, 16},
                                           Kind{4, 8}, Kind{4, 16}, Kind{2, 8}, Kind{2, 16}, Kind{6, 8},
                                           Kind{6, 16}, Kind{3, 1}, Kind{3, 2}, Kind{3, 4}, Kind{3, 8}),
                         [](const ::testing::TestParamInfo<Kind>& i) {
                           return "type" + std::to_string(i.param.color_type) + "_" +
                                  std::to_string(i.param.depth) + "bit";
                         });

// Palette entries 0..3 of a 2-bit palette made transparent to different degrees.
TEST(PngDecoder, PaletteTrnsBecomesAlpha) {
  const cv::Mat indices = picture_for(3, 2);
  const Buffer png = test::make_png(indices, {2, 3, false, {0, 100, 200}, {}});  // entry 3 opaque
  const DecodedPixels got = decode_png(png);
  ASSERT_EQ(got.pixels.type(), CV_8UC4);
  const std::uint8_t alpha_of[4] = {0, 100, 200, 255};
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const int i = indices.at<std::uint8_t>(y, x) >> 6;
      const cv::Vec4b px = got.pixels.at<cv::Vec4b>(y, x);
      const cv::Vec3b rgb = test::palette_colour(i);
      ASSERT_EQ(px, cv::Vec4b(rgb[2], rgb[1], rgb[0], alpha_of[i])) << x << "," << y;
    }
  EXPECT_EQ(png_max_difference(got.pixels.reshape(1), opencv_decode(png).reshape(1)), 0);
}

// Gray and RGB tRNS name one colour that is fully transparent; every other pixel is opaque.
TEST(PngDecoder, ColourKeyTrnsBecomesAlpha) {
  for (const int depth : {8, 16}) {
    cv::Mat rgb = picture_for(2, depth);
    cv::Mat gray = picture_for(0, depth);
    const int key = depth == 16 ? 0x1234 : 0x12;
    rgb(cv::Rect(10, 10, 20, 5)).setTo(cv::Scalar::all(key));
    gray(cv::Rect(10, 10, 20, 5)).setTo(cv::Scalar::all(key));
    const Buffer k16 = {std::uint8_t(key >> 8), std::uint8_t(key & 0xFF)};
    const Buffer rgb_trns = {k16[0], k16[1], k16[0], k16[1], k16[0], k16[1]};
    for (const bool is_rgb : {false, true}) {
      const cv::Mat& src = is_rgb ? rgb : gray;
      const Buffer png = test::make_png(src, {depth, is_rgb ? 2 : 0, false, is_rgb ? rgb_trns : k16, {}});
      const DecodedPixels got = decode_png(png);
      ASSERT_EQ(got.pixels.type(), CV_8UC4) << depth << " " << is_rgb;
      int transparent = 0;
      for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
          // Each depth reads the source as its own sample type (reading 8-bit rows as 16-bit is UB).
          const bool is_key =
              depth == 16
                  ? (is_rgb ? src.at<cv::Vec<std::uint16_t, 3>>(y, x) ==
                                  cv::Vec<std::uint16_t, 3>::all(std::uint16_t(key))
                            : src.at<std::uint16_t>(y, x) == key)
                  : depth == 8 && (is_rgb ? src.at<cv::Vec3b>(y, x) == cv::Vec3b::all(std::uint8_t(key))
                                          : src.at<std::uint8_t>(y, x) == key);
          const std::uint8_t alpha = got.pixels.at<cv::Vec4b>(y, x)[3];
          ASSERT_EQ(alpha, is_key ? 0 : 255) << x << "," << y << " depth " << depth;
          transparent += is_key;
        }
      EXPECT_GE(transparent, 100);
    }
  }
}

TEST(PngDecoder, InterlacedFullDecodeEqualsNonInterlaced) {
  for (const Kind k : {Kind{2, 8}, Kind{6, 16}, Kind{3, 4}, Kind{0, 1}}) {
    const cv::Mat p = picture_for(k.color_type, k.depth);
    const Buffer plain = test::make_png(p, {k.depth, k.color_type, false, {}, {}});
    const Buffer interlaced = test::make_png(p, {k.depth, k.color_type, true, {}, {}});
    ASSERT_EQ(interlaced[28], 1) << "IHDR says Adam7";
    const DecodedPixels a = decode_png(plain), b = decode_png(interlaced);
    ASSERT_EQ(a.pixels.size(), b.pixels.size());
    EXPECT_EQ(png_max_difference(a.pixels.reshape(1), b.pixels.reshape(1)), 0)
        << k.color_type << "/" << k.depth;
  }
}

// Pass 1 alone is the pixel at the top-left of every 8x8 block; passes 1-3 every 4th, 1-5 every
// 2nd. The grid must hold 4x min_size on both sides (point samples, see png_decoder.hpp).
TEST(PngDecoder, InterlacedReadsOnlyTheNeededPasses) {
  const cv::Mat p = picture_for(6, 8);
  const Buffer png = test::make_png(p, {8, 6, true, {}, {}});
  const cv::Mat full = decode_png(png).pixels;
  for (const int s : {8, 4, 2}) {
    const Dimensions grid{(kW + s - 1) / s, (kH + s - 1) / s};
    const DecodedPixels got = decode_png(png, {grid.width / 4, grid.height / 4});
    EXPECT_EQ(got.scale, s);
    ASSERT_EQ(got.pixels.size(), cv::Size(grid.width, grid.height)) << s;
    for (int y = 0; y < grid.height; ++y)
      for (int x = 0; x < grid.width; ++x)
        ASSERT_EQ(got.pixels.at<cv::Vec4b>(y, x), full.at<cv::Vec4b>(y * s, x * s))
            << s << ": " << x << "," << y;
  }
  EXPECT_EQ(decode_png(png, {kW / 4, kH / 4}).scale, 1);
  EXPECT_EQ(decode_png(png, {kW / 4, kH / 4}).pixels.size(), cv::Size(kW, kH));
  EXPECT_EQ(decode_png(test::make_png(p, {8, 6, false, {}, {}}), {1, 1}).scale, 1) << "not interlaced: full";
}

TEST(PngDecoder, Adam7ScaleKeepsTheGridAtLeastTheMinimum) {
  EXPECT_EQ(adam7_scale({1000, 800}, {0, 0}), 1);
  EXPECT_EQ(adam7_scale({4000, 3200}, {125, 100}), 8);  // 1/8 grid 500x400
  EXPECT_EQ(adam7_scale({4033, 3200}, {126, 100}), 8);  // 1/8 grid 505x400, last column partial
  EXPECT_EQ(adam7_scale({4000, 3200}, {126, 100}), 4);
  EXPECT_EQ(adam7_scale({4000, 3200}, {250, 201}), 2);
  EXPECT_EQ(adam7_scale({4000, 3200}, {501, 10}), 1);
}

// A photo from data/ (baboon, building) as a 1024x1024 PNG, and its fast-path thumbnails at
// `box` against a full decode + area resize.
struct PhotoPng {
  Buffer png;
  cv::Mat full;
  PhotoPng(const char* name, bool interlaced) {
    const cv::Mat photo = cv::imread(std::string(THUMBFLOW_DATA_DIR) + "/" + name, cv::IMREAD_COLOR);
    cv::Mat big;
    if (!photo.empty()) cv::resize(photo, big, {1024, 1024}, 0, 0, cv::INTER_CUBIC);
    if (!big.empty()) png = test::make_png(big, {8, 2, interlaced, {}, {}});
    ThumbnailOptions options;
    options.decode = DecodeMode::Full;
    if (!png.empty()) full = decode_for_thumbnail(png, options).pixels;
  }
  // Luma PSNR of the fast thumbnail; `decoded` gets the fast decode's size.
  double fast_psnr(int box, cv::Size& decoded) const {
    ThumbnailOptions options;
    options.decode = DecodeMode::Fast;
    options.box_width = options.box_height = box;
    const DecodedImage fast = decode_for_thumbnail(png, options);
    decoded = fast.pixels.size();
    const cv::Mat thumb =
        resize_for_thumbnail(fast.pixels, fast.target, false, options.background, fast.extent);
    cv::Mat reference;
    cv::resize(full, reference, thumb.size(), 0, 0, cv::INTER_AREA);
    return test::psnr_luma(thumb, reference);
  }
};

// Photo-like interlaced PNGs thumbnailed through the fast path, which reads pass 1 (16 px box),
// passes 1-3 (32 px) or passes 1-5 (64 px).
TEST(PngDecoder, PartialPassThumbnailsAreCloseToFullDecode) {
  for (const char* name : {"baboon.jpg", "building.jpg"}) {
    const PhotoPng photo(name, true);
    ASSERT_EQ(photo.full.size(), cv::Size(1024, 1024)) << name;
    for (const int box : {16, 32, 64}) {
      cv::Size decoded;
      const double psnr = photo.fast_psnr(box, decoded);
      EXPECT_EQ(decoded, cv::Size(8 * box, 8 * box)) << "1/" << 128 / box << " of the passes' grid";
      std::printf("%s, %d px from the 1/%d grid vs full decode + area resize: luma PSNR %.2f dB\n", name, box,
                  128 / box, psnr);
      EXPECT_GE(psnr, 33.0) << name << " " << box;
    }
  }
}

TEST(PngDecoder, BlockFactorKeepsTwiceTheMinimum) {
  EXPECT_EQ(png_block_factor({3200, 2200}, {0, 0}), 1);
  EXPECT_EQ(png_block_factor({3200, 2200}, {256, 176}), 6);  // 533x366: 2.08x and 2.08x
  EXPECT_EQ(png_block_factor({3200, 2200}, {256, 184}), 5);  // 2200 / (2 * 184) = 5.97
  EXPECT_EQ(png_block_factor({1000, 800}, {300, 200}), 1);
  EXPECT_EQ(png_block_factor({1000, 800}, {250, 200}), 2);
}

// Without alpha and with min_size set, a non-interlaced PNG comes out as the means of k x k blocks
// of its full decode (the last row and column of blocks narrower), every kind the block path takes:
// gray of any depth, RGB, palette without tRNS, 16-bit (rounded to 8 bits per sample first).
TEST(PngDecoder, BlockMeansAreThoseOfTheFullDecode) {
  for (const Kind k : {Kind{0, 2}, Kind{0, 8}, Kind{0, 16}, Kind{2, 8}, Kind{2, 16}, Kind{3, 8}}) {
    const Buffer png =
        test::make_png(picture_for(k.color_type, k.depth), {k.depth, k.color_type, false, {}, {}});
    const cv::Mat full = decode_png(png).pixels;
    ASSERT_EQ(full.size(), cv::Size(kW, kH));
    const DecodedPixels got = decode_png(png, {12, 8});  // k = min(101 / 24, 67 / 16) = 4
    ASSERT_EQ(got.scale, 4) << k.color_type << "/" << k.depth;
    ASSERT_EQ(got.pixels.size(), cv::Size(26, 17)) << "ceil(101 / 4) x ceil(67 / 4)";
    ASSERT_EQ(got.pixels.type(), full.type());
    double worst = 0;
    for (int by = 0; by < got.pixels.rows; ++by)
      for (int bx = 0; bx < got.pixels.cols; ++bx) {
        const cv::Rect block = cv::Rect(4 * bx, 4 * by, 4, 4) & cv::Rect(0, 0, kW, kH);
        const cv::Scalar mean = cv::mean(full(block));
        for (int c = 0; c < full.channels(); ++c) {
          const int mine = got.pixels.ptr<std::uint8_t>(by)[bx * full.channels() + c];
          worst = std::max(worst, std::abs(mine - mean[c]));
        }
      }
    EXPECT_LE(worst, 0.5 + 1e-9) << "type " << k.color_type << ", " << k.depth
                                 << " bit: means rounded to nearest";
  }
  // Alpha (a channel or tRNS) is decoded whole; interlaced files keep their Adam7 grid.
  EXPECT_EQ(decode_png(test::make_png(picture_for(6, 8), {8, 6, false, {}, {}}), {12, 8}).scale, 1);
  EXPECT_EQ(decode_png(test::make_png(picture_for(2, 8), {8, 2, true, {}, {}}), {12, 8}).scale,
            adam7_scale({kW, kH}, {12, 8}));
}

// Photo-like non-interlaced PNGs through the fast path (blocks of 8, 4 and 2).
TEST(PngDecoder, BlockMeanThumbnailsAreCloseToFullDecode) {
  for (const char* name : {"baboon.jpg", "building.jpg"}) {
    const PhotoPng photo(name, false);
    ASSERT_EQ(photo.full.size(), cv::Size(1024, 1024)) << name;
    for (const int box : {30, 64, 100}) {
      cv::Size decoded;
      const double psnr = photo.fast_psnr(box, decoded);
      const int k = 1024 / (4 * box);
      EXPECT_EQ(decoded.width, (1024 + k - 1) / k) << box;
      std::printf("%s, %d px from %dx%d block means vs full decode + area resize: luma PSNR %.2f dB\n", name,
                  box, k, k, psnr);
      EXPECT_GE(psnr, 44.0) << name << " " << box;
    }
  }
}

TEST(PngDecoder, RefusesOverMaxPixelsBeforeDecoding) {
  const Buffer png = test::make_png(picture_for(2, 8), {8, 2, false, {}, {}});
  DecodeRequest request;
  request.max_pixels = kW * kH - 1;
  EXPECT_THROW(decode_png(png, request), DecodeError);
  request.max_pixels = kW * kH;
  EXPECT_EQ(decode_png(png, request).pixels.size(), cv::Size(kW, kH));
  // A bomb (100000x100000 declared, 9 bytes of data) with no limit: refused from the IDAT size.
  request.max_pixels = 0;
  try {
    decode_png(test::png_declaring(100000, 100000), request);
    FAIL() << "decoded a bomb";
  } catch (const DecodeError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("truncated or corrupt PNG: 100000x100000 pixels need", 0), 0u)
        << e.what();
  }
}

// Every cut of a PNG is a DecodeError of one line or, cut after the image data, a decode with a
// warning; never a crash or a partial image without a word.
TEST(PngDecoder, TruncatedAtManyLengths) {
  struct Cut {
    int color_type;
    bool interlaced;
    Dimensions min_size;
  };
  // Whole, Adam7 passes, block means.
  for (const Cut c : {Cut{6, false, {}}, Cut{6, true, {13, 9}}, Cut{2, false, {12, 8}}}) {
    const bool interlaced = c.interlaced;
    const Buffer png = test::make_png(picture_for(c.color_type, 8), {8, c.color_type, interlaced, {}, {}});
    int errors = 0;
    for (std::size_t n = 0; n < png.size(); n += (n < 100 ? 1 : 37)) {
      const Buffer cut(png.begin(), png.begin() + std::ptrdiff_t(n));
      try {
        const DecodedPixels got = decode_png(cut, c.min_size);
        ASSERT_FALSE(got.warnings.empty()) << n << " of " << png.size() << " decoded without a warning";
        EXPECT_EQ(got.warnings[0], "the file ends before the IEND chunk");
      } catch (const DecodeError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        EXPECT_EQ(what.rfind("truncated or corrupt PNG: ", 0), 0u) << what;
        ++errors;
      }
    }
    EXPECT_GT(errors, 20);
  }
}

TEST(PngDecoder, CorruptImageDataIsOneLine) {
  Buffer png = test::make_png(picture_for(2, 8), {8, 2, false, {}, {}});
  png[60] ^= 0xFF;  // inside the IDAT zlib stream
  try {
    decode_png(png);
    FAIL() << "decoded a corrupt stream";
  } catch (const DecodeError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("truncated or corrupt PNG: ", 0), 0u) << e.what();
  }
}

// The iCCP and eXIf chunks are not libspng's business: a 64 MB iCCP bomb costs nothing.
TEST(PngDecoder, AncillaryBombsAreSkipped) {
  const DecodedPixels got = decode_png(test::png_with_icc_bomb(64u << 20));
  EXPECT_EQ(got.pixels.size(), cv::Size(64, 48));
  EXPECT_EQ(decode_png(test::png_with_huge_exif(16u << 20)).pixels.size(), cv::Size(64, 48));
}

// A bad CRC on tRNS: libspng drops the chunk (ancillary), and the decoder says so.
TEST(PngDecoder, BadTrnsCrcIsAWarning) {
  Buffer png = test::make_png(picture_for(3, 2), {2, 3, false, {0, 100, 200}, {}});
  const std::size_t trns = std::string(png.begin(), png.end()).find("tRNS");
  ASSERT_NE(trns, std::string::npos);
  png[trns + 4 + 3 + 3] ^= 1;  // the CRC after 3 bytes of data
  const DecodedPixels got = decode_png(png);
  EXPECT_EQ(got.pixels.type(), CV_8UC3) << "no transparency";
  ASSERT_EQ(got.warnings.size(), 1u);
  EXPECT_EQ(got.warnings[0], "tRNS chunk has a bad CRC: transparency ignored");
}

// Issue 16: libpng printed "libpng warning: iCCP: ..." raw to stderr, in the middle of the progress
// line. OpenCV's decode of this file still does (shown first, so the file is known to provoke it);
// thumbflow's decode prints nothing.
TEST(PngDecoder, IccpLibpngWarnsAboutPrintsNothing) {
  const Buffer png = test::with_iccp(test::make_png(picture_for(2, 8), {8, 2, false, {}, {}}),
                                     test::icc_profile_libpng_warns_about());
  ::testing::internal::CaptureStderr();
  const cv::Mat by_opencv = opencv_decode(png);
  const std::string opencv_said = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(opencv_said.find("libpng warning: iCCP"), std::string::npos) << opencv_said;
  ::testing::internal::CaptureStderr();
  ThumbnailOptions options;
  const DecodedImage ours = decode_for_thumbnail(png, options);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(png_max_difference(ours.pixels.reshape(1), by_opencv.reshape(1)), 0);
}

}  // namespace
}  // namespace thumbflow::detail
