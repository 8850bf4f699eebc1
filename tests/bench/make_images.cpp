// make_images OUT_DIR COUNT [WxH] [jpg|png|webp]: writes COUNT photo-like images for benchmarks
// and memory checks, made from the sample photos in data/ (scaled to WxH, default 2000x1500, each
// shifted and tinted differently so that no two files are alike).
#include <filesystem>
#include <iostream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: make_images OUT_DIR COUNT [WxH] [jpg|png|webp]\n";
    return 1;
  }
  const fs::path out = argv[1];
  const int count = std::stoi(argv[2]);
  int width = 2000, height = 1500;
  if (argc > 3 && std::sscanf(argv[3], "%dx%d", &width, &height) != 2) {
    std::cerr << "make_images: bad size " << argv[3] << "\n";
    return 1;
  }
  const std::string ext = argc > 4 ? argv[4] : "jpg";
  std::vector<cv::Mat> sources;
  for (const char* name : {"aloeL.jpg", "leuvenA.jpg", "building.jpg", "starry_night.jpg", "fruits.jpg"}) {
    cv::Mat m = cv::imread((fs::path(THUMBFLOW_DATA_DIR) / name).string(), cv::IMREAD_COLOR);
    if (m.empty()) {
      std::cerr << "make_images: cannot read " << name << " from " << THUMBFLOW_DATA_DIR << "\n";
      return 1;
    }
    cv::resize(m, m, {width, height}, 0, 0, cv::INTER_CUBIC);
    sources.push_back(m);
  }
  fs::create_directories(out);
  for (int i = 0; i < count; ++i) {
    cv::Mat img = sources[std::size_t(i) % sources.size()].clone();
    cv::Mat shifted;
    const int dx = 1 + (i * 37) % std::max(1, width / 4);
    cv::hconcat(img.colRange(dx, width), img.colRange(0, dx), shifted);
    shifted.convertTo(shifted, -1, 1.0, double(i % 21) - 10.0);
    char name[64];
    std::snprintf(name, sizeof name, "img%05d.%s", i, ext.c_str());
    if (!cv::imwrite((out / name).string(), shifted, {cv::IMWRITE_JPEG_QUALITY, 90})) {
      std::cerr << "make_images: cannot write " << name << "\n";
      return 1;
    }
  }
  std::cout << "make_images: " << count << " images of " << width << "x" << height << " in " << out.string()
            << "\n";
  return 0;
}
