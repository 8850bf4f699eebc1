// Fsync::Batch: one flush per batch, and the .thumbflow.unsynced mark that makes the next run redo
// what a batch stopped before its flush may have left half-written.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "disk_backed_storage.hpp"
#include "pipeline/run_batch.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kMark = ".thumbflow.unsynced";

// The real disk, recording the order of writes, flushes and removals by file name.
class EventStorage final : public DiskBackedStorage {
 public:
  void write_atomic(const std::string& path, std::span<const std::uint8_t> bytes) override {
    DiskBackedStorage::write_atomic(path, bytes);
    add("write " + fs::path(path).filename().string());
  }
  void flush(const std::string& root) override {
    if (fail_flush_after >= 0 && flushes_++ >= fail_flush_after)
      throw std::runtime_error("Input/output error");
    DiskBackedStorage::flush(root);
    add("flush");
  }
  void remove(const std::string& path) override {
    DiskBackedStorage::remove(path);
    add("remove " + fs::path(path).filename().string());
  }
  void sync(const std::vector<std::string>& paths, const std::vector<std::string>& roots) override {
    std::string event = "sync";
    for (const std::string& path : paths) event += " " + fs::path(path).filename().string();
    if (event.find(kMark) != std::string::npos) {
      std::this_thread::sleep_for(mark_sync_delay);
      if (fail_mark_sync) throw std::runtime_error("Input/output error");
    }
    DiskBackedStorage::sync(paths, roots);
    add(event);
  }

  std::vector<std::string> events() {
    const std::lock_guard lock(mutex_);
    return events_;
  }
  int fail_flush_after = -1;  // flushes that succeed before every later one fails; -1: none fails
  std::chrono::milliseconds mark_sync_delay{0};  // a slow disk: the sync of the mark takes this long
  bool fail_mark_sync = false;                   // ... or fails

 private:
  void add(std::string event) {
    const std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  std::mutex mutex_;
  std::vector<std::string> events_;
  int flushes_ = 0;
};

std::vector<Item> make_items(const test::TempDir& dir, int n) {
  std::vector<Item> items;
  for (int i = 0; i < n; ++i) {
    const std::string name = "img" + std::to_string(i) + ".jpg";
    test::write_bytes(dir / name, test::encode(test::make_picture(320, 240, CV_8UC3, i), ".jpg"));
    items.push_back({(dir / name).string(), name, {}, {}});
  }
  return items;
}

BatchOptions options_for(const test::TempDir& dir, Fsync fsync) {
  BatchOptions o;
  o.output_dir = (dir / "out").string();
  o.thumbnail.box_width = o.thumbnail.box_height = 64;
  o.fsync = fsync;
  return o;
}

std::size_t position(const std::vector<std::string>& events, const std::string& event) {
  return std::size_t(std::find(events.begin(), events.end(), event) - events.begin());
}

bool is_thumbnail_write(const std::string& event) {
  return event.find("_thumbnail.jpg") != std::string::npos;
}

TEST(BatchFlush, OneFlushAfterTheLastThumbnailAndTheMarkIsSyncedBeforeTheFirst) {
  test::TempDir dir;
  const auto items = make_items(dir, 6);
  EventStorage storage;
  const BatchReport report = run_batch_with(items, options_for(dir, Fsync::Batch), storage, {});
  ASSERT_EQ(report.summary.done, 6u);
  EXPECT_EQ(report.summary.flush_error, "");
  const auto events = storage.events();
  // One flush of the file system, at the end: the start fsyncs its own two files instead of also
  // waiting for whatever other programs left unwritten on that file system.
  EXPECT_EQ(std::count(events.begin(), events.end(), "flush"), 1) << testing::PrintToString(events);
  const auto first_thumbnail =
      std::find_if(events.begin(), events.end(), is_thumbnail_write) - events.begin();
  const auto last_thumbnail =
      events.rend() - std::find_if(events.rbegin(), events.rend(), is_thumbnail_write) - 1;
  EXPECT_EQ(std::count_if(events.begin(), events.end(), is_thumbnail_write), 6);
  // The mark and the settings record are on the disk before the first thumbnail is written ...
  const std::string synced = std::string("sync .thumbflow.settings.json ") + kMark;
  EXPECT_LT(position(events, std::string("write ") + kMark), position(events, synced));
  EXPECT_LT(position(events, "write .thumbflow.settings.json"), position(events, synced));
  EXPECT_LT(position(events, synced), std::size_t(first_thumbnail)) << testing::PrintToString(events);
  // ... and the flush comes after the last one, then the mark goes.
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[events.size() - 2], "flush");
  EXPECT_EQ(events.back(), std::string("remove ") + kMark);
  EXPECT_LT(last_thumbnail, std::ptrdiff_t(events.size() - 2));
  EXPECT_FALSE(fs::exists(dir / "out" / kMark));
}

