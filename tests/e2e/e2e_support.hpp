// Helpers for the end-to-end tests: run the real `thumbflow` binary and look at what it left on
// disk the way a user would (decoded pictures, file names, exit status, stderr lines).
// Header-only on purpose: tests/CMakeLists.txt compiles only tests/e2e/*_test.cpp.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "http_server.hpp"
#include "test_support.hpp"

namespace thumbflow::e2e {

namespace fs = std::filesystem;
using test::CommandResult;
using test::TempDir;

inline const fs::path kDataDir = THUMBFLOW_DATA_DIR;
inline const std::string kCli = THUMBFLOW_CLI;

// Every CLI run in these tests is small; a hang is a failure, not a wait.
inline constexpr int kRunTimeoutS = 60;

// `thumbflow run <args...>`.
inline CommandResult run_cli(const std::vector<std::string>& args, int timeout_s = kRunTimeoutS) {
  std::vector<std::string> argv = {kCli, "run"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_command(argv, timeout_s);
}

// A CLI run that also gets the dynamic loader's log of the files it opened (LD_DEBUG=files, written
// to files `log_dir`/loader.PID), to check which libraries a run loads. `env` entries (NAME=VALUE)
// are set for the run as well.
struct LoggedRun {
  CommandResult result;
  std::string opened;  // the loader's log
};

inline LoggedRun run_cli_logging_loads(const std::vector<std::string>& args, const fs::path& log_dir,
                                       const std::vector<std::string>& env = {}) {
  fs::create_directories(log_dir);
  std::vector<std::string> argv = {"/usr/bin/env", "LD_DEBUG=files",
                                   "LD_DEBUG_OUTPUT=" + (log_dir / "loader").string()};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(kCli);
  argv.push_back("run");
  argv.insert(argv.end(), args.begin(), args.end());
  LoggedRun run{test::run_command(argv, kRunTimeoutS), {}};
  for (const fs::directory_entry& e : fs::directory_iterator(log_dir))
    if (e.path().filename().string().rfind("loader.", 0) == 0) {
      const std::vector<std::uint8_t> bytes = test::read_bytes(e.path());
      run.opened.append(bytes.begin(), bytes.end());
      fs::remove(e.path());
    }
  return run;
}

// For assertion messages: what the command said.
inline std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out + "\n--- stderr ---\n" + r.err;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// Lines of `text` that contain `needle`.
inline std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(text))
    if (line.find(needle) != std::string::npos) out.push_back(line);
  return out;
}

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

inline bool contains_ci(const std::string& text, const std::string& needle) {
  return lower(text).find(lower(needle)) != std::string::npos;
}

// Extension (lower case, no dot) of a path.
inline std::string ext_of(const fs::path& p) {
  const std::string e = p.extension().string();
  return lower(e.empty() ? e : e.substr(1));
}

// Inputs thumbflow must read; data/ also holds README.md.
inline bool is_sample_image(const fs::path& p) {
  static const std::array<std::string, 7> kExts = {"jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff"};
  return std::find(kExts.begin(), kExts.end(), ext_of(p)) != kExts.end();
}

// The default output name: `<stem>_thumbnail.<ext>`, where `same` keeps jpg/jpeg/png/webp and
// gives png for the rest.
inline std::string default_thumbnail_name(const fs::path& input) {
  const std::string e = ext_of(input);
  const bool kept = e == "jpg" || e == "jpeg" || e == "png" || e == "webp";
  return input.stem().string() + "_thumbnail." + (kept ? e : "png");
}

// Copies every sample image of data/ (flat) into `dest`; returns the copies, sorted.
inline std::vector<fs::path> copy_samples(const fs::path& dest) {
  fs::create_directories(dest);
  std::vector<fs::path> copies;
  for (const auto& entry : fs::directory_iterator(kDataDir)) {
    if (!entry.is_regular_file() || !is_sample_image(entry.path())) continue;
    fs::copy_file(entry.path(), dest / entry.path().filename());
    copies.push_back(dest / entry.path().filename());
  }
  std::sort(copies.begin(), copies.end());
  return copies;
}

// Copies named sample images of data/ into `dest`.
inline void copy_from_data(const fs::path& dest, const std::vector<std::string>& names) {
  fs::create_directories(dest);
  for (const auto& n : names) fs::copy_file(kDataDir / n, dest / n);
}

// The record of the last run's settings that thumbflow keeps in each output folder.
inline const std::string kSettingsRecord = ".thumbflow.settings.json";

// The HTML contact sheet thumbflow writes in the output folder unless told otherwise.
inline const std::string kContactSheet = "index.html";

