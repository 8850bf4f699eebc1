// run_batch_stream: items listed while the batch runs.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "test_support.hpp"
#include "thumbflow/pipeline.hpp"

namespace thumbflow {
namespace {
namespace fs = std::filesystem;

Item picture_item(const test::TempDir& dir, int i) {
  const std::string name = "img" + std::to_string(i) + ".png";
  test::write_bytes(dir / name, test::encode(test::make_picture(240, 160, CV_8UC3, i), ".png"));
  return {(dir / name).string(), name, {}, "entry-" + std::to_string(i)};
}

BatchOptions stream_options(const test::TempDir& dir, bool serial) {
  BatchOptions o;
  o.output_dir = (dir / "out").string();
  o.thumbnail.box_width = o.thumbnail.box_height = 48;
  o.threads = 2;
  o.serial = serial;
  return o;
}

// Counts reported items; lets the source wait until some have been reported.
struct Reported {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<ItemResult> results;
  void add(const ItemResult& r) {
    const std::lock_guard lock(mutex);
    results.push_back(r);
    changed.notify_all();
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), [&] { return results.size() >= n; });
  }
  std::size_t count() {
    const std::lock_guard lock(mutex);
    return results.size();
  }
};

class Stream : public ::testing::TestWithParam<bool> {};

// The second half of the listing is only given out once the first item's thumbnail is reported: a
// pipeline that waited for the whole listing before starting would never get there.
TEST_P(Stream, ThumbnailsAreMadeWhileTheSourceIsStillListing) {
  test::TempDir dir;
  std::vector<Item> items;
  for (int i = 0; i < 6; ++i) items.push_back(picture_item(dir, i));
  Reported reported;
  std::size_t next = 0;
  bool overlapped = false;
  const NextItem source = [&]() -> std::optional<Item> {
    if (next == 3) overlapped = reported.wait_for(1);
    if (next == items.size()) return std::nullopt;
    return items[next++];
  };
  const BatchReport report = run_batch_stream(source, stream_options(dir, GetParam()),
                                              [&](const ItemResult& r) { reported.add(r); });
  EXPECT_TRUE(overlapped);
  ASSERT_EQ(report.items.size(), 6u);
  EXPECT_EQ(report.summary.done, 6u);
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(report.items[i].input, items[i].input) << "report in listing order";
    EXPECT_EQ(report.items[i].tag, items[i].tag);
    EXPECT_EQ(report.items[i].out_size, (Dimensions{48, 32}));
    EXPECT_TRUE(fs::exists(report.items[i].output));
  }
  EXPECT_EQ(reported.count(), 6u);
}

TEST_P(Stream, ASourceThatThrowsEndsTheListingAsAFailedItem) {
  test::TempDir dir;
  int calls = 0;
  const NextItem source = [&]() -> std::optional<Item> {
    if (++calls == 3) throw std::runtime_error("page 2: HTTP 500");
    return picture_item(dir, calls);
  };
  const BatchReport report = run_batch_stream(source, stream_options(dir, GetParam()));
  ASSERT_EQ(report.items.size(), 3u);
  EXPECT_EQ(report.summary.done, 2u);
  EXPECT_EQ(report.summary.failed, 1u);
  EXPECT_EQ(report.items[2].status, ItemStatus::Failed);
  EXPECT_NE(report.items[2].error.find("page 2: HTTP 500"), std::string::npos) << report.items[2].error;
  EXPECT_EQ(calls, 3) << "not asked again after it threw";
}

INSTANTIATE_TEST_SUITE_P(SerialAndParallel, Stream, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "Serial" : "Parallel"; });

// A source that claims work (a queue shared by workers) is asked for an item only when the graph
// has room for it.
TEST(StreamSource, TheSourceIsNotAskedForMoreThanTheGraphHolds) {
  test::TempDir dir;
  Reported reported;
  BatchOptions o = stream_options(dir, false);
  o.max_in_flight = 3;
  std::size_t listed = 0, most_ahead = 0;
  const NextItem source = [&]() -> std::optional<Item> {
    if (listed == 20) return std::nullopt;
    most_ahead = std::max(most_ahead, listed - reported.count());
    return picture_item(dir, int(listed++));
  };
  const BatchReport report = run_batch_stream(source, o, [&](const ItemResult& r) { reported.add(r); });
  EXPECT_EQ(report.summary.done, 20u);
  EXPECT_LE(most_ahead, 3u);
}

TEST(StreamSource, CancelStopsAskingAndReportsWhatWasListed) {
  test::TempDir dir;
  std::atomic<bool> cancel{false};
  BatchOptions o = stream_options(dir, false);
  o.cancel = &cancel;
  int calls = 0;
  const NextItem source = [&]() -> std::optional<Item> {
    if (cancel.load()) return std::nullopt;  // as a well-behaved source does
    if (++calls == 4) cancel = true;
    return picture_item(dir, calls);
  };
  const BatchReport report = run_batch_stream(source, o);
  EXPECT_EQ(report.summary.total, 4u);
  EXPECT_EQ(report.summary.done + report.summary.cancelled, 4u);
  EXPECT_GE(report.summary.cancelled, 1u) << "the item listed after cancel was not run";
}

}  // namespace
}  // namespace thumbflow
