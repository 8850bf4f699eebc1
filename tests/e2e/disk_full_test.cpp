// Full disks and unwritable output folders, for real (issue 9): the output goes to a tmpfs of
// 1 MB, or to a read-only tmpfs. Tests run as root, where file modes do not stop writes, so only a
// mount makes a write fail for real. Without the right to mount (a container without
// CAP_SYS_ADMIN) these tests skip; tests/unit/pipeline_test.cpp injects the same failures through
// the storage seam either way.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

// A tmpfs mounted on `where` (created) for the lifetime of the object.
class TmpfsMount {
 public:
  TmpfsMount(const fs::path& where, const std::string& options, unsigned long flags = 0) : where_(where) {
    fs::create_directories(where);
    mounted_ = ::mount("tmpfs", where.c_str(), "tmpfs", flags, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  // Changes the size limit (e.g. "size=64m") in place, keeping the files.
  bool remount(const std::string& options) {
    return ::mount("tmpfs", where_.c_str(), "tmpfs", MS_REMOUNT, options.c_str()) == 0;
  }

 private:
  fs::path where_;
  bool mounted_ = false;
  std::string error_;
};

// `count` JPEGs of 1600x1200 whose 400-pixel thumbnails at quality 100 take 60-90 KB each.
std::vector<fs::path> disk_full_inputs(const fs::path& dir, int count) {
  const cv::Mat base = test::make_picture(1600, 1200, CV_8UC3);
  std::vector<fs::path> paths;
  for (int i = 0; i < count; ++i) {
    cv::Mat img;
    base.convertTo(img, -1, 1.0, double(i % 30) - 15.0);
    paths.push_back(dir / ("img" + std::to_string(100 + i) + ".jpg"));
    test::write_bytes(paths.back(), test::encode(img, ".jpg"));
  }
  return paths;
}

TEST(DiskFull, FailedItemsAreReportedNothingPartialAndTheNextRunFinishes) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out", report = tmp / "report.json";
  disk_full_inputs(in, 30);
  TmpfsMount disk(out, "size=1m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << ")";
  const auto inputs_before = snapshot(in);
  const std::vector<std::string> args = {in.string(), "-o",        out.string(), "-s",
                                         "400",       "--quality", "100",        "--report"};

  std::vector<std::string> first_args = args;
  first_args.push_back(report.string());
  first_args.push_back("-v");  // every failure on its own line
  const CommandResult r = run_cli(first_args);
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  const nlohmann::json rep = read_json(report);
  const std::size_t done = rep["summary"]["done"], failed = rep["summary"]["failed"];
  const auto no_space = lines_with(r.err, "No space left on device");
  std::printf("[disk-full] 30 items on a 1 MB tmpfs: exit %d, %zu done, %zu failed, e.g. %s\n", r.exit_code,
              done, failed, no_space.empty() ? "(no line)" : no_space[0].c_str());
  EXPECT_GT(done, 0u);
  EXPECT_GT(failed, 0u);
  EXPECT_EQ(done + failed, 30u);
  // One line per failed item, naming it and the reason.
  EXPECT_EQ(lines_with(r.err, "No space left on device").size(), failed) << r.err;
  for (const auto& item : rep["items"]) {
    SCOPED_TRACE(item.dump());
    const fs::path output = item["output"].get<std::string>();
    if (item["status"] == "failed") {
      EXPECT_NE(item["error"].get<std::string>().find("No space left on device"), std::string::npos);
      EXPECT_FALSE(fs::exists(output));
      EXPECT_EQ(lines_with(r.err, item["input"].get<std::string>() + ": ").size(), 1u);
    } else {
      EXPECT_EQ(item["status"], "done");
      EXPECT_EQ(read_image(output).size(), cv::Size(400, 300)) << "complete and decodable";
    }
  }
  EXPECT_EQ(files_under(out).size(), done) << "no partial files";
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());
  EXPECT_EQ(snapshot(in), inputs_before) << "inputs untouched";

  // With room again, the next run does the rest and keeps what was done.
  ASSERT_TRUE(disk.remount("size=64m"));
  std::vector<std::string> second_args = args;
  second_args.insert(second_args.end(), {(tmp / "report2.json").string(), "--json"});
  const CommandResult again = run_cli(second_args);
  ASSERT_EQ(again.exit_code, 0) << describe(again);
  const auto summary = nlohmann::json::parse(again.out);
  EXPECT_EQ(summary["skipped"], done);
  EXPECT_EQ(summary["done"], failed);
  EXPECT_EQ(files_under(out).size(), 30u);
  EXPECT_EQ(snapshot(in), inputs_before);
}

TEST(DiskFull, ReadOnlyOutputFolderIsAClearErrorAndWritesNothing) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "ro";
  copy_from_data(in, {"fruits.jpg", "butterfly.jpg"});
  TmpfsMount disk(out, "size=1m", MS_RDONLY);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << ")";
  const auto inputs_before = snapshot(in);
  for (const fs::path& target : {out, out / "sub"}) {
    SCOPED_TRACE(target.string());
    const CommandResult r =
        run_cli({in.string(), "-o", target.string(), "--report", (tmp / "r.json").string()});
    std::printf("[read-only] %s: exit %d: %s", target.c_str(), r.exit_code, r.err.c_str());
    EXPECT_EQ(r.exit_code, 1) << "a setup error, nothing started: " << describe(r);
    ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("thumbflow: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(target.string()), std::string::npos) << r.err;
    EXPECT_TRUE(contains_ci(r.err, "not writable") || contains_ci(r.err, "read-only")) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "r.json")) << "exit 1 writes nothing";
    EXPECT_TRUE(files_under(out).empty());
  }
  EXPECT_EQ(snapshot(in), inputs_before);
}

}  // namespace
}  // namespace thumbflow::e2e