// Every regular file under `dir` (recursive) but the settings record and the contact sheet,
// relative to `dir`, sorted.
inline std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename() != kSettingsRecord &&
        entry.path().filename() != kContactSheet)
      out.push_back(fs::relative(entry.path(), dir).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

// Path -> content of every file under `dir`.
inline std::map<std::string, std::vector<std::uint8_t>> snapshot(const fs::path& dir) {
  std::map<std::string, std::vector<std::uint8_t>> out;
  for (const auto& rel : files_under(dir)) out[rel] = test::read_bytes(dir / rel);
  return out;
}

// Temporary files the atomic writer may have left (`.<name>.thumbflow-XXXXXX`), anywhere under `dir`.
inline std::vector<std::string> temp_leftovers(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.path().filename().string().find(".thumbflow-") != std::string::npos)
      out.push_back(entry.path().string());
  return out;
}

// Full path of `name` found in PATH, "" when it is not installed.
inline std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate.string();
  }
  return "";
}

inline cv::Mat read_image(const fs::path& p, int flags = cv::IMREAD_UNCHANGED) {
  return cv::imread(p.string(), flags);
}

// One still 320x240 JPEG entry of an Imgur-shaped gallery page, as test galleries list them.
inline nlohmann::json gallery_image_json(const std::string& id, const std::string& link, std::size_t bytes) {
  return {{"id", id},      {"title", id},   {"type", "image/jpeg"}, {"animated", false}, {"width", 320},
          {"height", 240}, {"size", bytes}, {"nsfw", false},        {"link", link},      {"is_album", false}};
}

// A gallery API whose first hot page (one image, m1, linked at 192.0.2.1) has moved: `api` answers
// it with a 302 to the same page on `moved`, another loopback port.
inline void serve_moved_gallery_page(test::HttpServer& api, test::HttpServer& moved) {
  nlohmann::json data = nlohmann::json::array();
  data.push_back(gallery_image_json("m1", "http://192.0.2.1/m1.jpg", 1000));
  moved.set("/3/gallery/hot/viral/day/0",
            test::Response::ok(nlohmann::json{{"data", data}, {"success", true}, {"status", 200}}.dump(),
                               "application/json"));
  api.set("/3/gallery/hot/viral/day/0",
          test::Response::redirect(302, moved.url("/3/gallery/hot/viral/day/0")));
}

inline nlohmann::json read_json(const fs::path& p) {
  const auto bytes = test::read_bytes(p);
  return nlohmann::json::parse(bytes.begin(), bytes.end());
}

// "jpg", "png", "webp" (from the magic bytes), or "" for anything else.
inline std::string sniff(const fs::path& p) {
  const auto b = test::read_bytes(p);
  const auto at = [&](std::size_t i, const char* s) {
    for (std::size_t k = 0; s[k] != '\0'; ++k)
      if (i + k >= b.size() || b[i + k] != static_cast<std::uint8_t>(s[k])) return false;
    return true;
  };
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "jpg";
  if (b.size() >= 8 && b[0] == 0x89 && at(1, "PNG\r\n\x1a\n")) return "png";
  if (at(0, "RIFF") && at(8, "WEBP")) return "webp";
  return "";
}

// The size a thumbnail of `in` should have to fit `box` without enlarging, rounded to nearest.
inline cv::Size expected_fit(cv::Size in, cv::Size box) {
  const double scale = std::min({1.0, double(box.width) / in.width, double(box.height) / in.height});
  return {std::max(1, static_cast<int>(std::lround(in.width * scale))),
          std::max(1, static_cast<int>(std::lround(in.height * scale)))};
}

// EXPECT_GE on the PSNR of the luma, recording the measured value as a test property (shown in
// --gtest_output=xml) so that the margin of each bound can be checked.
inline void expect_psnr_at_least(const cv::Mat& a, const cv::Mat& b, double bound, const std::string& what) {
  const double psnr = test::psnr_luma(a, b);
  ::testing::Test::RecordProperty("psnr_" + what, std::to_string(psnr));
  EXPECT_GE(psnr, bound) << what;
}

// Runs thumbflow on one file and returns the decoded thumbnail (IMREAD_UNCHANGED).
inline cv::Mat thumbnail_of(const fs::path& input, const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {input.string(), "-o", out.string(), "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CommandResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const std::vector<std::string> files = files_under(out);
  EXPECT_EQ(files.size(), 1u);
  return files.empty() ? cv::Mat{} : read_image(out / files.front());
}

// Mean absolute difference per channel value of two 8-bit images of the same size and type.
inline double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  const cv::Scalar m = cv::mean(d);
  double sum = 0;
  for (int c = 0; c < a.channels(); ++c) sum += m[c];
  return sum / a.channels();
}

}  // namespace thumbflow::e2e
