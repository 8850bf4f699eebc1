// Ctrl-C (SIGINT) or SIGTERM (kill, a service manager) during a big run: it stops soon, leaves no
// temporary files, writes the report of what was done and exits 130; the next run finishes the
// rest without redoing anything.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

class Interrupt : public ::testing::TestWithParam<int> {};

TEST_P(Interrupt, StopsCleanlyWritesTheReportAndResumes) {
  test::TempDir dir;
  const cv::Mat base = test::make_picture(1600, 1200, CV_8UC3);
  for (int i = 0; i < 150; ++i) {
    cv::Mat img;
    base.convertTo(img, -1, 1.0, double(i % 40) - 20.0);
    test::write_bytes(dir / "in" / ("img" + std::to_string(i) + ".jpg"), test::encode(img, ".jpg"));
  }
  const std::string in = (dir / "in").string(), out = (dir / "out").string();
  const std::string report = (dir / "report.json").string();
  // Full decode and one thread make the run long enough (several seconds) to interrupt.
  const std::vector<std::string> args = {kCli,   "run", in,  "-o",       out,   "--decode",
                                         "full", "-j",  "1", "--report", report};
  const test::CommandResult first = test::run_command(args, 120, 400, "/dev/null", GetParam());
  ASSERT_EQ(first.exit_code, 130) << first.err;
  EXPECT_LT(first.seconds_after_signal, 2.0) << "took too long to stop";
  EXPECT_TRUE(temp_leftovers(dir.path()).empty());

  const auto j = nlohmann::json::parse(test::read_bytes(report));
  const std::size_t done = j["summary"]["done"], cancelled = j["summary"]["cancelled"];
  std::printf("[interrupt] signal %d: exit %d, stopped %.2f s after the signal, %zu done, %zu cancelled\n",
              GetParam(), first.exit_code, first.seconds_after_signal, done, cancelled);
  EXPECT_EQ(done + cancelled, 150u);
  EXPECT_GT(cancelled, 0u);
  EXPECT_EQ(files_under(dir / "out").size(), done);
  for (const auto& item : j["items"]) {
    if (item["status"] != "done") continue;
    EXPECT_FALSE(cv::imread(item["output"].get<std::string>()).empty());
  }

  const test::CommandResult second =
      test::run_command({kCli, "run", in, "-o", out, "--decode", "full", "--json", "-q"}, 120);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const auto s = nlohmann::json::parse(second.out);
  EXPECT_EQ(s["skipped"], done);
  EXPECT_EQ(s["done"], cancelled);
  EXPECT_EQ(files_under(dir / "out").size(), 150u);
}

INSTANTIATE_TEST_SUITE_P(Signals, Interrupt, ::testing::Values(SIGINT, SIGTERM),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                           return std::string(param_info.param == SIGINT ? "SIGINT" : "SIGTERM");
                         });

// SIGKILL (or a power cut) gives no chance to remove the temporary file being written: the next
// run removes such files once they are 10 minutes old, and says so; younger ones may belong to
// another run writing into the same folder and stay.
TEST(Interrupt, NextRunRemovesTemporaryFilesOfAKilledRun) {
  test::TempDir dir;
  copy_from_data(dir / "in", {"fruits.jpg"});
  const fs::path out = dir / "out";
  fs::create_directories(out / "sub");
  for (const fs::path& p : {out / ".fruits_thumbnail.jpg.thumbflow-Ab12Cd",
                            out / "sub" / ".x.png.thumbflow-zz99zz", out / ".y.jpg.thumbflow-young1"})
    test::write_text(p, "part of a thumbnail");
  const auto hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(out / ".fruits_thumbnail.jpg.thumbflow-Ab12Cd", hour_ago);
  fs::last_write_time(out / "sub" / ".x.png.thumbflow-zz99zz", hour_ago);

  const CommandResult r = run_cli({(dir / "in").string(), "-o", out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.err.find("thumbflow: removed 2 temporary files left by an interrupted run"), std::string::npos)
      << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("temp_files_removed"), 2);
  EXPECT_EQ(temp_leftovers(out), std::vector<std::string>{(out / ".y.jpg.thumbflow-young1").string()});
  EXPECT_TRUE(fs::exists(out / "fruits_thumbnail.jpg"));
}

}  // namespace
}  // namespace thumbflow::e2e
