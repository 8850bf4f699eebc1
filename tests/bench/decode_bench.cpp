// thumbflow_decode_bench [FOLDER] [--size N] [--repeat R] [--json FILE] [--resize] [--blocks] [--libjpeg]
//                        [--opencv]
// Times full vs fast (shrink-on-load) decode of every readable image in FOLDER (default data/),
// single-threaded, on bytes already in memory, full and fast runs alternating in one loop so that
// noise hits both alike (--blocks: by pass instead, see run()). Prints per-image medians, the total
// (images/s, input MP/s) and the speedup by file type. --resize: time decode + area resize.
// --libjpeg (not with --blocks): JPEGs are also decoded by libjpeg-turbo alone at the fast path's
// scale (what `djpeg -scale 1/8` does, in process), in the same rotation, for the per-image ratio.
// --opencv (not with --blocks): PNGs are also decoded by OpenCV's cv::imdecode (libpng; thumbflow's
// PNG decoder before libspng), and the PNG milliseconds per megapixel of each are printed.
// Every image also gets its quality: luma PSNR of the fast thumbnail (fast decode + resize) against
// the full decode area-resized to the same size (column "psnr", and the minimum).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "image/decode.hpp"
#include "image/jpeg_decoder.hpp"
#include "image/resize.hpp"

namespace fs = std::filesystem;
using namespace thumbflow;
using namespace thumbflow::detail;

namespace {

enum Group { kBaseline, kProgressive, kWebp, kOther, kAll, kGroups };
const char* const kGroupNames[kGroups] = {"JPEG baseline", "JPEG progressive", "WebP", "other", "all"};

struct Image {
  std::string name;
  std::vector<std::uint8_t> bytes;
  ImageFormat format = ImageFormat::Unknown;
  Dimensions stored{}, fast_out{};  // fast_out: pixels the fast decode returned (upright)
  bool progressive = false;
  Group group = kOther;
  Dimensions scaled{};  // JPEG: the fast decode's size as stored (before orientation)
  std::vector<double> full_ms, fast_ms, libjpeg_ms, opencv_ms;
  double psnr = 0;  // fast thumbnail against full decode + area resize, luma, dB
  double megapixels() const { return double(stored.width) * double(stored.height) / 1e6; }
};

struct Config {
  fs::path folder = THUMBFLOW_DATA_DIR;
  int size = 128;
  int repeat = 5;
  std::string json;
  bool resize = false, blocks = false, libjpeg = false, opencv = false;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

std::vector<std::uint8_t> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes(fs::file_size(path));
  in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!in) throw std::runtime_error("cannot read the file");
  return bytes;
}

// Milliseconds for one decode (and resize). The library is another translation unit (no LTO), so
// the call cannot be optimised away.
double time_once(const Image& img, const ThumbnailOptions& options, bool resize) {
  const auto t0 = std::chrono::steady_clock::now();
  DecodedImage d = decode_for_thumbnail(img.bytes, options);
  if (resize) {
    const bool alpha = img.format == ImageFormat::Png || img.format == ImageFormat::Webp;
    d.pixels = resize_for_thumbnail(d.pixels, d.target, alpha, options.background, d.extent);
  }
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

bool parse_args(int argc, char** argv, Config& cfg) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--size" && has_value)
      cfg.size = std::stoi(argv[++i]);
    else if (arg == "--repeat" && has_value)
      cfg.repeat = std::stoi(argv[++i]);
    else if (arg == "--json" && has_value)
      cfg.json = argv[++i];
    else if (arg == "--resize")
      cfg.resize = true;
    else if (arg == "--blocks")
      cfg.blocks = true;
    else if (arg == "--libjpeg")
      cfg.libjpeg = true;
    else if (arg == "--opencv")
      cfg.opencv = true;
    else if (!arg.empty() && arg[0] != '-')
      cfg.folder = arg;
    else
      return false;
  }
  return cfg.size >= 1 && cfg.size <= 65535 && cfg.repeat >= 1 &&
         !((cfg.libjpeg || cfg.opencv) && cfg.blocks);
}

ThumbnailOptions options_for(const Config& cfg, DecodeMode mode) {
  ThumbnailOptions options;
  options.box_width = options.box_height = cfg.size;
  options.decode = mode;
  return options;
}

cv::Mat thumbnail(const DecodedImage& d, const ThumbnailOptions& options) {
  return resize_for_thumbnail(d.pixels, d.target, false, options.background, d.extent);
}

