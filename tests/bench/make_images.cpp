// make_images OUT_DIR COUNT [WxH[:W2xH2]] [KIND] [--progressive N] [--grain SIGMA]
// KIND: jpg (default) | png | webp | png-rgba | png16 | png-palette | png-interlaced.
// Writes COUNT photo-like images for benchmarks and memory checks, made from the sample photos in
// data/ (scaled to WxH, default 2000x1500, each shifted and tinted differently so that no two files
// are alike). The png-* kinds are written with libspng (support/png_maker): RGBA with an alpha
// ramp, 16-bit RGB, 8-bit palette (3-3-2 colour cube) and Adam7-interlaced RGB.
// WxH:W2xH2: the sizes step evenly from the first to the second (a web-size set).
// --progressive N: every Nth JPEG (1 = all) is progressive (libjpeg's standard script).
// --grain SIGMA: adds Gaussian noise (fixed seed): upscaled samples are smoother than photographs
// and would otherwise carry too little high-frequency data for a fair decode benchmark.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "png_maker.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

// The png-* kinds, or an empty vector for a kind OpenCV writes by extension.
std::vector<std::uint8_t> special_png(const cv::Mat& bgr, const std::string& kind) {
  using thumbflow::test::make_png;
  if (kind == "png-interlaced") return make_png(bgr, {8, 2, true, {}, {}});
  if (kind == "png16") {
    cv::Mat sixteen;
    bgr.convertTo(sixteen, CV_16U, 257.0);
    return make_png(sixteen, {16, 2, false, {}, {}});
  }
  if (kind == "png-rgba") {
    cv::Mat bgra;
    cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
    for (int y = 0; y < bgra.rows; ++y)
      for (int x = 0; x < bgra.cols; ++x)
        bgra.at<cv::Vec4b>(y, x)[3] = cv::saturate_cast<uchar>(x * 255 / bgra.cols);
    return make_png(bgra, {8, 6, false, {}, {}});
  }
  if (kind == "png-palette") {
    std::vector<cv::Vec3b> palette;
    for (int i = 0; i < 256; ++i)
      palette.push_back({std::uint8_t((i >> 5) * 255 / 7), std::uint8_t((i >> 2 & 7) * 255 / 7),
                         std::uint8_t((i & 3) * 255 / 3)});
    cv::Mat index(bgr.size(), CV_8UC1);
    for (int y = 0; y < bgr.rows; ++y)
      for (int x = 0; x < bgr.cols; ++x) {
        const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);  // B, G, R
        index.at<std::uint8_t>(y, x) =
            std::uint8_t((p[2] * 7 + 127) / 255 << 5 | (p[1] * 7 + 127) / 255 << 2 | (p[0] * 3 + 127) / 255);
      }
    return make_png(index, {8, 3, false, {}, palette});
  }
  return {};
}

struct Args {
  fs::path out;
  int count = 0;
  cv::Size first{2000, 1500}, last{2000, 1500};
  std::string ext = "jpg";
  int progressive_every = 0;  // 0: none
  double grain = 0;
};

bool parse(int argc, char** argv, Args& a) {
  if (argc < 3) return false;
  a.out = argv[1];
  a.count = std::stoi(argv[2]);
  std::vector<std::string> positional;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--progressive" && i + 1 < argc) {
      a.progressive_every = std::stoi(argv[++i]);
    } else if (arg == "--grain" && i + 1 < argc) {
      a.grain = std::stod(argv[++i]);
    } else {
      positional.push_back(arg);
    }
  }
  if (!positional.empty()) {
    int w = 0, h = 0, w2 = 0, h2 = 0;
    const int n = std::sscanf(positional[0].c_str(), "%dx%d:%dx%d", &w, &h, &w2, &h2);
    if (n != 2 && n != 4) return false;
    a.first = {w, h};
    a.last = n == 4 ? cv::Size(w2, h2) : a.first;
  }
  if (positional.size() > 1) a.ext = positional[1];
  return a.count > 0 && a.first.width > 8 && a.last.width > 8 && a.first.height > 8 && a.last.height > 8;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, a)) {
    std::cerr << "usage: make_images OUT_DIR COUNT [WxH[:W2xH2]] [jpg|png|webp|png-rgba|png16|png-palette|"
                 "png-interlaced] [--progressive N] "
                 "[--grain SIGMA]\n";
    return 1;
  }
  std::vector<cv::Mat> sources;
  for (const char* name : {"aloeL.jpg", "leuvenA.jpg", "building.jpg", "starry_night.jpg", "fruits.jpg"}) {
    cv::Mat m = cv::imread((fs::path(THUMBFLOW_DATA_DIR) / name).string(), cv::IMREAD_COLOR);
    if (m.empty()) {
      std::cerr << "make_images: cannot read " << name << " from " << THUMBFLOW_DATA_DIR << "\n";
      return 1;
    }
    sources.push_back(m);
  }
  fs::create_directories(a.out);
  cv::RNG rng(19);
  for (int i = 0; i < a.count; ++i) {
    const double t = a.count > 1 ? double(i) / (a.count - 1) : 0;
    const int width = int(a.first.width + t * (a.last.width - a.first.width) + 0.5);
    const int height = int(a.first.height + t * (a.last.height - a.first.height) + 0.5);
    cv::Mat img;
    cv::resize(sources[std::size_t(i) % sources.size()], img, {width, height}, 0, 0, cv::INTER_CUBIC);
    cv::Mat shifted;
    const int dx = 1 + (i * 37) % std::max(1, width / 4);
    cv::hconcat(img.colRange(dx, width), img.colRange(0, dx), shifted);
    shifted.convertTo(shifted, -1, 1.0, double(i % 21) - 10.0);
    if (a.grain > 0) {
      cv::Mat noise(shifted.size(), CV_16SC3);
      rng.fill(noise, cv::RNG::NORMAL, 0, a.grain);
      cv::Mat sum;
      cv::add(shifted, noise, sum, cv::noArray(), CV_16S);
      sum.convertTo(shifted, CV_8U);
    }
    const bool progressive = a.progressive_every > 0 && i % a.progressive_every == 0;
    char name[64];
    const bool special = a.ext.rfind("png-", 0) == 0 || a.ext == "png16";
    std::snprintf(name, sizeof name, "img%05d.%s", i, special ? "png" : a.ext.c_str());
    if (special) {
      thumbflow::test::write_bytes(a.out / name, special_png(shifted, a.ext));
      continue;
    }
    if (!cv::imwrite((a.out / name).string(), shifted,
                     {cv::IMWRITE_JPEG_QUALITY, 90, cv::IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0})) {
      std::cerr << "make_images: cannot write " << name << "\n";
      return 1;
    }
  }
  std::cout << "make_images: " << a.count << " images of " << a.first.width << "x" << a.first.height;
  if (a.last != a.first) std::cout << " to " << a.last.width << "x" << a.last.height;
  std::cout << " in " << a.out.string() << "\n";
  return 0;
}
