#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

#include "disk_backed_storage.hpp"
#include "io/storage.hpp"
#include "pipeline/run_batch.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {
namespace fs = std::filesystem;

// Disk storage that counts images in flight (read started, write not yet finished) and can fail
// writes of chosen files, as a full disk would.
class ProbeStorage final : public DiskBackedStorage {
 public:
  std::vector<std::uint8_t> read(const std::string& path, std::uint64_t max_bytes) override {
    const int now = ++in_flight_;
    int seen = peak_.load();
    while (now > seen && !peak_.compare_exchange_weak(seen, now)) {
    }
    return DiskBackedStorage::read(path, max_bytes);
  }
  void write_atomic(const std::string& path, std::span<const std::uint8_t> bytes) override {
    struct Done {
      std::atomic<int>& n;
      ~Done() { --n; }
    } done{in_flight_};
    DiskBackedStorage::write_atomic(path, bytes);
  }

  int peak() const { return peak_.load(); }

 private:
  std::atomic<int> in_flight_{0}, peak_{0};
};

std::vector<Item> make_items(const test::TempDir& dir, int n) {
  std::vector<Item> items;
  for (int i = 0; i < n; ++i) {
    const std::string name = "img" + std::to_string(i) + ".png";
    test::write_bytes(dir / name, test::encode(test::make_picture(300, 200, CV_8UC3, i), ".png"));
    items.push_back({(dir / name).string(), name, {}, {}});
  }
  return items;
}

BatchOptions options_for(const test::TempDir& out) {
  BatchOptions o;
  o.output_dir = (out / "out").string();
  o.thumbnail.box_width = o.thumbnail.box_height = 64;
  return o;
}

TEST(Pipeline, LimiterBoundsImagesInFlight) {
  test::TempDir dir;
  const auto items = make_items(dir, 40);
  BatchOptions o = options_for(dir);
  o.threads = 4;
  o.max_in_flight = 3;
  ProbeStorage storage;
  const BatchReport report = run_batch_with(items, o, storage, {});
  EXPECT_EQ(report.summary.done, 40u);
  EXPECT_LE(storage.peak(), 3);
  EXPECT_GE(storage.peak(), 1);
}

// The default the help texts and the README give: 2 x threads, + 2 x connections for a batch
// that downloads; --in-flight wins.
TEST(Pipeline, InFlightDefaultIsTwoPerThreadAndTwoPerConnection) {
  EXPECT_EQ(detail::images_in_flight(0, 2, false, 16), 4);
  EXPECT_EQ(detail::images_in_flight(0, 2, true, 16), 36);
  EXPECT_EQ(detail::images_in_flight(0, 8, true, 4), 24);
  EXPECT_EQ(detail::images_in_flight(0, 1, true, 0), 4) << "at least one connection";
  EXPECT_EQ(detail::images_in_flight(7, 2, true, 16), 7);
}

TEST(Pipeline, SerialAndParallelGiveTheSameThumbnails) {
  test::TempDir dir;
  const auto items = make_items(dir, 12);
  BatchOptions serial = options_for(dir);
  serial.serial = true;
  serial.output_dir = (dir / "serial").string();
  BatchOptions parallel = options_for(dir);
  parallel.threads = 2;
  std::vector<std::string> order;
  const BatchReport a = run_batch(items, serial, [&](const ItemResult& r) { order.push_back(r.input); });
  const BatchReport b = run_batch(items, parallel);
  EXPECT_EQ(order.size(), 12u);
  EXPECT_EQ(a.summary.threads, 1);
  EXPECT_EQ(b.summary.threads, 2);
  ASSERT_EQ(a.summary.done, 12u);
  ASSERT_EQ(b.summary.done, 12u);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const cv::Mat x = cv::imread(a.items[i].output, cv::IMREAD_UNCHANGED);
    const cv::Mat y = cv::imread(b.items[i].output, cv::IMREAD_UNCHANGED);
    ASSERT_EQ(x.size(), cv::Size(64, 43));
    EXPECT_EQ(cv::norm(x, y, cv::NORM_INF), 0) << items[i].input;
  }
}

TEST(Pipeline, WriteFailureFailsOnlyThatItemAndLeavesNoFile) {
  test::TempDir dir;
  const auto items = make_items(dir, 6);
  BatchOptions o = options_for(dir);
  ProbeStorage storage;
  storage.fail_substring = "img3_";
  const BatchReport report = run_batch_with(items, o, storage, {});
  EXPECT_EQ(report.summary.done, 5u);
  EXPECT_EQ(report.summary.failed, 1u);
  EXPECT_EQ(report.items[3].status, ItemStatus::Failed);
  EXPECT_EQ(report.items[3].error, "No space left on device");
  EXPECT_FALSE(fs::exists(report.items[3].output));
}

