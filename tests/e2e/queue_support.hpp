// What the distributed-mode tests share: a real redis-server (127.0.0.1, free port, temp folder),
// generated JPEG inputs, the real `thumbflow enqueue`, `worker` and `status`, and checks of the
// outputs as a user would make them. Header-only (tests/CMakeLists.txt compiles only *_test.cpp).
#pragma once

#include <chrono>
#include <memory>
#include <thread>

#include "e2e_support.hpp"
#include "redis_server.hpp"

namespace thumbflow::e2e {

using test::LoggedProcess;
using test::RedisServer;
using test::RedisServerOptions;

// Whole worker runs here take a few seconds; a hang is a failure.
inline constexpr double kWorkerTimeoutS = 90;
inline const cv::Size kBox{96, 96};

inline CommandResult thumbflow(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kCli};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_command(argv, kRunTimeoutS);
}

// `count` JPEGs spread over three sub-folders, in four sizes (so each thumbnail's size says it was
// made from its own input). Returns input relative path -> input size.
inline std::map<std::string, cv::Size> make_jpegs(const fs::path& dir, int count, int scale = 1) {
  std::vector<cv::Size> sizes = {{320, 240}, {240, 320}, {400, 200}, {300, 300}};
  for (cv::Size& s : sizes) s *= scale;
  std::vector<std::vector<std::uint8_t>> encoded;
  for (std::size_t i = 0; i < sizes.size(); ++i)
    encoded.push_back(
        test::encode(test::make_picture(sizes[i].width, sizes[i].height, CV_8UC3, int(i) + 1), ".jpg"));
  std::map<std::string, cv::Size> made;
  for (int i = 0; i < count; ++i) {
    const std::string rel = "set" + std::to_string(i % 3) + "/img" + std::to_string(i) + ".jpg";
    fs::create_directories((dir / rel).parent_path());
    test::write_bytes(dir / rel, encoded[std::size_t(i) % sizes.size()]);
    made[rel] = sizes[std::size_t(i) % sizes.size()];
  }
  return made;
}

inline std::string thumb_of(const std::string& rel) {
  const fs::path p(rel);
  return (p.parent_path() / (p.stem().string() + "_thumbnail.jpg")).generic_string();
}

// Every input has exactly its thumbnail, of the right size; nothing else is there.
inline void expect_all_thumbnails(const fs::path& out, const std::map<std::string, cv::Size>& inputs) {
  std::vector<std::string> expected;
  for (const auto& [rel, size] : inputs) expected.push_back(thumb_of(rel));
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> found;
  for (const std::string& f : files_under(out))
    if (f.find(".thumbflow-") == std::string::npos) found.push_back(f);
  EXPECT_EQ(found, expected);
  for (const auto& [rel, size] : inputs) {
    const cv::Mat thumb = read_image(out / thumb_of(rel));
    ASSERT_FALSE(thumb.empty()) << thumb_of(rel) << " is not a readable image";
    EXPECT_EQ(thumb.size(), expected_fit(size, kBox)) << thumb_of(rel);
  }
}

class Queue : public ::testing::Test {
 protected:
  void SetUp() override {
    images = make_jpegs(tmp / "in", count, image_scale);
    redis = std::make_unique<RedisServer>(server_options);
  }

  std::vector<std::string> queue_args() const { return {"--redis", redis->url(), "--queue", "jobs"}; }

  CommandResult enqueue(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"enqueue", (tmp / "in").string(), "-s", "96x96"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto q = queue_args();
    args.insert(args.end(), q.begin(), q.end());
    return thumbflow(args);
  }

  std::unique_ptr<LoggedProcess> start_worker(const std::string& name,
                                              const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {kCli, "worker",     "-o", (tmp / "out").string(), "-j",
                                     "1",  "--consumer", name, "--input-root",         (tmp / "in").string()};
    const auto q = queue_args();
    argv.insert(argv.end(), q.begin(), q.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<LoggedProcess>(argv, tmp / name);
  }

  nlohmann::json status() {
    std::vector<std::string> args = {"status", "--json"};
    const auto q = queue_args();
    args.insert(args.end(), q.begin(), q.end());
    const CommandResult r = thumbflow(args);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    return nlohmann::json::parse(r.out);
  }

  // Thumbnails there now. Workers are writing meanwhile: temporary files come and go.
  std::size_t thumbnails_made() const {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(tmp / "out", ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      n += it->path().filename().string().find("_thumbnail.jpg") != std::string::npos &&
           it->path().filename().string().find(".thumbflow-") == std::string::npos;
    return n;
  }

  // Waits (bounded) until `n` thumbnails are there.
  void wait_for_outputs(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (thumbnails_made() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  void expect_queue_finished() {
    const nlohmann::json s = status();
    EXPECT_EQ(s["waiting"], 0) << s.dump();
    EXPECT_EQ(s["in_progress"], 0) << s.dump();
    EXPECT_EQ(s["dead"], 0) << s.dump();
    EXPECT_EQ(s["done"].get<int>() + s["skipped"].get<int>(), count) << s.dump();
  }

  int count = 300;
  int image_scale = 1;
  RedisServerOptions server_options;
  TempDir tmp;
  std::map<std::string, cv::Size> images;
  std::unique_ptr<RedisServer> redis;
};

}  // namespace thumbflow::e2e
