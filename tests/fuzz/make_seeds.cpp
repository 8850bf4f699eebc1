// Writes the generated seeds of the `thumbnail` fuzzer into a folder: one small image per
// readable format and variant the decoders treat differently (progressive and DC-only JPEG,
// CMYK, 4:4:4, EXIF orientation, gray, 16-bit, alpha, palette, lossless WebP, ...). Small on
// purpose (under 70 KB each): libFuzzer mutates faster on small inputs. Usage: thumbflow_fuzz_seeds DIR
#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <utility>
#include <vector>

#include "hostile_images.hpp"
#include "jpeg_maker.hpp"
#include "test_support.hpp"

namespace {

using thumbflow::test::Bytes;
namespace t = thumbflow::test;

std::vector<std::pair<std::string, Bytes>> seeds() {
  const cv::Mat bgr = t::make_picture(64, 48, CV_8UC3);
  const cv::Mat gray = t::make_picture(64, 48, CV_8UC1);
  cv::Mat cmyk(48, 64, CV_8UC4);
  cv::mixChannels(std::vector<cv::Mat>{bgr, gray}, std::vector<cv::Mat>{cmyk}, {0, 0, 1, 1, 2, 2, 3, 3});
  t::JpegSpec progressive, full_chroma, adobe_cmyk, ycck, custom, restarts, h2v1;
  progressive.progressive = true;
  full_chroma.subsample = false;
  // Big enough for the 1/8 scale at the fuzzer's smaller boxes (the DC-only baseline decoder).
  const cv::Mat large = t::make_picture(256, 192, CV_8UC3), large_gray = t::make_picture(256, 192, CV_8UC1);
  restarts.restart_interval = 2, restarts.quality = 50;
  h2v1.luma_h = 2, h2v1.luma_v = 1, h2v1.quality = 50;
  ycck.four_channel_as = JCS_YCCK;
  custom.scans = {t::scan(0, 0, 0, 0, 1),  t::scan(1, 0, 0, 0, 0),  t::scan(2, 0, 0, 0, 0),
                  t::scan(0, 1, 5, 0, 0),  t::scan(0, 6, 63, 0, 0), t::scan(1, 1, 63, 0, 0),
                  t::scan(2, 1, 63, 0, 0), t::scan(0, 0, 0, 1, 0)};
  return {
      {"baseline.jpg", t::encode(bgr, ".jpg")},
      {"progressive.jpg", t::encode_jpeg(t::make_picture(160, 120, CV_8UC3), progressive)},
      {"custom_progression.jpg", t::encode_jpeg(t::make_picture(96, 80, CV_8UC3), custom)},
      {"gray.jpg", t::encode(gray, ".jpg")},
      {"eighth_420_restarts.jpg", t::encode_jpeg(large, restarts)},
      {"eighth_422.jpg", t::encode_jpeg(large, h2v1)},
      {"eighth_gray_restarts.jpg", t::encode_jpeg(large_gray, restarts)},
      {"444.jpg", t::encode_jpeg(bgr, full_chroma)},
      {"cmyk.jpg", t::encode_jpeg(cmyk, adobe_cmyk)},
      {"ycck.jpg", t::encode_jpeg(cmyk, ycck)},
      {"orientation6.jpg", t::jpeg_with_orientation(bgr, 6)},
      {"orientation8_be.jpg", t::jpeg_with_orientation(bgr, 8, true)},
      {"rgb.png", t::encode(bgr, ".png")},
      {"rgba.png", t::encode(t::make_picture(64, 48, CV_8UC4), ".png")},
      {"gray16.png", t::encode(t::make_picture(32, 24, CV_16UC1), ".png")},
      {"rgb16.png", t::encode(t::make_picture(32, 24, CV_16UC3), ".png")},
      {"rle.png", t::encode(bgr, ".png", {cv::IMWRITE_PNG_STRATEGY, cv::IMWRITE_PNG_STRATEGY_RLE})},
      {"palette.png", t::png_palette_out_of_range(16, 16)},
      {"exif.png", t::png_with_huge_exif(300)},
      {"lossy.webp", t::encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80})},
      {"lossless_alpha.webp",
       t::encode(t::make_picture(64, 48, CV_8UC4), ".webp", {cv::IMWRITE_WEBP_QUALITY, 101})},
      {"rgb.bmp", t::encode(t::make_picture(32, 24, CV_8UC3), ".bmp")},
      {"rgb.tiff", t::encode(t::make_picture(32, 24, CV_8UC3), ".tiff")},
      {"gray16.tiff", t::encode(t::make_picture(32, 24, CV_16UC1), ".tiff")},
      {"rgb.ppm", t::encode(t::make_picture(32, 24, CV_8UC3), ".ppm")},
      {"gray.pgm", t::encode(t::make_picture(32, 24, CV_8UC1), ".pgm")},
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 1;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  for (const auto& [name, bytes] : seeds()) t::write_bytes(dir / name, bytes);
  return 0;
}
