// Writes the generated seeds of the `thumbnail` fuzzer into a folder: one small image per
// readable format and variant the decoders treat differently (progressive and DC-only JPEG,
// CMYK, 4:4:4, EXIF orientation, gray, 16-bit, alpha, palette, lossless WebP, ...). Small on
// purpose (under 70 KB each): libFuzzer mutates faster on small inputs. Usage: thumbflow_fuzz_seeds DIR
#include <tiffio.h>

#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "colour_images.hpp"
#include "gif_maker.hpp"
#include "heif_maker.hpp"
#include "hostile_images.hpp"
#include "image/animated_webp_encoder.hpp"
#include "jpeg_maker.hpp"
#include "jxl_maker.hpp"
#include "png_maker.hpp"
#include "test_support.hpp"
#include "tiff_maker.hpp"

namespace {

using thumbflow::test::Bytes;
namespace t = thumbflow::test;

// GIFs: a still, an interlaced one with a transparent index and a local table, and an animation
// with every disposal method and a frame partly off the screen.
std::vector<std::pair<std::string, Bytes>> gif_seeds() {
  const std::vector<cv::Vec3b> colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
  cv::Mat indices(24, 32, CV_8UC1);
  for (int y = 0; y < indices.rows; ++y)
    for (int x = 0; x < indices.cols; ++x) indices.at<std::uint8_t>(y, x) = std::uint8_t((x / 4 + y / 3) % 4);
  t::GifSpec interlaced{32, 24, colours, {}};
  t::GifFrameSpec frame;
  frame.indices = indices;
  frame.interlaced = true;
  frame.transparent = 3;
  frame.local_colours = {{9, 9, 9}, {90, 90, 90}, {180, 180, 180}, {250, 250, 250}};
  interlaced.frames = {frame};
  t::GifSpec animation{32, 24, colours, {}};
  animation.loop = true;
  for (int disposal = 0; disposal < 4; ++disposal) {
    t::GifFrameSpec f;
    f.indices = indices(cv::Rect(0, 0, 16 + 4 * disposal, 12 + 3 * disposal)).clone();
    f.left = 6 * disposal;  // the last frame crosses the right edge
    f.top = 2 * disposal;
    f.disposal = disposal;
    f.delay_cs = 5;
    f.transparent = disposal == 1 ? 0 : -1;
    animation.frames.push_back(f);
  }
  return {{"still.gif", t::make_still_gif(indices, colours)},
          {"interlaced_transparent.gif", t::make_gif(interlaced)},
          {"animation.gif", t::make_gif(animation)}};
}

Bytes animated_webp() {
  std::vector<thumbflow::detail::AnimationFrame> frames;
  for (int i = 0; i < 3; ++i) {
    cv::Mat bgra;
    cv::cvtColor(t::make_picture(32, 24, CV_8UC3, i + 1), bgra, cv::COLOR_BGR2BGRA);
    frames.push_back({bgra, 40});
  }
  return thumbflow::detail::encode_animated_webp(frames, 70);
}

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
  cv::Mat large16;
  large.convertTo(large16, CV_16U, 257.0);
  restarts.restart_interval = 2, restarts.quality = 50;
  h2v1.luma_h = 2, h2v1.luma_v = 1, h2v1.quality = 50;
  ycck.four_channel_as = JCS_YCCK;
  cv::Mat rgba16;
  t::make_picture(64, 48, CV_8UC4).convertTo(rgba16, CV_16U, 257.0);
  custom.scans = {t::scan(0, 0, 0, 0, 1),  t::scan(1, 0, 0, 0, 0),  t::scan(2, 0, 0, 0, 0),
                  t::scan(0, 1, 5, 0, 0),  t::scan(0, 6, 63, 0, 0), t::scan(1, 1, 63, 0, 0),
                  t::scan(2, 1, 63, 0, 0), t::scan(0, 0, 0, 1, 0)};
  // HEIF/AVIF/JPEG XL (issue 14): each path of heif_decoder.cpp and jxl_decoder.cpp.
  t::HeifSpec av1, av1_10bit, heic_turned, heic_thumb, heic_icc;
  av1.av1 = av1_10bit.av1 = true;
  av1_10bit.bit_depth = 10;
  heic_turned.orientation = 5;
  heic_turned.exif = t::exif_with_orientation(6);
  heic_thumb.thumbnail = t::make_picture(128, 96, CV_8UC3, 2);
  heic_thumb.thumbnail_box = 32;
  heic_icc.icc = t::adobe_rgb_icc();
  t::JxlSpec jxl_lossless, jxl_turned, jxl_icc;
  jxl_lossless.lossless = jxl_icc.lossless = true;
  jxl_turned.orientation = 6;
  jxl_icc.icc = heic_icc.icc;
  const cv::Mat bgra = t::make_picture(64, 48, CV_8UC4);
  std::vector<std::pair<std::string, Bytes>> issue14 = {
      {"rgb.heic", t::encode_heif(bgr)},
      {"alpha.heic", t::encode_heif(bgra)},
      {"turned.heic", t::encode_heif(bgr, heic_turned)},
      {"thumbnail.heic", t::encode_heif(t::make_picture(128, 96, CV_8UC3), heic_thumb)},
      {"icc.heic", t::encode_heif(bgr, heic_icc)},
      {"rgb.avif", t::encode_heif(bgr, av1)},
      {"10bit.avif", t::encode_heif(bgr, av1_10bit)},
      {"lossy.jxl", t::encode_jxl(bgr)},
      {"lossless_alpha.jxl", t::encode_jxl(bgra, jxl_lossless)},
      {"gray.jxl", t::encode_jxl(gray, jxl_lossless)},
      {"turned.jxl", t::encode_jxl(bgr, jxl_turned)},
      {"icc.jxl", t::encode_jxl(bgr, jxl_icc)},
  };
  std::vector<std::pair<std::string, Bytes>> all = {
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
      // libspng's paths: Adam7 read by passes at small boxes, 16-bit, palette with tRNS, 1-bit gray.
      {"interlaced.png", t::make_png(large, {8, 2, true, {}, {}})},
      // Block means at small boxes (non-interlaced, no alpha), 8 and 16 bits.
      {"blocks.png", t::make_png(large, {8, 2, false, {}, {}})},
      {"blocks16.png", t::make_png(large16, {16, 2, false, {}, {}})},
      {"interlaced_rgba16.png", t::make_png(rgba16, {16, 6, true, {}, {}})},
      {"palette4_trns.png", t::make_png(gray, {4, 3, false, {0, 128}, {}})},
      {"gray1_interlaced.png", t::make_png(large_gray, {1, 0, true, {}, {}})},
      {"lossy.webp", t::encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80})},
      {"lossless_alpha.webp",
       t::encode(t::make_picture(64, 48, CV_8UC4), ".webp", {cv::IMWRITE_WEBP_QUALITY, 101})},
      {"rgb.bmp", t::encode(t::make_picture(32, 24, CV_8UC3), ".bmp")},
      {"rgb.tiff", t::encode(t::make_picture(32, 24, CV_8UC3), ".tiff")},
      {"gray16.tiff", t::encode(t::make_picture(32, 24, CV_16UC1), ".tiff")},
      {"rgb.ppm", t::encode(t::make_picture(32, 24, CV_8UC3), ".ppm")},
      {"gray.pgm", t::encode(t::make_picture(32, 24, CV_8UC1), ".pgm")},
  };
  all.insert(all.end(), issue14.begin(), issue14.end());
  return all;
}