// The mark's fsyncs run beside the start of the batch (downloads, decodes), but no thumbnail is
// written before they are done.
TEST(BatchFlush, ThumbnailsWaitForASlowSyncOfTheMark) {
  test::TempDir dir;
  const auto items = make_items(dir, 6);
  EventStorage storage;
  storage.mark_sync_delay = 500ms;
  const BatchReport report = run_batch_with(items, options_for(dir, Fsync::Batch), storage, {});
  ASSERT_EQ(report.summary.done, 6u);
  const auto events = storage.events();
  const auto first_thumbnail =
      std::find_if(events.begin(), events.end(), is_thumbnail_write) - events.begin();
  EXPECT_LT(position(events, std::string("sync .thumbflow.settings.json ") + kMark),
            std::size_t(first_thumbnail))
      << testing::PrintToString(events);
}

// A mark that cannot be made durable stops the batch as before the fsyncs ran beside it: a setup
// error naming the mark, and no thumbnail written.
TEST(BatchFlush, AFailedSyncOfTheMarkIsASetupErrorAndWritesNoThumbnail) {
  test::TempDir dir;
  const auto items = make_items(dir, 4);
  EventStorage storage;
  storage.mark_sync_delay = 100ms;
  storage.fail_mark_sync = true;
  try {
    run_batch_with(items, options_for(dir, Fsync::Batch), storage, {});
    FAIL() << "the batch ran on";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::string("cannot write ") + (dir / "out" / kMark).string()),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("Input/output error"), std::string::npos) << e.what();
  }
  const auto events = storage.events();
  EXPECT_EQ(std::count_if(events.begin(), events.end(), is_thumbnail_write), 0)
      << testing::PrintToString(events);
  for (int i = 0; i < 4; ++i)
    EXPECT_FALSE(fs::exists(dir / "out" / ("img" + std::to_string(i) + "_thumbnail.jpg"))) << i;
}

TEST(BatchFlush, WithMuchUnwrittenDataOfOthersTheBatchSyncsItsOwnFilesInsteadOfFlushing) {
  test::TempDir dir;
  const auto items = make_items(dir, 6);
  EventStorage storage;
  storage.unwritten = 2ull << 30;  // another program's copy is still on its way to the disk
  const BatchReport report = run_batch_with(items, options_for(dir, Fsync::Batch), storage, {});
  ASSERT_EQ(report.summary.done, 6u);
  EXPECT_EQ(report.summary.flush_error, "");
  const auto events = storage.events();
  EXPECT_EQ(std::count(events.begin(), events.end(), "flush"), 0) << testing::PrintToString(events);
  // The last sync names every thumbnail and the settings record, after the last thumbnail; then
  // the mark goes.
  ASSERT_GE(events.size(), 2u);
  const std::string& last_sync = events[events.size() - 2];
  EXPECT_EQ(last_sync.rfind("sync", 0), 0u) << testing::PrintToString(events);
  for (int i = 0; i < 6; ++i)
    EXPECT_NE(last_sync.find("img" + std::to_string(i) + "_thumbnail.jpg"), std::string::npos) << last_sync;
  EXPECT_NE(last_sync.find(".thumbflow.settings.json"), std::string::npos) << last_sync;
  EXPECT_EQ(events.back(), std::string("remove ") + kMark);
  // With as little unwritten as the batch wrote itself, one flush as before.
  test::TempDir again;
  EventStorage calm;
  calm.unwritten = 1 << 20;
  ASSERT_EQ(run_batch_with(items, options_for(again, Fsync::Batch), calm, {}).summary.done, 6u);
  const auto calm_events = calm.events();
  EXPECT_EQ(std::count(calm_events.begin(), calm_events.end(), "flush"), 1);
}

