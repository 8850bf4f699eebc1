// thumbflow_format_folder make DIR      writes DIR/in: the nine kinds of file a phone/camera/gallery
//                                       folder holds today (HEIC, AVIF, JPEG XL, still, animated and
//                                       transparent GIF, Adobe RGB JPEG, Adobe RGB 16-bit PNG, WebP
//                                       with an Adobe RGB profile), and DIR/ref: what each shows, in
//                                       sRGB, as lossless PNG (same stem).
// thumbflow_format_folder compare OUT REF   for every thumbnail in OUT, the mean absolute difference
//                                       per channel (B, G, R, and alpha when both have it) against
//                                       the thumbnail of the same stem in REF, in the same format
//                                       when REF has it (else PNG); exit 1 if one is missing.
// The evidence for "nine thumbnails with the right colours": run `thumbflow run DIR/in -o OUT` and
// `thumbflow run DIR/ref -o REF --format F` for F in png, jpg and webp, then compare. Not a test: a demo and
// a check by hand.
#include <filesystem>
#include <iostream>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "colour_images.hpp"
#include "gif_maker.hpp"
#include "heif_maker.hpp"
#include "jpeg_maker.hpp"
#include "jxl_maker.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
namespace t = thumbflow::test;

namespace {

// A photo from data/ with saturated blocks over it, so that a wrong gamut shows.
cv::Mat source_picture() {
  cv::Mat photo = cv::imread((fs::path(THUMBFLOW_DATA_DIR) / "fruits.jpg").string(), cv::IMREAD_COLOR);
  cv::resize(photo, photo, {960, 640}, 0, 0, cv::INTER_AREA);
  cv::Mat blocks = t::saturated_picture(960, 640);
  cv::Mat mixed;
  cv::addWeighted(photo, 0.5, blocks, 0.5, 0, mixed);
  return mixed;
}

// Palette of 216 web colours + gray ramp; indices chosen by nearest web colour (a GIF's 256 colours).
std::vector<cv::Vec3b> web_palette() {
  std::vector<cv::Vec3b> p;
  for (int r = 0; r < 6; ++r)
    for (int g = 0; g < 6; ++g)
      for (int b = 0; b < 6; ++b)
        p.push_back({std::uint8_t(r * 51), std::uint8_t(g * 51), std::uint8_t(b * 51)});
  while (p.size() < 256) p.push_back(cv::Vec3b::all(std::uint8_t((p.size() - 216) * 6)));
  return p;
}

cv::Mat indices_of(const cv::Mat& bgr) {
  cv::Mat idx(bgr.size(), CV_8UC1);
  for (int y = 0; y < bgr.rows; ++y)
    for (int x = 0; x < bgr.cols; ++x) {
      const cv::Vec3b v = bgr.at<cv::Vec3b>(y, x);
      const auto q = [](int c) { return (c + 25) / 51; };
      idx.at<std::uint8_t>(y, x) = std::uint8_t(q(v[2]) * 36 + q(v[1]) * 6 + q(v[0]));
    }
  return idx;
}

// What the palette indices show, BGR (or BGRA with `transparent` index clear).
cv::Mat expand(const cv::Mat& idx, const std::vector<cv::Vec3b>& rgb, int transparent = -1) {
  cv::Mat out(idx.size(), transparent >= 0 ? CV_8UC4 : CV_8UC3);
  for (int y = 0; y < idx.rows; ++y)
    for (int x = 0; x < idx.cols; ++x) {
      const int i = idx.at<std::uint8_t>(y, x);
      const cv::Vec3b c = rgb[std::size_t(i)];
      if (transparent >= 0)
        out.at<cv::Vec4b>(y, x) = {c[2], c[1], c[0], std::uint8_t(i == transparent ? 0 : 255)};
      else
        out.at<cv::Vec3b>(y, x) = {c[2], c[1], c[0]};
    }
  return out;
}

void write_png(const fs::path& path, const cv::Mat& m) {
  if (!cv::imwrite(path.string(), m)) throw std::runtime_error("cannot write " + path.string());
}

int make(const fs::path& dir) {
  const fs::path in = dir / "in", ref = dir / "ref";
  fs::create_directories(in);
  fs::create_directories(ref);
  const cv::Mat srgb = source_picture();
  const t::Icc adobe = t::adobe_rgb_profile();
  const cv::Mat in_adobe = t::from_srgb(srgb, adobe);

  t::write_bytes(in / "phone.heic", t::encode_heif(srgb, {}));
  write_png(ref / "phone.png", srgb);
  t::HeifSpec avif;
  avif.av1 = true;
  t::write_bytes(in / "web.avif", t::encode_heif(srgb, avif));
  write_png(ref / "web.png", srgb);
  t::write_bytes(in / "camera.jxl", t::encode_jxl(srgb, {}));
  write_png(ref / "camera.png", srgb);

  const std::vector<cv::Vec3b> palette = web_palette();
  const cv::Mat idx = indices_of(srgb);
  t::write_bytes(in / "still.gif", t::make_still_gif(idx, palette));
  write_png(ref / "still.png", expand(idx, palette));
  cv::Mat holed = idx.clone();
  cv::circle(holed, {480, 320}, 200, cv::Scalar(255), cv::FILLED);  // index 255: transparent
  t::write_bytes(in / "sticker.gif", t::make_still_gif(holed, palette, 255));
  write_png(ref / "sticker.png", expand(holed, palette, 255));
  t::GifSpec anim;
  anim.width = idx.cols;
  anim.height = idx.rows;
  anim.global_colours = palette;
  anim.loop = true;
  for (int f = 0; f < 3; ++f) {
    t::GifFrameSpec frame;
    frame.indices = f == 0 ? idx : cv::Mat(idx.size(), CV_8UC1, cv::Scalar(f * 40));
    frame.delay_cs = 10;
    anim.frames.push_back(frame);
  }
  t::write_bytes(in / "animated.gif", t::make_gif(anim));
  write_png(ref / "animated.png", expand(idx, palette));  // the first frame

  t::JpegSpec jpeg;
  jpeg.quality = 95;
  jpeg.icc = adobe;
  t::write_bytes(in / "camera_adobe.jpg", t::encode_jpeg(in_adobe, jpeg));
  write_png(ref / "camera_adobe.png", srgb);
  cv::Mat srgb16;
  srgb.convertTo(srgb16, CV_16U, 257.0);
  t::write_bytes(in / "print_adobe16.png", t::png_with_icc(t::from_srgb(srgb16, adobe), adobe));
  write_png(ref / "print_adobe16.png", srgb);
  t::write_bytes(in / "gallery_adobe.webp", t::webp_with_icc(in_adobe, adobe));
  write_png(ref / "gallery_adobe.png", srgb);
  std::cout << "format_folder: 9 files in " << in.string() << ", sRGB references in " << ref.string() << "\n";
  return 0;
}

int compare(const fs::path& out, const fs::path& ref) {
  std::map<std::string, fs::path> refs;  // stem + extension
  for (const auto& e : fs::directory_iterator(ref)) refs[e.path().filename().string()] = e.path();
  int missing = 0, n = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    const std::string stem = e.path().stem().string();
    const std::string ext = e.path().extension().string();
    if (ext != ".png" && ext != ".jpg" && ext != ".webp") continue;  // index.html, settings record
    auto it = refs.find(e.path().filename().string());
    if (it == refs.end()) it = refs.find(stem + ".png");
    if (it == refs.end()) continue;
    const cv::Mat a = cv::imread(e.path().string(), cv::IMREAD_UNCHANGED);
    const cv::Mat b = cv::imread(it->second.string(), cv::IMREAD_UNCHANGED);
    if (a.empty() || a.size() != b.size()) {
      std::cout << e.path().filename().string() << ": cannot compare (size or read)\n";
      ++missing;
      continue;
    }
    const int channels = std::min(a.channels(), b.channels());
    cv::Mat ac = a, bc = b;
    if (a.channels() != channels) cv::cvtColor(a, ac, cv::COLOR_BGRA2BGR);
    if (b.channels() != channels) cv::cvtColor(b, bc, cv::COLOR_BGRA2BGR);
    cv::Mat diff;
    cv::absdiff(ac, bc, diff);
    const cv::Scalar mean = cv::mean(diff);
    std::printf("%-28s %4dx%-4d  mean |diff| B %5.2f  G %5.2f  R %5.2f%s\n",
                e.path().filename().string().c_str(), a.cols, a.rows, mean[0], mean[1], mean[2],
                channels == 4 ? ("  A " + std::to_string(mean[3]).substr(0, 5)).c_str() : "");
    ++n;
  }
  std::cout << n << " thumbnails compared\n" << std::flush;
  return missing == 0 && n > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "make" && argc == 3) return make(argv[2]);
    if (mode == "compare" && argc == 4) return compare(argv[2], argv[3]);
  } catch (const std::exception& e) {
    std::cerr << "format_folder: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: thumbflow_format_folder make DIR | compare OUT REF\n";
  return 1;
}
