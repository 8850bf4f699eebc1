#include "image/decode.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <utility>
#include <vector>

#include "hostile_images.hpp"
#include "image/decode_error.hpp"
#include "image/resize.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

std::string decode_error_of(const std::vector<std::uint8_t>& bytes, ThumbnailOptions options = {}) {
  try {
    decode_for_thumbnail(bytes, options);
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// Valid JPEGs that libjpeg-turbo does not decode: 12-bit samples, lossless and hierarchical coding
// (made by changing the precision or the SOF marker of an 8-bit baseline file).
TEST(Decode, UnsupportedJpegKindsAreNamedAsSuch) {
  const std::vector<std::uint8_t> jpeg = test::encode(test::make_picture(64, 48, CV_8UC3), ".jpg");
  std::size_t sof = 0;
  while (sof + 1 < jpeg.size() && !(jpeg[sof] == 0xFF && jpeg[sof + 1] == 0xC0)) ++sof;
  ASSERT_LT(sof + 4, jpeg.size());
  std::vector<std::uint8_t> twelve = jpeg, lossless = jpeg, hierarchical = jpeg;
  twelve[sof + 4] = 12;
  lossless[sof + 1] = 0xC3;
  hierarchical[sof + 1] = 0xC5;
  EXPECT_EQ(decode_error_of(twelve), "unsupported JPEG: 12-bit samples (thumbflow reads 8-bit JPEGs)");
  EXPECT_EQ(decode_error_of(lossless), "unsupported JPEG: lossless coding (SOF3)");
  EXPECT_EQ(decode_error_of(hierarchical), "unsupported JPEG: hierarchical differential coding (SOF5)");
}

TEST(Decode, ClearReasonsForBadInput) {
  EXPECT_EQ(decode_error_of({}), "empty file");
  EXPECT_EQ(decode_error_of(bytes_of("<html>not found</html>")), "not an image (the content is text)");
  EXPECT_EQ(decode_error_of({0x00, 0x01, 0x02, 0xFE}), "not an image (unrecognised content)");
  EXPECT_EQ(decode_error_of(bytes_of("8BPS\x00\x01")), "unsupported format: PSD");
  // Cut inside the signature: the format it starts as, truncated (not "text": 0xFF 0xD8 is not).
  EXPECT_EQ(decode_error_of({0xFF, 0xD8}), "truncated JPEG (the file is only 2 bytes)");
  EXPECT_EQ(decode_error_of({0x89, 'P', 'N', 'G'}), "truncated PNG (the file is only 4 bytes)");
  auto png = test::encode(test::make_picture(200, 100, CV_8UC3), ".png");
  png.resize(png.size() / 2);
  EXPECT_NE(decode_error_of(png).find("PNG"), std::string::npos) << decode_error_of(png);
}

// The note of a JPEG without its end marker is that item's warning (and only its), at a scale of
// thumbflow's own decoder (128) and one of libjpeg's (full).
TEST(Decode, AMissingJpegEndMarkerIsTheItemsWarning) {
  const std::vector<std::uint8_t> whole = test::encode(test::make_picture(640, 480, CV_8UC3, 4), ".jpg");
  const std::vector<std::uint8_t> cut(whole.begin(), whole.end() - 2);
  const auto noted = [](const DecodedImage& d) {
    return std::any_of(d.warnings.begin(), d.warnings.end(), [](const std::string& w) {
      return w.find("end-of-image marker") != std::string::npos;
    });
  };
  for (const DecodeMode mode : {DecodeMode::Fast, DecodeMode::Full}) {
    ThumbnailOptions options;
    options.box_width = options.box_height = 128;
    options.decode = mode;
    EXPECT_TRUE(noted(decode_for_thumbnail(cut, options)));
    EXPECT_FALSE(noted(decode_for_thumbnail(whole, options)));
  }
}

// A damaged ancillary PNG chunk (text here) is left out with the item's warning, as libpng does; a
// damaged critical one fails the item.
TEST(Decode, AnAncillaryPngChunkWithABadCrcIsAWarning) {
  const std::vector<std::uint8_t> png = test::encode(test::make_picture(200, 100, CV_8UC3, 4), ".png");
  const std::string text("Comment\0hello", 13);
  std::vector<std::uint8_t> chunk = {0, 0, 0, std::uint8_t(text.size()), 't', 'E', 'X', 't'};
  chunk.insert(chunk.end(), text.begin(), text.end());
  chunk.insert(chunk.end(), {0xDE, 0xAD, 0xBE, 0xEF});  // not its CRC
  std::vector<std::uint8_t> damaged = png;
  damaged.insert(damaged.begin() + 33, chunk.begin(), chunk.end());  // after the signature and IHDR
  ThumbnailOptions options;
  options.box_width = options.box_height = 64;
  const DecodedImage whole = decode_for_thumbnail(png, options);
  const DecodedImage got = decode_for_thumbnail(damaged, options);
  EXPECT_EQ(cv::norm(got.pixels, whole.pixels, cv::NORM_INF), 0);
  EXPECT_TRUE(whole.warnings.empty());
  ASSERT_EQ(got.warnings.size(), 1u);
  EXPECT_EQ(got.warnings[0], "PNG tEXt chunk has a bad CRC: ignored");

  damaged[33 + 4] = 'T';  // the same chunk made critical ("TEXt"): the picture cannot be trusted
  EXPECT_EQ(decode_error_of(damaged), "corrupt PNG (bad CRC in TEXt chunk)");
}

// PAM (P7, as ImageMagick's pam: writes): header fields in any order, comments; RGB and RGBA.
TEST(Decode, PamFilesAreRead) {
  for (const int depth : {3, 4}) {
    std::string pam = "P7\n# a comment\nHEIGHT 2\nWIDTH 3\nDEPTH " + std::to_string(depth) +
                      "\nMAXVAL 255\nTUPLTYPE " + (depth == 4 ? "RGB_ALPHA" : "RGB") + "\nENDHDR\n";
    for (int i = 0; i < 6; ++i) {  // red, green, blue, red...
      for (int c = 0; c < 3; ++c) pam.push_back(char(c == i % 3 ? 250 : 10));
      if (depth == 4) pam.push_back(char(255));
    }
    const DecodedImage got = decode_for_thumbnail(bytes_of(pam), {});
    ASSERT_EQ(got.pixels.cols, 3);
    ASSERT_EQ(got.pixels.rows, 2);
    cv::Mat bgr = got.pixels;
    if (bgr.channels() == 4) cv::cvtColor(bgr, bgr, cv::COLOR_BGRA2BGR);
    ASSERT_EQ(bgr.type(), CV_8UC3);
    EXPECT_EQ(bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(10, 10, 250)) << depth;  // red, as BGR
    EXPECT_EQ(bgr.at<cv::Vec3b>(1, 2), cv::Vec3b(250, 10, 10)) << depth;  // blue
  }
  // 16-bit samples with MAXVAL 1023 reach the full range; gray stays one channel.
  std::string gray = "P7\nWIDTH 2\nHEIGHT 1\nDEPTH 1\nMAXVAL 1023\nENDHDR\n";
  gray += std::string("\x03\xFF\x00\x00", 4);
  const DecodedImage wide = decode_for_thumbnail(bytes_of(gray), {});
  ASSERT_EQ(wide.pixels.type(), CV_16UC1);
  EXPECT_EQ(wide.pixels.at<std::uint16_t>(0, 0), 65535);
  EXPECT_EQ(wide.pixels.at<std::uint16_t>(0, 1), 0);
  EXPECT_EQ(decode_error_of(bytes_of("P7\nWIDTH 3\nDEPTH 3\nMAXVAL 255\nENDHDR\n")),
            "bad PAM header (WIDTH, HEIGHT, DEPTH or MAXVAL missing)");
  EXPECT_EQ(decode_error_of(bytes_of("P7\nWIDTH x\n")), "bad PAM header (a number expected, 'x' found)");
  EXPECT_EQ(decode_error_of(bytes_of("P7\nWIDTH 3\nHEIGHT 2\nDEPTH 3\nMAXVAL 255\nENDHDR\nabc")),
            "truncated PAM (49 bytes, the header promises 64)");
}

// 16-bit BMPs, which OpenCV 4.6 refuses when they have masks: 565, 555 (with and without masks),
// 1555 with alpha, both row orders; a cut file is one clear error.
TEST(Decode, SixteenBitBmpsAreRead) {
  const cv::Vec3b red(0, 0, 255), green(0, 255, 0), blue(255, 0, 0), white(255, 255, 255);
  const auto check = [&](const std::vector<std::uint8_t>& file, const char* what) {
    const DecodedImage got = decode_for_thumbnail(file, {});
    ASSERT_EQ(got.pixels.size(), cv::Size(3, 2)) << what;
    cv::Mat bgr = got.pixels;
    if (bgr.channels() == 4) cv::cvtColor(bgr, bgr, cv::COLOR_BGRA2BGR);
    EXPECT_EQ(bgr.at<cv::Vec3b>(0, 0), red) << what;
    EXPECT_EQ(bgr.at<cv::Vec3b>(0, 1), green) << what;
    EXPECT_EQ(bgr.at<cv::Vec3b>(0, 2), blue) << what;
    EXPECT_EQ(bgr.at<cv::Vec3b>(1, 0), white) << what;
  };
  const std::vector<std::vector<std::uint16_t>> p565 = {{0xF800, 0x07E0, 0x001F}, {0xFFFF, 0, 0}};
  const std::vector<std::vector<std::uint16_t>> p555 = {{0x7C00, 0x03E0, 0x001F}, {0x7FFF, 0, 0}};
  check(test::bmp16(p565, {0xF800, 0x07E0, 0x001F}), "565");
  check(test::bmp16(p565, {0xF800, 0x07E0, 0x001F}, true), "565 top-down");
  check(test::bmp16(p555, {0x7C00, 0x03E0, 0x001F}), "555 masks");
  check(test::bmp16(p555, {}), "555 BI_RGB");
  // ARGB1555 in a V4 header: alpha kept (opaque pixels set its bit, the black ones are clear).
  std::vector<std::vector<std::uint16_t>> p1555 = p555;
  for (auto& row : p1555) row[0] |= 0x8000, row[1] |= 0x8000, row[2] |= 0x8000;
  p1555[1][1] = p1555[1][2] = 0;
  const DecodedImage argb = decode_for_thumbnail(test::bmp16(p1555, {0x7C00, 0x03E0, 0x001F, 0x8000}), {});
  ASSERT_EQ(argb.pixels.type(), CV_8UC4);
  EXPECT_EQ(argb.pixels.at<cv::Vec4b>(0, 0), cv::Vec4b(0, 0, 255, 255));
  EXPECT_EQ(argb.pixels.at<cv::Vec4b>(1, 2), cv::Vec4b(0, 0, 0, 0));
  // An alpha mask no pixel uses: opaque BGR, as browsers show it.
  EXPECT_EQ(decode_for_thumbnail(test::bmp16(p555, {0x7C00, 0x03E0, 0x001F, 0x8000}), {}).pixels.type(),
            CV_8UC3);
  std::vector<std::uint8_t> cut = test::bmp16(p565, {0xF800, 0x07E0, 0x001F});
  cut.resize(cut.size() - 4);
  EXPECT_NE(decode_error_of(cut).find("truncated BMP"), std::string::npos) << decode_error_of(cut);
}

// OS/2 1.x BMPs came out as one grey channel from OpenCV 4.6; every bit depth keeps its colours.
TEST(Decode, Os2BmpsKeepTheirColours) {
  const std::vector<cv::Vec3b> colours = {{0, 0, 255},     {0, 255, 0},   {255, 0, 0},
                                          {255, 255, 255}, {0, 128, 255}, {30, 60, 90}};
  for (const int bits : {1, 4, 8, 24}) {
    SCOPED_TRACE(bits);
    const DecodedImage got = decode_for_thumbnail(test::os2_bmp(bits, colours), {});
    ASSERT_EQ(got.pixels.type(), CV_8UC3);
    ASSERT_EQ(got.pixels.size(), cv::Size(3, 2));
    const std::size_t palette =
        bits == 24 ? colours.size() : std::min<std::size_t>(colours.size(), 1u << bits);
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 3; ++x)
        EXPECT_EQ(got.pixels.at<cv::Vec3b>(y, x),
                  colours[std::min<std::size_t>(std::size_t(y * 3 + x), palette - 1)])
            << x << "," << y;
  }
  std::vector<std::uint8_t> cut = test::os2_bmp(24, colours);
  cut.resize(cut.size() - 3);
  EXPECT_NE(decode_error_of(cut).find("truncated BMP"), std::string::npos) << decode_error_of(cut);
  std::vector<std::uint8_t> odd = test::os2_bmp(24, colours);
  odd[24] = 16;
  EXPECT_EQ(decode_error_of(odd), "invalid BMP (OS/2 header with 16 bits per pixel)");
}

// A 32-bit BMP of 2x2 BGRA pixels (alpha as given), BI_BITFIELDS with a 40-byte header and three
// masks (X8R8G8B8) or a V5 header (124 bytes) with an alpha mask.
std::vector<std::uint8_t> bmp32(std::uint8_t alpha, bool v5) {
  const auto put = [](std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) {
    for (int i = 0; i < 4; ++i) v[at + std::size_t(i)] = std::uint8_t(x >> (8 * i));
  };
  const std::uint32_t header = v5 ? 124 : 40, offset = 14 + header + (v5 ? 0 : 12);
  std::vector<std::uint8_t> b(offset + 16, 0);
  b[0] = 'B';
  b[1] = 'M';
  put(b, 2, std::uint32_t(b.size()));
  put(b, 10, offset);
  put(b, 14, header);
  put(b, 18, 2);
  put(b, 22, 2);
  put(b, 26, 1 | 32 << 16);  // planes, bits per pixel
  put(b, 30, 3);             // BI_BITFIELDS
  const std::uint32_t masks[] = {0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000};
  for (std::size_t i = 0; i < (v5 ? 4u : 3u); ++i) put(b, 54 + 4 * i, masks[i]);
  if (v5) put(b, 70, 0x73524742);  // 'sRGB' colour space
  for (std::size_t i = 0; i < 4; ++i) put(b, offset + 4 * i, 0x0000FF | 0x4000 | std::uint32_t(alpha) << 24);
  return b;
}

// The fourth byte of a 32-bit BMP is zero everywhere in X8R8G8B8 files and from many writers of
// V4/V5 files: that is an opaque picture (it came out wholly transparent, or blank white in JPEG).
// Alpha that is used is kept.
TEST(Decode, ThirtyTwoBitBmpWithZeroAlphaIsOpaque) {
  for (const bool v5 : {false, true}) {
    const DecodedImage got = decode_for_thumbnail(bmp32(0, v5), {});
    ASSERT_EQ(got.pixels.type(), CV_8UC3) << (v5 ? "V5" : "bitfields");
    EXPECT_EQ(got.pixels.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 64, 0)) << (v5 ? "V5" : "bitfields");
  }
  const DecodedImage half = decode_for_thumbnail(bmp32(128, true), {});
  ASSERT_EQ(half.pixels.type(), CV_8UC4);
  EXPECT_EQ(half.pixels.at<cv::Vec4b>(0, 0), cv::Vec4b(255, 64, 0, 128));
}