// Files that carry a colour profile (issue 14): each container the extractor reads, the CMYK
// path, a gray profile, 16-bit, and PNG gAMA/cHRM without iCCP.
std::vector<std::pair<std::string, Bytes>> colour_seeds() {
  const cv::Mat bgr = t::make_picture(64, 48, CV_8UC3), gray = t::make_picture(64, 48, CV_8UC1);
  const t::Icc adobe = t::adobe_rgb_profile();
  t::JpegSpec with_adobe, cmyk;
  with_adobe.icc = adobe;
  cmyk.icc = t::cmyk_swapping_profile(5);
  const Bytes gama = {0, 0, 0, 4, 'g', 'A', 'M', 'A', 0, 0, 0xD9, 0x04, 0, 0, 0, 0};  // 1/1.8, CRC unchecked
  Bytes gamma_png = t::png_with_icc(bgr, {});
  gamma_png.insert(gamma_png.begin() + 33, gama.begin(), gama.end());  // after the signature and IHDR
  return {
      {"icc_adobe.jpg", t::encode_jpeg(bgr, with_adobe)},
      {"icc_cmyk.jpg", t::encode_jpeg(t::naive_cmyk(bgr), cmyk)},
      {"icc_adobe.png", t::png_with_icc(bgr, adobe)},
      {"icc_adobe16.png", t::png_with_icc(t::make_picture(32, 24, CV_16UC3), adobe)},
      {"icc_gray.png", t::png_with_icc(gray, t::gray_profile(1.8))},
      {"icc_gama.png", gamma_png},
      {"icc_p3.webp", t::webp_with_icc(bgr, t::display_p3_profile())},
      {"icc_adobe.tiff", t::tiff_with_icc(bgr, adobe)},
  };
}