// What fails the same way on every try is Permanent (a queue worker gives it up at once); a write
// failure may pass later: Transient. The JSON report says which, for failed items only.
TEST(Pipeline, FailuresSayWhetherTryingAgainCouldHelp) {
  test::TempDir dir;
  auto items = make_items(dir, 3);
  test::write_bytes(dir / "img1.png", {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});
  BatchOptions o = options_for(dir);
  ProbeStorage storage;
  storage.fail_substring = "img2_";
  for (const bool serial : {false, true}) {
    o.serial = serial;
    const BatchReport report = run_batch_with(items, o, storage, {});
    EXPECT_EQ(report.items[0].failure, FailureKind::None);
    EXPECT_EQ(report.items[1].failure, FailureKind::Permanent) << report.items[1].error;
    EXPECT_EQ(report.items[2].failure, FailureKind::Transient) << report.items[2].error;
    const std::string json = report_to_json(report, -1);
    EXPECT_NE(json.find(R"("failure":"permanent")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("failure":"transient")"), std::string::npos) << json;
    EXPECT_EQ(json.find(R"("failure":"none")"), std::string::npos) << json;
  }
}

// Names that are not UTF-8 (any bytes are legal in a Linux file name) stay apart in the report:
// both showed as "a\uFFFD.jpg" before; their exact bytes now follow, percent-encoded.
TEST(Report, NamesThatAreNotUtf8KeepTheirBytes) {
  BatchReport report;
  for (const char* name : {"a\xff.jpg", "a\xfe.jpg", "caf\xc3\xa9 100%.jpg"}) {
    ItemResult& r = report.items.emplace_back();
    r.input = name;
    r.output = std::string(name) + "_thumbnail.jpg";
  }
  const std::string json = report_to_json(report, -1);
  EXPECT_NE(json.find(R"("input_bytes":"a%FF.jpg")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("input_bytes":"a%FE.jpg")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("output_bytes":"a%FE.jpg_thumbnail.jpg")"), std::string::npos) << json;
  EXPECT_NE(json.find("\"input\":\"caf\xc3\xa9 100%.jpg\""), std::string::npos) << json;  // UTF-8 as it is
  EXPECT_EQ(json.find("caf\xc3\xa9 100%.jpg\",\"input_bytes"), std::string::npos) << json;
  EXPECT_EQ(json.find("%25"), std::string::npos) << json;
}

TEST(Pipeline, RerunSkipsAndCancelStopsBeforeStarting) {
  test::TempDir dir;
  const auto items = make_items(dir, 5);
  BatchOptions o = options_for(dir);
  EXPECT_EQ(run_batch(items, o).summary.done, 5u);
  EXPECT_EQ(run_batch(items, o).summary.skipped, 5u);
  o.skip_existing = false;
  std::atomic<bool> cancel{true};
  o.cancel = &cancel;
  for (bool serial : {true, false}) {
    o.serial = serial;
    const BatchReport r = run_batch(items, o);
    EXPECT_EQ(r.summary.cancelled, 5u);
    EXPECT_EQ(r.summary.done, 0u);
  }
}

TEST(Pipeline, ChangedSettingsRedoInsteadOfSkippingStaleThumbnails) {
  test::TempDir dir;
  const auto items = make_items(dir, 3);
  BatchOptions o = options_for(dir);
  EXPECT_EQ(run_batch(items, o).summary.done, 3u);
  o.thumbnail.box_width = o.thumbnail.box_height = 32;
  const BatchReport smaller = run_batch(items, o);
  EXPECT_EQ(smaller.summary.done, 3u);
  EXPECT_EQ(cv::imread(smaller.items[0].output).cols, 32);
  EXPECT_EQ(run_batch(items, o).summary.skipped, 3u);  // same settings again: nothing to do
  o.thumbnail.quality = 40;
  EXPECT_EQ(run_batch(items, o).summary.done, 3u);
}

TEST(Pipeline, BadOptionsThrowBeforeWritingAnything) {
  test::TempDir dir;
  BatchOptions o = options_for(dir);
  o.thumbnail.quality = 0;
  EXPECT_THROW(run_batch({}, o), std::invalid_argument);
  o.thumbnail.quality = 80;
  o.name_template = "fixed.jpg";
  EXPECT_THROW(run_batch({}, o), std::invalid_argument);
  EXPECT_FALSE(fs::exists(o.output_dir));
}

}  // namespace
}  // namespace thumbflow::detail