double luma_psnr(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat ga = a, gb = b;
  if (a.channels() == 3) cv::cvtColor(a, ga, cv::COLOR_BGR2GRAY);
  if (b.channels() == 3) cv::cvtColor(b, gb, cv::COLOR_BGR2GRAY);
  return cv::PSNR(ga, gb);
}

std::vector<Image> load(const Config& cfg) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(cfg.folder))
    if (entry.is_regular_file()) paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  const ThumbnailOptions full = options_for(cfg, DecodeMode::Full), fast = options_for(cfg, DecodeMode::Fast);
  std::vector<Image> images;
  for (const fs::path& path : paths) {
    Image img;
    img.name = path.filename().string();
    try {
      img.bytes = read_all(path);
      img.format = sniff_format(img.bytes);
      if (!is_readable(img.format)) continue;  // README.md and the like: not a benchmark input
      // Warm-up run of each mode (untimed); it also finds files that do not decode.
      const DecodedImage d = decode_for_thumbnail(img.bytes, full);
      img.stored = d.stored;
      const DecodedImage f = decode_for_thumbnail(img.bytes, fast);
      img.fast_out = {f.pixels.cols, f.pixels.rows};
      const bool swap = f.orientation >= 5 && f.orientation <= 8;
      img.scaled = swap ? Dimensions{f.pixels.rows, f.pixels.cols} : img.fast_out;
      if (img.format == ImageFormat::Jpeg) img.progressive = read_jpeg_info(img.bytes).progressive;
      img.psnr = luma_psnr(thumbnail(f, fast), thumbnail(d, full));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "skipped %s: %s\n", img.name.c_str(), e.what());
      continue;
    }
    img.group = img.format == ImageFormat::Jpeg   ? (img.progressive ? kProgressive : kBaseline)
                : img.format == ImageFormat::Webp ? kWebp
                                                  : kOther;
    images.push_back(std::move(img));
  }
  return images;
}