// The libtiff reader's paths (tiff_decoder.cpp): CMYK (+alpha, 16-bit), tiles (partial at the
// edges, separate planes), 16-bit, palettes, separate strips, JPEG-in-TIFF YCbCr, packed 1-12 bit
// samples, signed and floating-point samples, CCITT G4, PackBits, L*a*b* through libtiff's RGBA
// reader, two pages. Odd sizes, so tiles and strips overhang the picture.
std::vector<std::pair<std::string, Bytes>> tiff_seeds() {
  cv::Mat rgb, rgba;
  cv::cvtColor(t::make_picture(37, 21, CV_8UC3), rgb, cv::COLOR_BGR2RGB);
  cv::cvtColor(t::make_picture(37, 21, CV_8UC4), rgba, cv::COLOR_BGRA2RGBA);
  cv::Mat rgb16, cmyk16;
  rgb.convertTo(rgb16, CV_16U, 257.0);
  const cv::Mat cmyk = t::naive_cmyk(t::make_picture(37, 21, CV_8UC3));
  cv::Mat cmyka;
  cv::mixChannels(std::vector<cv::Mat>{cmyk, t::make_picture(37, 21, CV_8UC1)},
                  std::vector<cv::Mat>{cmyka = cv::Mat(21, 37, CV_8UC(5))}, {0, 0, 1, 1, 2, 2, 3, 3, 4, 4});
  cmyka.convertTo(cmyk16, CV_16U, 257.0);
  const cv::Mat grey = t::make_picture(37, 21, CV_8UC1);
  cv::Mat grey12, grey16s, grey_float, rgb_float, grey2, bilevel, indexes4;
  grey.convertTo(grey12, CV_16U, 16.0);
  grey.convertTo(grey16s, CV_16U, 257.0);
  grey.convertTo(grey_float, CV_32F, 1.0 / 255);
  rgb.convertTo(rgb_float, CV_32F, 1.0 / 255);
  grey.convertTo(grey2, CV_8U, 1.0 / 64);
  cv::threshold(grey, bilevel, 127, 1, cv::THRESH_BINARY);
  grey.convertTo(indexes4, CV_8U, 1.0 / 16);
  std::vector<std::uint16_t> map8(3 * 256), map4(3 * 16);
  for (std::size_t i = 0; i < map8.size(); ++i) map8[i] = std::uint16_t(i * 997 % 65536);
  for (std::size_t i = 0; i < map4.size(); ++i) map4[i] = std::uint16_t(i * 4099 % 65536);
  const auto spec = [](auto&& set) {
    t::TiffSpec s;
    set(s);
    return s;
  };
  std::vector<std::pair<std::string, t::TiffSpec>> kinds = {
      {"cmyk_lzw.tiff",
       spec([](auto& s) { s.photometric = PHOTOMETRIC_SEPARATED, s.compression = COMPRESSION_LZW; })},
      {"cmyk16_alpha_o6.tiff", spec([](auto& s) {
         s.photometric = PHOTOMETRIC_SEPARATED, s.bits = 16, s.extra = {EXTRASAMPLE_UNASSALPHA},
         s.orientation = 6;
       })},
      {"rgb16_deflate.tiff", spec([](auto& s) { s.bits = 16, s.compression = COMPRESSION_ADOBE_DEFLATE; })},
      {"tiled.tiff", spec([](auto& s) { s.tile = 16, s.compression = COMPRESSION_ADOBE_DEFLATE; })},
      {"tiled_separate_alpha.tiff",
       spec([](auto& s) { s.tile = 16, s.separate = true, s.extra = {EXTRASAMPLE_ASSOCALPHA}; })},
      {"separate_strips.tiff", spec([](auto& s) { s.separate = true, s.rows_per_strip = 5; })},
      {"jpeg_ycbcr.tiff", spec([](auto& s) {
         s.photometric = PHOTOMETRIC_YCBCR, s.compression = COMPRESSION_JPEG, s.rows_per_strip = 16;
       })},
      {"packbits.tiff", spec([](auto& s) { s.compression = COMPRESSION_PACKBITS; })},
      {"float32.tiff", spec([](auto& s) { s.bits = 32, s.format = SAMPLEFORMAT_IEEEFP; })},
      {"lab.tiff", spec([](auto& s) { s.photometric = PHOTOMETRIC_CIELAB; })},
      {"two_pages.tiff", spec([](auto& s) { s.pages = 2; })},
  };
  const std::vector<cv::Mat> samples = {cmyk, cmyk16, rgb16, rgb, rgba, rgb, rgb, rgb, rgb_float, rgb, rgb};
  std::vector<std::pair<std::string, Bytes>> out;
  for (std::size_t i = 0; i < kinds.size(); ++i)
    out.emplace_back(kinds[i].first, t::make_tiff(samples[i], kinds[i].second));
  const std::vector<std::tuple<std::string, cv::Mat, t::TiffSpec>> grey_kinds = {
      {"grey12_miniswhite.tiff", grey12,
       spec([](auto& s) { s.bits = 12, s.photometric = PHOTOMETRIC_MINISWHITE; })},
      {"grey16_signed.tiff", grey16s, spec([](auto& s) {
         s.bits = 16, s.format = SAMPLEFORMAT_INT, s.photometric = PHOTOMETRIC_MINISBLACK;
       })},
      {"grey_float32_tiled.tiff", grey_float, spec([](auto& s) {
         s.bits = 32, s.format = SAMPLEFORMAT_IEEEFP, s.photometric = PHOTOMETRIC_MINISBLACK, s.tile = 16;
       })},
      {"grey2.tiff", grey2, spec([](auto& s) { s.bits = 2, s.photometric = PHOTOMETRIC_MINISBLACK; })},
      {"bilevel_g4.tiff", bilevel, spec([](auto& s) {
         s.bits = 1, s.photometric = PHOTOMETRIC_MINISWHITE, s.compression = COMPRESSION_CCITTFAX4;
       })},
      {"palette8.tiff", grey, spec([&](auto& s) { s.photometric = PHOTOMETRIC_PALETTE, s.colormap = map8; })},
      {"palette4_tiled.tiff", indexes4, spec([&](auto& s) {
         s.bits = 4, s.photometric = PHOTOMETRIC_PALETTE, s.colormap = map4, s.tile = 16;
       })},
  };
  for (const auto& [name, pixels, s] : grey_kinds) out.emplace_back(name, t::make_tiff(pixels, s));
  return out;
}