// --max-pixels bounds what a decoder holds: a sequential JPEG over the limit is made at a DCT scale
// that holds fewer pixels (a 108 MP phone photo at 128 px), but not where the box needs it whole;
// a progressive JPEG holds the whole picture's coefficients, so the stored size counts.
TEST(Decode, PixelLimitIsOnWhatASequentialJpegHolds) {
  const cv::Mat picture = test::make_picture(1600, 1200, CV_8UC3, 3);
  const std::vector<std::uint8_t> sequential = test::encode(picture, ".jpg");
  ThumbnailOptions small;
  small.box_width = small.box_height = 128;
  small.max_pixels = 1'000'000;  // under the stored 1.92 MP; 1/4 holds 400x300
  EXPECT_EQ(decode_for_thumbnail(sequential, small).pixels.size(), cv::Size(400, 300));
  ThumbnailOptions large = small;
  large.box_width = large.box_height = 1000;  // needs the full size
  EXPECT_EQ(decode_error_of(sequential, large),
            "declares 1600x1200 pixels (1.9 MP), over the limit of 1 MP (--max-pixels)");
  ThumbnailOptions middle = small;
  middle.box_width = middle.box_height = 400;  // 1/2 holds 800x600 = 0.48 MP; limit 0.4 MP
  middle.max_pixels = 400'000;
  EXPECT_EQ(decode_error_of(sequential, middle),
            "declares 1600x1200 pixels, and needs 800x600 (0.5 MP) even at the smallest decoding scale for "
            "this box, "
            "over the limit of 0.4 MP (--max-pixels)");
  const std::vector<std::uint8_t> progressive =
      test::encode(picture, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
  EXPECT_NE(decode_error_of(progressive, small).find("declares 1600x1200 pixels (1.9 MP)"),
            std::string::npos);
}

// A sequential Huffman JPEG spends at least 2 bits per block: a few hundred bytes that declare
// 65500x65500 are refused before any decoder allocates its rows (it cost 214 MB, then "truncated").
// A file with its data whole but no end-of-image marker is still read.
TEST(Decode, SequentialJpegWithFarTooLittleDataIsRefusedAtTheHeader) {
  const std::vector<std::uint8_t> bomb = test::jpeg_declaring(65500, 65500);
  const std::string e = decode_error_of(bomb);
  EXPECT_EQ(e.rfind("truncated JPEG (", 0), 0u) << e;
  EXPECT_NE(e.find("65500x65500 pixels need at least"), std::string::npos) << e;
  ThumbnailOptions no_limit;
  no_limit.max_pixels = 0;
  EXPECT_EQ(decode_error_of(bomb, no_limit).rfind("truncated JPEG (", 0), 0u);
  std::vector<std::uint8_t> no_end = test::encode(test::make_picture(640, 480, CV_8UC3, 3), ".jpg");
  no_end.resize(no_end.size() - 2);  // without FF D9
  ThumbnailOptions full;
  full.decode = DecodeMode::Full;
  EXPECT_EQ(decode_for_thumbnail(no_end, full).pixels.size(), cv::Size(640, 480));
}

TEST(Decode, RefusesOversizedHeadersBeforeDecoding) {
  // A PNG signature and IHDR declaring 100000x100000; nothing else is needed to be refused.
  std::vector<std::uint8_t> png = {0x89, 'P',  'N',  'G',  '\r', '\n', 0x1A, '\n', 0,    0,
                                   0,    13,   'I',  'H',  'D',  'R',  0x00, 0x01, 0x86, 0xA0,
                                   0x00, 0x01, 0x86, 0xA0, 8,    2,    0,    0,    0};
  const std::string e = decode_error_of(png);
  EXPECT_NE(e.find("100000x100000"), std::string::npos) << e;
  EXPECT_NE(e.find("--max-pixels"), std::string::npos) << e;

  ThumbnailOptions tight;
  tight.max_pixels = 1000;
  EXPECT_NE(decode_error_of(test::encode(test::make_picture(100, 100, CV_8UC3), ".bmp"), tight).find("limit"),
            std::string::npos);
}

TEST(Decode, NegativeBmpWidthIsACleanError) {
  // INT32_MIN made std::abs undefined; any negative width is refused from the header alone.
  for (const std::int32_t width : {INT32_MIN, -1, -100}) {
    const std::string e = decode_error_of(test::bmp_declaring(width, 10, 300));
    EXPECT_EQ(e, "invalid BMP header (negative width)") << width;
  }
}

TEST(Decode, EveryReadableFormatDecodes) {
  const cv::Mat picture = test::make_picture(240, 160, CV_8UC3);
  ThumbnailOptions options;
  for (const char* ext : {".jpg", ".png", ".webp", ".bmp", ".tiff", ".ppm"}) {
    const DecodedImage d = decode_for_thumbnail(test::encode(picture, ext), options);
    EXPECT_EQ(d.stored, (Dimensions{240, 160})) << ext;
    EXPECT_EQ(d.target, (Dimensions{128, 85})) << ext;
    EXPECT_FALSE(d.pixels.empty()) << ext;
  }
}

// An uncompressed little-endian TIFF of `samples` (1, 3 or 4 channels, any depth; RGB(A) order)
// stored as they are, with `sample_format` (1 unsigned, 2 signed, 3 float, 6 complex float) and
// `bits` per sample; 4 channels carry ExtraSamples = `extra` (1 associated, 2 unassociated alpha).
std::vector<std::uint8_t> raw_tiff(const cv::Mat& samples, std::uint32_t sample_format, std::uint32_t bits,
                                   std::uint32_t extra = 2) {
  std::vector<std::uint8_t> out = {'I', 'I', 42, 0, 8, 0, 0, 0};
  const auto put = [&](std::uint32_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(std::uint8_t(v >> (8 * i)));
  };
  const auto cn = std::uint32_t(samples.channels()), w = std::uint32_t(samples.cols),
             h = std::uint32_t(samples.rows);
  const std::uint32_t entries = cn == 4 ? 12 : 11, arrays_at = 8 + 2 + 12 * entries + 4,
                      pixels_at = arrays_at + 16;
  const std::uint32_t row_bytes = w * cn * bits / 8;
  // SHORT values, or per-sample SHORT arrays at `at` when there are more than two.
  const auto entry = [&](std::uint32_t tag, std::uint32_t count, std::uint32_t value, std::uint32_t at = 0) {
    put(tag, 2);
    put(tag == 273 || tag == 279 || tag == 256 || tag == 257 || tag == 278 ? 4 : 3, 2);
    put(count, 4);
    put(count > 2 && at != 0 ? at : count == 2 ? value | value << 16 : value, 4);  // two SHORTs inline
  };
  put(entries, 2);
  entry(256, 1, w);
  entry(257, 1, h);
  entry(258, cn, bits, arrays_at);
  entry(259, 1, 1);
  entry(262, 1, cn >= 3 ? 2 : 1);
  entry(273, 1, pixels_at);
  entry(277, 1, cn);
  entry(278, 1, h);
  entry(279, 1, row_bytes * h);
  entry(284, 1, 1);
  if (cn == 4) entry(338, 1, extra);
  entry(339, cn, sample_format, arrays_at + 8);
  put(0, 4);
  for (std::uint32_t i = 0; i < 4; ++i) put(bits, 2);
  for (std::uint32_t i = 0; i < 4; ++i) put(sample_format, 2);
  for (int y = 0; y < samples.rows; ++y) {
    const std::uint8_t* row = samples.ptr(y);
    out.insert(out.end(), row, row + std::min<std::size_t>(row_bytes, samples.step[0]));
    out.resize(out.size() + (row_bytes > samples.step[0] ? row_bytes - samples.step[0] : 0));
  }
  return out;
}

// A grey ramp from `lo` to `hi` across 64x16 pixels, of `type`.
cv::Mat ramp(int type, double lo, double hi) {
  cv::Mat f(16, 64, CV_64F);
  for (int x = 0; x < 64; ++x) f.col(x).setTo(lo + (hi - lo) * x / 63.0);
  cv::Mat out;
  f.convertTo(out, type);
  return out;
}

TEST(Decode, SignedAndDoubleTiffsAreReadOverTheirWholeRange) {
  ThumbnailOptions options;
  struct Case {
    const char* what;
    cv::Mat samples;
    std::uint32_t format, bits;
  };
  const Case cases[] = {
      {"int8", ramp(CV_8S, -128, 127), 2, 8},
      {"int16", ramp(CV_16S, -32768, 32767), 2, 16},
      {"int32", ramp(CV_32S, -2147483648.0, 2147483647.0), 2, 32},
      {"float64", ramp(CV_64F, 0, 1), 3, 64},
      {"int16 RGB",
       [] {
         cv::Mat c;
         cv::merge(std::vector<cv::Mat>(3, ramp(CV_16S, -32768, 32767)), c);
         return c;
       }(),
       2, 16},
  };
  for (const Case& c : cases) {
    const std::vector<std::uint8_t> file = raw_tiff(c.samples, c.format, c.bits);
    ASSERT_EQ(decode_error_of(file), "") << c.what;
    const DecodedImage d = decode_for_thumbnail(file, options);
    const cv::Mat thumb = resize_for_thumbnail(d.pixels, d.target, false, {255, 255, 255}, {});
    ASSERT_EQ(thumb.depth(), CV_8U) << c.what;
    cv::Mat grey = thumb;
    if (thumb.channels() == 3) cv::cvtColor(thumb, grey, cv::COLOR_BGR2GRAY);
    // The most negative value black, the largest white, 0 mid-grey: nothing clipped.
    EXPECT_LE(grey.at<std::uint8_t>(grey.rows / 2, 0), 8) << c.what;
    EXPECT_GE(grey.at<std::uint8_t>(grey.rows / 2, grey.cols - 1), 247) << c.what;
    EXPECT_NEAR(grey.at<std::uint8_t>(grey.rows / 2, grey.cols / 2), 128, 8) << c.what;
    EXPECT_TRUE(d.warnings.empty()) << c.what << ": " << (d.warnings.empty() ? "" : d.warnings[0]);
  }
}

TEST(Decode, UnreadableTiffSampleFormatsAreNamed) {
  EXPECT_EQ(
      decode_error_of(raw_tiff(cv::Mat(16, 16, CV_32FC2, cv::Scalar(1)), 6, 64)),
      "unsupported TIFF: complex-number samples (thumbflow reads 1-16 and 32-bit integer and 16, 32 and "
      "64-bit floating-point TIFFs)");
  EXPECT_EQ(decode_error_of(raw_tiff(cv::Mat(16, 16, CV_8U, cv::Scalar(1)), 4, 8))
                .rfind("unsupported TIFF: untyped (SampleFormat 4) samples", 0),
            0u);
  EXPECT_EQ(decode_error_of(raw_tiff(cv::Mat(16, 16, CV_32F, cv::Scalar(1)), 3, 24))
                .rfind("unsupported TIFF: 24-bit floating-point samples", 0),
            0u);
}

// What OpenCV could not read, and was refused by name before libtiff read TIFFs: half floats,
// 32-bit unsigned integers, 64-bit floating-point colour.
TEST(Decode, HalfFloatUnsigned32AndDoubleColourTiffsAreRead) {
  cv::Mat half;
  ramp(CV_32F, 0, 1).convertTo(half, CV_16F);
  cv::Mat u32(16, 64, CV_32S);
  for (int x = 0; x < 64; ++x) u32.col(x).setTo(int(std::uint32_t(std::llround(x / 63.0 * 4294967295.0))));
  cv::Mat doubles;
  cv::merge(std::vector<cv::Mat>(3, ramp(CV_64F, 0, 1)), doubles);
  for (const auto& [what, file] :
       {std::pair{"half", raw_tiff(half, 3, 16)}, std::pair{"uint32", raw_tiff(u32, 1, 32)},
        std::pair{"double RGB", raw_tiff(doubles, 3, 64)}}) {
    ASSERT_EQ(decode_error_of(file), "") << what;
    const DecodedImage d = decode_for_thumbnail(file, ThumbnailOptions{});
    ASSERT_EQ(d.pixels.depth(), CV_32F) << what;
    ASSERT_EQ(d.pixels.size(), cv::Size(64, 16)) << what;
    for (const int x : {0, 21, 63})
      EXPECT_NEAR(d.pixels.ptr<float>(8)[x * d.pixels.channels()], x / 63.0, 1e-3) << what << " at " << x;
    EXPECT_TRUE(d.warnings.empty()) << what;
  }
}

TEST(Decode, FloatTiffOutsideZeroToOneIsClippedWithAWarning) {
  const cv::Mat hdr = ramp(CV_32F, -0.5, 4.0);
  const DecodedImage d = decode_for_thumbnail(raw_tiff(hdr, 3, 32), ThumbnailOptions{});
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0],
            "floating-point samples from -0.5 to 4 are outside 0..1 (high dynamic range?): clipped");
  const DecodedImage in_range = decode_for_thumbnail(raw_tiff(ramp(CV_32F, 0, 1), 3, 32), ThumbnailOptions{});
  EXPECT_TRUE(in_range.warnings.empty());
}