// Milliseconds for libjpeg-turbo alone to decode the JPEG at the scale the fast path used.
double time_libjpeg(const Image& img) {
  const auto t0 = std::chrono::steady_clock::now();
  const cv::Mat pixels = decode_jpeg_libjpeg(img.bytes, img.scaled, 0);
  const auto t1 = std::chrono::steady_clock::now();
  if (pixels.cols != img.scaled.width) throw std::runtime_error(img.name + ": libjpeg chose another scale");
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

// Milliseconds for OpenCV (libpng) to decode the PNG in full, as thumbflow did before libspng.
double time_opencv(const Image& img) {
  const cv::Mat buffer(1, int(img.bytes.size()), CV_8U, const_cast<std::uint8_t*>(img.bytes.data()));
  const auto t0 = std::chrono::steady_clock::now();
  const cv::Mat pixels = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
  const auto t1 = std::chrono::steady_clock::now();
  if (pixels.cols != img.stored.width) throw std::runtime_error(img.name + ": OpenCV did not decode it");
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

std::string wxh(Dimensions d) { return std::to_string(d.width) + "x" + std::to_string(d.height); }

int run(const Config& cfg) {
  std::vector<Image> images = load(cfg);
  if (images.empty()) {
    std::fprintf(stderr, "thumbflow_decode_bench: no readable images in %s\n", cfg.folder.c_str());
    return 1;
  }

  const ThumbnailOptions full = options_for(cfg, DecodeMode::Full), fast = options_for(cfg, DecodeMode::Fast);
  // Per repeat, the summed time of each group: totals are medians over repeats, not sums of medians.
  std::vector<double> full_total[kGroups], fast_total[kGroups];
  // Interleaved: per image, full then fast or fast then full, alternating. Blocks: all images in one
  // mode, then all in the other (the first mode alternating by repeat), so each mode runs on the
  // allocator and cache state it leaves itself, as in a real batch.
  const int passes = cfg.blocks ? 2 : 1, runs_per_image = cfg.blocks ? 1 : 2;
  for (int r = 0; r < cfg.repeat; ++r) {
    double sum[2][kGroups] = {};  // [is_full][group]
    for (int pass = 0; pass < passes; ++pass)
      for (std::size_t i = 0; i < images.size(); ++i)
        for (int k = 0; k < runs_per_image; ++k) {
          Image& img = images[i];
          const bool is_full = (std::size_t(r + pass + k) + (cfg.blocks ? 0 : i)) % 2 == 0;
          // With --libjpeg, the libjpeg-only decode of a JPEG runs before the first or the second
          // of the other two, alternating with the repeat and the image.
          const bool libjpeg_now =
              cfg.libjpeg && img.format == ImageFormat::Jpeg && std::size_t(k) == (std::size_t(r) + i) % 2;
          if (libjpeg_now) img.libjpeg_ms.push_back(time_libjpeg(img));
          const bool opencv_now =
              cfg.opencv && img.format == ImageFormat::Png && std::size_t(k) == (std::size_t(r) + i) % 2;
          if (opencv_now) img.opencv_ms.push_back(time_opencv(img));
          const double ms = time_once(img, is_full ? full : fast, cfg.resize);
          (is_full ? img.full_ms : img.fast_ms).push_back(ms);
          for (const Group g : {img.group, kAll}) sum[is_full][g] += ms;
        }
    for (int g = 0; g < kGroups; ++g) {
      full_total[g].push_back(sum[1][g]);
      fast_total[g].push_back(sum[0][g]);
    }
  }

  std::size_t name_width = 5;
  for (const Image& img : images) name_width = std::max(name_width, img.name.size());
  const int nw = int(name_width);
  std::printf("%s: %s, box %d, %d repeats, %s order, medians, single thread\n", cfg.folder.c_str(),
              cfg.resize ? "decode+resize" : "decode only", cfg.size, cfg.repeat,
              cfg.blocks ? "blocks" : "interleaved");
  std::printf("%-*s  %-6s %-11s %-5s %-10s %9s %9s %8s %6s\n", nw, "image", "format", "stored", "prog",
              "fast out", "full ms", "fast ms", "speedup", "psnr");
  nlohmann::json jimages = nlohmann::json::array();
  double group_mp[kGroups] = {};
  int group_count[kGroups] = {};
  for (const Image& img : images) {
    const double f = median(img.full_ms), s = median(img.fast_ms);
    std::printf("%-*s  %-6s %-11s %-5s %-10s %9.2f %9.2f %7.2fx %6.1f\n", nw, img.name.c_str(),
                format_name(img.format), wxh(img.stored).c_str(), img.progressive ? "yes" : "no",
                wxh(img.fast_out).c_str(), f, s, f / s, img.psnr);
    for (const Group g : {img.group, kAll}) {
      group_mp[g] += img.megapixels();
      ++group_count[g];
    }
    nlohmann::json& j = jimages.emplace_back();
    j["name"] = img.name, j["format"] = format_name(img.format), j["stored"] = wxh(img.stored);
    j["progressive"] = img.progressive, j["group"] = kGroupNames[img.group];
    j["fast_out"] = wxh(img.fast_out), j["full_ms"] = f, j["fast_ms"] = s, j["speedup"] = f / s;
    j["psnr_luma_db"] = img.psnr;
    j["full_ms_runs"] = img.full_ms, j["fast_ms_runs"] = img.fast_ms;
  }
  const double full_med = median(full_total[kAll]), fast_med = median(fast_total[kAll]);
  std::printf("%-*s  %-6s %-11s %-5s %-10s %9.2f %9.2f %7.2fx\n", nw, "TOTAL", "", "", "", "", full_med,
              fast_med, full_med / fast_med);

  nlohmann::json jtotals;
  double worst = images.front().psnr, worst_progressive = 1e9;
  for (const Image& img : images) {
    worst = std::min(worst, img.psnr);
    if (img.progressive) worst_progressive = std::min(worst_progressive, img.psnr);
  }
  std::printf("\n%d images, %.1f input MP; fast vs full thumbnail, luma PSNR min %.1f dB", group_count[kAll],
              group_mp[kAll], worst);
  if (worst_progressive < 1e9) std::printf(" (progressive JPEG min %.1f dB)", worst_progressive);
  std::printf("\n");
  jtotals["psnr_luma_min_db"] = worst;
  for (const bool is_full : {true, false}) {
    const std::vector<double>& t = is_full ? full_total[kAll] : fast_total[kAll];
    const double med = median(t), lo = *std::min_element(t.begin(), t.end()),
                 hi = *std::max_element(t.begin(), t.end());
    const double ips = group_count[kAll] / (med / 1000), mps = group_mp[kAll] / (med / 1000);
    std::printf("%-4s  total %9.1f ms (min %.1f, max %.1f)  %8.1f images/s  %8.1f MP/s\n",
                is_full ? "full" : "fast", med, lo, hi, ips, mps);
    jtotals[is_full ? "full" : "fast"] = {{"median_ms", med},    {"min_ms", lo},    {"max_ms", hi},
                                          {"images_per_s", ips}, {"mp_per_s", mps}, {"runs_ms", t}};
  }
  std::printf("speedup (full/fast, total medians): %.2fx\n", full_med / fast_med);
  jtotals["speedup"] = full_med / fast_med;
  if (cfg.libjpeg) {
    // Per image: the median of each, then the median over the JPEGs of the ratio fast / libjpeg.
    std::vector<double> ratios, fast_each, lib_each;
    for (const Image& img : images) {
      if (img.libjpeg_ms.empty()) continue;
      fast_each.push_back(median(img.fast_ms));
      lib_each.push_back(median(img.libjpeg_ms));
      ratios.push_back(fast_each.back() / lib_each.back());
    }
    std::printf(
        "per JPEG, medians: fast %.2f ms, libjpeg-turbo alone at the same scale %.2f ms; "
        "fast/libjpeg %.2f (min %.2f, max %.2f)\n",
        median(fast_each), median(lib_each), median(ratios), *std::min_element(ratios.begin(), ratios.end()),
        *std::max_element(ratios.begin(), ratios.end()));
    jtotals["libjpeg_per_image_ms"] = median(lib_each), jtotals["fast_per_image_ms"] = median(fast_each);
    jtotals["fast_over_libjpeg"] = median(ratios);
  }

  if (cfg.opencv) {
    // Per PNG: each decoder's median, per input megapixel; then the median over the PNGs.
    std::vector<double> full_mp, fast_mp, opencv_mp;
    for (const Image& img : images) {
      if (img.opencv_ms.empty()) continue;
      full_mp.push_back(median(img.full_ms) / img.megapixels());
      fast_mp.push_back(median(img.fast_ms) / img.megapixels());
      opencv_mp.push_back(median(img.opencv_ms) / img.megapixels());
    }
    if (!opencv_mp.empty()) {
      std::printf(
          "per PNG (%zu), ms per input MP, medians: OpenCV imdecode (libpng) %.2f, thumbflow full %.2f, "
          "fast %.2f\n",
          opencv_mp.size(), median(opencv_mp), median(full_mp), median(fast_mp));
      jtotals["png_opencv_ms_per_mp"] = median(opencv_mp), jtotals["png_full_ms_per_mp"] = median(full_mp);
      jtotals["png_fast_ms_per_mp"] = median(fast_mp);
    }
  }

  std::printf("\n%-17s %6s %9s %11s %11s %8s\n", "by type", "images", "MP", "full ms", "fast ms", "speedup");
  nlohmann::json jgroups = nlohmann::json::array();
  for (int g = 0; g < kGroups; ++g) {
    if (group_count[g] == 0) continue;
    const double f = median(full_total[g]), s = median(fast_total[g]);
    std::printf("%-17s %6d %9.1f %11.1f %11.1f %7.2fx\n", kGroupNames[g], group_count[g], group_mp[g], f, s,
                f / s);
    nlohmann::json& j = jgroups.emplace_back();
    j["group"] = kGroupNames[g], j["images"] = group_count[g], j["megapixels"] = group_mp[g];
    j["full_ms"] = f, j["fast_ms"] = s, j["speedup"] = f / s;
  }

  if (!cfg.json.empty()) {
    nlohmann::json out;
    out["folder"] = cfg.folder.string(), out["box"] = cfg.size, out["repeat"] = cfg.repeat;
    out["mode"] = cfg.resize ? "decode+resize" : "decode";
    out["order"] = cfg.blocks ? "blocks" : "interleaved";
    out["images"] = jimages, out["totals"] = jtotals, out["by_type"] = jgroups;
    std::ofstream file(cfg.json);
    file << out.dump(2) << "\n";
    if (!file) throw std::runtime_error("cannot write " + cfg.json);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  try {
    if (!parse_args(argc, argv, cfg)) throw std::invalid_argument("bad arguments");
  } catch (const std::logic_error&) {  // also std::stoi's invalid_argument and out_of_range
    std::fprintf(stderr,
                 "usage: thumbflow_decode_bench [FOLDER] [--size N] [--repeat R] [--json FILE] [--resize] "
                 "[--blocks | --libjpeg --opencv]\n");
    return 1;
  }
  try {
    return run(cfg);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "thumbflow_decode_bench: %s\n", e.what());
    return 1;
  }
}
