// The settings record of an output folder: a run with new settings that is interrupted must not
// leave a record that makes the older thumbnails it did not redo look up to date.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

TEST(SettingsRecord, InterruptedRunWithNewSizeDoesNotKeepOldThumbnails) {
  test::TempDir dir;
  constexpr int kImages = 80;
  const cv::Mat base = test::make_picture(1600, 1200, CV_8UC3);
  for (int i = 0; i < kImages; ++i) {
    cv::Mat img;
    base.convertTo(img, -1, 1.0, double(i % 40) - 20.0);
    test::write_bytes(dir / "in" / ("img" + std::to_string(i) + ".jpg"), test::encode(img, ".jpg"));
  }
  const std::string in = (dir / "in").string(), out = (dir / "out").string();
  const auto run = [&](const std::string& size, int sigint_after_ms) {
    return test::run_command(
        {kCli, "run", in, "-o", out, "-s", size, "--decode", "full", "-j", "1", "--json", "-q"}, 120,
        sigint_after_ms);
  };
  const CommandResult small = run("64", -1);
  ASSERT_EQ(small.exit_code, 0) << describe(small);

  const CommandResult interrupted = run("256", 400);
  ASSERT_EQ(interrupted.exit_code, 130) << describe(interrupted);
  const auto s = nlohmann::json::parse(interrupted.out);
  std::printf("[settings] interrupted -s 256: %d done, %d cancelled\n", s["done"].get<int>(),
              s["cancelled"].get<int>());
  ASSERT_GT(s["cancelled"].get<int>(), 0) << "the run ended before the signal; nothing to check";

  const CommandResult again = run("256", -1);
  ASSERT_EQ(again.exit_code, 0) << describe(again);
  EXPECT_EQ(nlohmann::json::parse(again.out)["skipped"], 0) << "thumbnails of -s 64 taken as up to date";
  const std::vector<std::string> files = files_under(out);
  ASSERT_EQ(files.size(), std::size_t(kImages));
  int small_left = 0;
  for (const std::string& f : files) {
    const cv::Mat t = read_image(fs::path(out) / f);
    if (t.cols != 256 || t.rows != 192) ++small_left;
  }
  EXPECT_EQ(small_left, 0) << "of " << kImages << " thumbnails are not 256x192";

  // The finished run recorded its settings: the next one trusts what it made.
  const CommandResult fourth = run("256", -1);
  ASSERT_EQ(fourth.exit_code, 0) << describe(fourth);
  EXPECT_EQ(nlohmann::json::parse(fourth.out)["skipped"], kImages);
}

}  // namespace
}  // namespace thumbflow::e2e