// Orange (255, 64, 0) under an alpha ramp, stored straight (extra 2 or 0) or premultiplied (extra
// 1), at 8 and 16 bits: the thumbnail's colour is orange wherever it is not transparent. OpenCV
// returns the 8-bit unassociated and every associated one premultiplied (their half-transparent
// parts were dark), the others as stored.
TEST(Decode, TiffAlphaComesOutStraight) {
  cv::Mat alpha(16, 64, CV_8U);
  for (int x = 0; x < 64; ++x) alpha.col(x).setTo(x * 4 + 3);
  for (const int depth : {CV_8U, CV_16U}) {
    for (const std::uint32_t extra : {0u, 1u, 2u}) {  // unspecified (taken as straight), associated, not
      std::vector<cv::Mat> rgba = {cv::Mat(alpha.size(), CV_8U, cv::Scalar(255)),
                                   cv::Mat(alpha.size(), CV_8U, cv::Scalar(64)),
                                   cv::Mat(alpha.size(), CV_8U, cv::Scalar(0)), alpha};
      if (extra == 1)
        for (int i = 0; i < 3; ++i)
          cv::multiply(rgba[std::size_t(i)], alpha, rgba[std::size_t(i)], 1.0 / 255);
      cv::Mat stored;
      cv::merge(rgba, stored);
      if (depth == CV_16U) stored.convertTo(stored, CV_16U, 257);
      const std::string what =
          std::string(depth == CV_8U ? "8" : "16") + "-bit, extra samples " + std::to_string(extra);
      ThumbnailOptions options;
      const DecodedImage d =
          decode_for_thumbnail(raw_tiff(stored, 1, depth == CV_8U ? 8 : 16, extra), options);
      ASSERT_EQ(d.pixels.channels(), 4) << what;
      const cv::Mat thumb = resize_for_thumbnail(d.pixels, d.target, true, {255, 255, 255}, {});
      ASSERT_EQ(thumb.type(), CV_8UC4) << what;
      for (const int x : {4, thumb.cols / 2, thumb.cols - 1}) {
        const cv::Vec4b px = thumb.at<cv::Vec4b>(thumb.rows / 2, x);
        EXPECT_NEAR(px[2], 255, 3) << what << " at x " << x;
        EXPECT_NEAR(px[1], 64, 5) << what << " at x " << x;
        EXPECT_NEAR(px[0], 0, 3) << what << " at x " << x;
      }
    }
  }
}