TEST(BatchFlush, ThumbnailsWrittenSinceAnUnflushedMarkAreMadeAgain) {
  test::TempDir dir;
  const auto items = make_items(dir, 6);
  EventStorage storage;
  ASSERT_EQ(run_batch_with(items, options_for(dir, Fsync::Batch), storage, {}).summary.done, 6u);

  // A batch that stopped before its flush: its mark is there, three thumbnails are older than
  // the mark (an earlier, flushed batch made them) and three newer, torn by the power cut.
  const auto mark_time = fs::file_time_type::clock::now() - 1h;
  test::write_bytes(dir / "out" / kMark, {'x'});
  fs::last_write_time(dir / "out" / kMark, mark_time);
  for (int i = 0; i < 6; ++i) {
    fs::last_write_time(items[std::size_t(i)].input, mark_time - 2h);
    const fs::path thumbnail = dir / "out" / ("img" + std::to_string(i) + "_thumbnail.jpg");
    if (i < 3) {
      fs::last_write_time(thumbnail, mark_time - 1min);
    } else {
      fs::resize_file(thumbnail, 0);
      fs::last_write_time(thumbnail, mark_time + 1min);
    }
  }
  const BatchReport report = run_batch_with(items, options_for(dir, Fsync::Batch), storage, {});
  EXPECT_EQ(report.summary.skipped, 3u);
  EXPECT_EQ(report.summary.done, 3u);
  for (int i = 0; i < 6; ++i) {
    const cv::Mat thumbnail =
        cv::imread((dir / "out" / ("img" + std::to_string(i) + "_thumbnail.jpg")).string());
    EXPECT_EQ(thumbnail.cols, 64) << i;
  }
  EXPECT_FALSE(fs::exists(dir / "out" / kMark));
}

TEST(BatchFlush, AnInterruptedBatchKeepsTheEarlierMarkAndItsTime) {
  test::TempDir dir;
  const auto items = make_items(dir, 3);
  fs::create_directories(dir / "out");
  const auto mark_time = fs::file_time_type::clock::now() - 1h;
  test::write_bytes(dir / "out" / kMark, {'x'});
  fs::last_write_time(dir / "out" / kMark, mark_time);
  std::atomic<bool> cancel{true};
  BatchOptions o = options_for(dir, Fsync::Batch);
  o.cancel = &cancel;
  EventStorage storage;
  const BatchReport report = run_batch_with(items, o, storage, {});
  EXPECT_EQ(report.summary.cancelled, 3u);
  ASSERT_TRUE(fs::exists(dir / "out" / kMark));
  EXPECT_EQ(fs::last_write_time(dir / "out" / kMark), mark_time);
  const auto events = storage.events();
  EXPECT_EQ(position(events, std::string("write ") + kMark), events.size());  // not rewritten
}

TEST(BatchFlush, AFailedFlushIsReportedAndKeepsTheMark) {
  test::TempDir dir;
  const auto items = make_items(dir, 2);
  EventStorage storage;
  storage.fail_flush_after = 0;  // the flush at the end fails
  const BatchReport report = run_batch_with(items, options_for(dir, Fsync::Batch), storage, {});
  EXPECT_EQ(report.summary.done, 2u);
  EXPECT_NE(report.summary.flush_error.find("Input/output error"), std::string::npos)
      << report.summary.flush_error;
  EXPECT_NE(report.summary.flush_error.find((dir / "out").string()), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "out" / kMark));
}

TEST(BatchFlush, EachAndOffWriteNoMarkAndDoNotFlushTheFileSystem) {
  for (const Fsync mode : {Fsync::Each, Fsync::Off}) {
    test::TempDir dir;
    const auto items = make_items(dir, 2);
    EventStorage storage;
    EXPECT_EQ(run_batch_with(items, options_for(dir, mode), storage, {}).summary.done, 2u);
    const auto events = storage.events();
    EXPECT_EQ(std::count(events.begin(), events.end(), "flush"), 0);
    EXPECT_EQ(position(events, std::string("write ") + kMark), events.size());
    EXPECT_FALSE(fs::exists(dir / "out" / kMark));
  }
}

TEST(BatchFlush, AWholeBatchWithFsyncEachClearsAnEarlierMarkButOffDoesNot) {
  for (const Fsync mode : {Fsync::Each, Fsync::Off}) {
    test::TempDir dir;
    const auto items = make_items(dir, 2);
    fs::create_directories(dir / "out");
    test::write_bytes(dir / "out" / kMark, {'x'});
    fs::last_write_time(dir / "out" / kMark, fs::file_time_type::clock::now() - 1h);
    EventStorage storage;
    EXPECT_EQ(run_batch_with(items, options_for(dir, mode), storage, {}).summary.done, 2u);
    EXPECT_EQ(fs::exists(dir / "out" / kMark), mode == Fsync::Off);
  }
}

}  // namespace
}  // namespace thumbflow::detail