// The hand-written BMP readers (bmp_decoder.cpp: 16-bit, OS/2 1.x), PAM, and a camera JPEG that
// states Adobe RGB in its EXIF only (image/exif.cpp, colour/icc_extract.cpp).
std::vector<std::pair<std::string, Bytes>> more_seeds() {
  const std::vector<std::vector<std::uint16_t>> pixels = {
      {0xF800, 0x07E0, 0x001F, 0xFFFF}, {0x0000, 0x8421, 0x7C00, 0x03E0}, {0x1234, 0xABCD, 0x5555, 0xAAAA}};
  const std::vector<cv::Vec3b> colours = {{255, 0, 0},  {0, 255, 0},   {0, 0, 255},
                                          {9, 99, 199}, {200, 100, 0}, {7, 7, 7}};
  std::string pam = "P7\nWIDTH 4\nHEIGHT 3\nDEPTH 2\nMAXVAL 1000\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n";
  for (int i = 0; i < 4 * 3 * 2; ++i) pam += {char((i * 40) >> 8 & 3), char(i * 40)};
  return {
      {"rgb565.bmp", t::bmp16(pixels, {0xF800, 0x07E0, 0x001F})},
      {"argb1555_v4_top_down.bmp", t::bmp16(pixels, {0x7C00, 0x03E0, 0x001F, 0x8000}, true)},
      {"rgb555.bmp", t::bmp16(pixels, {})},
      {"os2_1bit.bmp", t::os2_bmp(1, colours)},
      {"os2_4bit.bmp", t::os2_bmp(4, colours)},
      {"os2_8bit.bmp", t::os2_bmp(8, colours)},
      {"os2_24bit.bmp", t::os2_bmp(24, colours)},
      {"gray_alpha16.pam", Bytes(pam.begin(), pam.end())},
      {"camera_adobe_rgb.jpg", t::with_exif(t::encode(t::make_picture(64, 48, CV_8UC3), ".jpg"),
                                            t::exif_colour_space(0xFFFF, "R03"))},
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
  for (const auto& [name, bytes] : gif_seeds()) t::write_bytes(dir / name, bytes);
  t::write_bytes(dir / "animated.webp", animated_webp());
  for (const auto& [name, bytes] : colour_seeds()) t::write_bytes(dir / name, bytes);
  for (const auto& [name, bytes] : tiff_seeds()) t::write_bytes(dir / name, bytes);
  for (const auto& [name, bytes] : more_seeds()) t::write_bytes(dir / name, bytes);
  return 0;
}