TEST(Decode, KeepsDepthAndChannelsForTheResizer) {
  ThumbnailOptions options;
  EXPECT_EQ(decode_for_thumbnail(test::encode(test::make_picture(64, 64, CV_16UC3), ".tiff"), options)
                .pixels.depth(),
            CV_16U);
  // PNG (libspng) rounds 16-bit samples to 8 bits on decode: what the colour and resize stages take.
  const cv::Mat sixteen = test::make_picture(64, 64, CV_16UC3);
  const cv::Mat png16 = decode_for_thumbnail(test::encode(sixteen, ".png"), options).pixels;
  ASSERT_EQ(png16.type(), CV_8UC3);
  cv::Mat expected;
  sixteen.convertTo(expected, CV_8U, 1.0 / 257);
  EXPECT_EQ(cv::norm(png16, expected, cv::NORM_INF), 0);
  EXPECT_EQ(decode_for_thumbnail(test::encode(test::make_picture(64, 64, CV_8UC4), ".png"), options)
                .pixels.channels(),
            4);
  EXPECT_EQ(decode_for_thumbnail(test::encode(test::make_picture(64, 64, CV_8UC1), ".png"), options)
                .pixels.channels(),
            1);
}

}  // namespace
}  // namespace thumbflow::detail

namespace thumbflow::detail {
namespace {

// The fast path (DCT-scaled JPEG, scaled WebP) against the reference: full decode + area resize to
// the same size. Luma PSNR >= 38 dB for every sample image and several boxes.
TEST(Decode, FastPathMatchesFullDecodeOnEverySample) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(THUMBFLOW_DATA_DIR)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".jpg" && ext != ".webp") continue;
    const auto bytes = test::read_bytes(entry.path());
    for (const int box : {32, 64, 128}) {
      ThumbnailOptions fast;
      fast.box_width = fast.box_height = box;
      ThumbnailOptions full = fast;
      full.decode = DecodeMode::Full;
      const DecodedImage f = decode_for_thumbnail(bytes, fast);
      const DecodedImage r = decode_for_thumbnail(bytes, full);
      ASSERT_EQ(f.target, r.target);
      // Composited onto white (keep_alpha = false): colours under fully transparent pixels are
      // invisible and carry no meaning, so images with alpha are compared as a viewer sees them.
      const cv::Mat a = resize_for_thumbnail(f.pixels, f.target, false, {}, f.extent);
      const cv::Mat b = resize_for_thumbnail(r.pixels, r.target, false, {});
      EXPECT_GE(test::psnr_luma(a, b), 38.0) << entry.path().filename() << " box " << box;
      ++checked;
    }
  }
  EXPECT_GE(checked, 3 * 10);
}

}  // namespace
}  // namespace thumbflow::detail

