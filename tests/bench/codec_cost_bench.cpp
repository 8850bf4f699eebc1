// thumbflow_codec_cost_bench FOLDER [--repeat R] [--box N]
// Decode cost per megapixel of every readable image in FOLDER, one image at a time on the calling
// thread, as the pipeline's decode stage does it (decode_for_thumbnail, shrink-on-load on, box N,
// default 128). Prints, per image, the median wall time and the median CPU time of the whole
// process (all threads, so a decoder that starts its own threads is counted in full), and both
// per MP. CPU time is the figure to quote on a shared machine: wall time grows with the load.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "image/decode.hpp"

namespace fs = std::filesystem;
using namespace thumbflow;
using namespace thumbflow::detail;

namespace {

double seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: thumbflow_codec_cost_bench FOLDER [--repeat R] [--box N]\n");
    return 1;
  }
  int repeat = 5, box = 128;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--repeat") repeat = std::max(1, std::stoi(argv[i + 1]));
    if (arg == "--box") box = std::max(1, std::stoi(argv[i + 1]));
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(argv[1]))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());

  ThumbnailOptions options;
  options.box_width = options.box_height = box;
  options.max_pixels = 0;
  std::printf("%-22s %-8s %-11s %-11s %9s %9s %9s %9s\n", "image", "format", "stored", "decoded", "wall ms",
              "cpu ms", "wall/MP", "cpu/MP");
  for (const fs::path& path : files) {
    const std::vector<std::uint8_t> bytes = read_file(path);
    std::vector<double> wall, cpu;
    DecodedImage d;
    try {
      for (int r = 0; r < repeat; ++r) {
        const double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
        d = decode_for_thumbnail(bytes, options);
        cpu.push_back((seconds(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1e3);
        wall.push_back((seconds(CLOCK_MONOTONIC) - w0) * 1e3);
      }
    } catch (const std::exception& e) {
      std::printf("%-22s skipped: %s\n", path.filename().c_str(), e.what());
      continue;
    }
    const double mp = double(d.stored.width) * d.stored.height / 1e6;
    const std::string stored = std::to_string(d.stored.width) + "x" + std::to_string(d.stored.height);
    const std::string decoded = std::to_string(d.pixels.cols) + "x" + std::to_string(d.pixels.rows);
    std::printf("%-22s %-8s %-11s %-11s %9.1f %9.1f %9.1f %9.1f\n", path.filename().c_str(),
                format_name(d.format), stored.c_str(), decoded.c_str(), median(wall), median(cpu),
                median(wall) / mp, median(cpu) / mp);
  }
  return 0;
}
