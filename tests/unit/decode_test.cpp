#include "image/decode.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
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

TEST(Decode, ClearReasonsForBadInput) {
  EXPECT_EQ(decode_error_of({}), "empty file");
  EXPECT_EQ(decode_error_of(bytes_of("<html>not found</html>")), "not an image (the content is text)");
  EXPECT_EQ(decode_error_of({0x00, 0x01, 0x02, 0xFE}), "not an image (unrecognised content)");
  EXPECT_EQ(decode_error_of(bytes_of("8BPS\x00\x01")), "unsupported format: PSD");
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
      const cv::Mat a =
          resize_for_thumbnail(f.pixels, f.target, false, {}, {f.extent_width, f.extent_height});
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
  return resize_for_thumbnail(d.pixels, d.target, false, {}, {d.extent_width, d.extent_height});
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

}  // namespace
}  // namespace thumbflow::detail