namespace thumbflow::detail {
namespace {

cv::Mat fast_thumbnail(const std::vector<std::uint8_t>& bytes, int box, DecodeMode mode) {
  ThumbnailOptions options;
  options.box_width = options.box_height = box;
  options.decode = mode;
  const DecodedImage d = decode_for_thumbnail(bytes, options);
  return resize_for_thumbnail(d.pixels, d.target, false, {}, d.extent);
}

// A web-size photo: a sample photo from data/ scaled to width x height, JPEG quality 85.
std::vector<std::uint8_t> web_photo(const char* name, int width, int height, bool progressive) {
  const cv::Mat original = cv::imread(std::string(THUMBFLOW_DATA_DIR) + "/" + name, cv::IMREAD_COLOR);
  cv::Mat scaled;
  cv::resize(original, scaled, {width, height}, 0, 0, cv::INTER_AREA);
  return test::encode(scaled, ".jpg",
                      {cv::IMWRITE_JPEG_QUALITY, 85, cv::IMWRITE_JPEG_PROGRESSIVE, progressive});
}

// Web-size photos (480-1200 px), baseline and progressive (1/2 and 1/4 partial decodes): fast
// thumbnails against a full decode + area resize, luma PSNR >= 38 dB.
TEST(Decode, WebSizePhotosKeepTheQualityBar) {
  int checked = 0;
  for (const char* name : {"fruits.jpg", "building.jpg", "leuvenA.jpg", "baboon.jpg"})
    for (const cv::Size size :
         {cv::Size(480, 360), cv::Size(640, 427), cv::Size(900, 600), cv::Size(1200, 800)})
      for (const bool progressive : {false, true}) {
        const auto bytes = web_photo(name, size.width, size.height, progressive);
        for (const int box : {128, 300}) {
          const cv::Mat fast = fast_thumbnail(bytes, box, DecodeMode::Fast);
          const cv::Mat full = fast_thumbnail(bytes, box, DecodeMode::Full);
          ASSERT_EQ(fast.size(), full.size());
          EXPECT_GE(test::psnr_luma(fast, full), 38.0)
              << name << " " << size << " box " << box << " " << progressive;
          ++checked;
        }
      }
  EXPECT_EQ(checked, 4 * 4 * 2 * 2);
}

// JPEG DCT scaling leaves a partial last column/row of blocks; under an orientation that mirrors or
// turns the picture it comes first. A fast thumbnail is where a full decode puts it (a white
// rectangle's centroid moved by ~0.44 px at 1/8 under orientations 2, 3, 6, 7 and 3, 4, 7, 8).
TEST(Decode, FastJpegThumbnailIsNotShiftedByOrientation) {
  const auto centroid = [](const cv::Mat& m) {
    cv::Mat grey;
    cv::cvtColor(m, grey, cv::COLOR_BGR2GRAY);
    const cv::Moments mm = cv::moments(grey);
    return cv::Point2d(mm.m10 / mm.m00, mm.m01 / mm.m00);
  };
  for (int o = 1; o <= 8; ++o) {
    const cv::Size size = o >= 5 ? cv::Size(1537, 2049) : cv::Size(2049, 1537);  // stored 2049x1537
    cv::Mat upright(size, CV_8UC3, cv::Scalar::all(0));
    cv::rectangle(upright, cv::Rect(size.width / 3, size.height / 4, size.width / 5, size.height / 3),
                  cv::Scalar::all(255), cv::FILLED);
    const auto bytes = test::jpeg_with_orientation(test::store_for_orientation(upright, o), o);
    const cv::Mat fast = fast_thumbnail(bytes, 128, DecodeMode::Fast);
    const cv::Mat full = fast_thumbnail(bytes, 128, DecodeMode::Full);
    ASSERT_EQ(fast.size(), full.size()) << o;
    const cv::Point2d a = centroid(fast), b = centroid(full);
    EXPECT_LT(std::abs(a.x - b.x), 0.15) << "orientation " << o << ": " << a << " vs " << b;
    EXPECT_LT(std::abs(a.y - b.y), 0.15) << "orientation " << o << ": " << a << " vs " << b;
  }
}

}  // namespace
}  // namespace thumbflow::detail
