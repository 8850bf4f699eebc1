// run_worker in-process against a throw-away redis-server on 127.0.0.1: two workers on threads of
// one process, each with its own flow graph, Redis reader and heartbeat. The e2e queue tests run
// the CLI; this one is what the ThreadSanitizer build (.ci/hardening) checks the worker with.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "redis_server.hpp"
#include "test_support.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow {
namespace {
namespace fs = std::filesystem;

// `count` PNGs of 120x80 in tmp/in, as items.
std::vector<Item> make_pngs(const test::TempDir& tmp, int count) {
  std::vector<Item> items;
  for (int i = 0; i < count; ++i) {
    const std::string name = "img" + std::to_string(i) + ".png";
    test::write_bytes(tmp / "in" / name, test::encode(test::make_picture(120, 80, CV_8UC3, i), ".png"));
    items.push_back({(tmp / "in" / name).string(), name, {}, {}});
  }
  return items;
}

TEST(QueueWorker, TwoWorkersInOneProcessDoEveryJobOnce) {
  test::RedisServer redis;
  test::TempDir tmp;
  const std::vector<Item> items = make_pngs(tmp, 24);
  const RedisAddress address = parse_redis_url(redis.url());
  EnqueueOptions enqueue_options;
  enqueue_options.thumbnail.box_width = enqueue_options.thumbnail.box_height = 60;
  ASSERT_EQ(enqueue(address, "photos", items, enqueue_options).added, items.size());

  std::mutex mutex;
  std::multiset<std::string> done;  // inputs, once per job reported done by either worker
  const auto work = [&](const std::string& consumer) {
    WorkerOptions o;
    o.batch.output_dir = (tmp / "out").string();
    o.batch.threads = 2;
    o.consumer = consumer;
    o.read_count = 3;
    o.block_ms = 100;
    o.burst = true;
    o.input_roots = {(tmp / "in").string()};
    return run_worker(address, "photos", o, [&](const JobEvent& event) {
      if (event.result.status != ItemStatus::Done) return;
      const std::lock_guard lock(mutex);
      done.insert(event.result.input);
    });
  };
  auto first = std::async(std::launch::async, work, "w1");
  auto second = std::async(std::launch::async, work, "w2");
  const WorkerSummary a = first.get(), b = second.get();

  EXPECT_EQ(a.done + b.done, items.size());
  EXPECT_EQ(a.dead + b.dead, 0u);
  ASSERT_EQ(done.size(), items.size());
  for (const Item& item : items) {
    EXPECT_EQ(done.count(item.input), 1u) << item.input;
    const fs::path thumbnail =
        tmp / "out" / (fs::path(item.relative_path).stem().string() + "_thumbnail.png");
    const cv::Mat out = cv::imread(thumbnail.string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(out.cols, 60) << thumbnail;
    EXPECT_EQ(out.rows, 40) << thumbnail;
  }
}

// Jobs read in one XREADGROUP but waiting in the worker (buffered, or carried to the next run) are
// the worker's as much as those in the pipeline: the heartbeat must keep all of them younger than
// claim-after, or XAUTOCLAIM elsewhere takes over a live worker's jobs.
TEST(QueueWorker, HeartbeatKeepsEveryJobTheWorkerHoldsFromBeingClaimed) {
  test::RedisServer redis;
  test::TempDir tmp;
  const std::vector<Item> items = make_pngs(tmp, 8);
  const RedisAddress address = parse_redis_url(redis.url());
  ASSERT_EQ(enqueue(address, "photos", items, {}).added, items.size());

  WorkerOptions o;
  o.batch.output_dir = (tmp / "out").string();
  o.batch.threads = 1;
  o.batch.max_in_flight = 1;  // one job in the pipeline, the rest of the read waits in the worker
  o.read_count = 8;
  o.block_ms = 100;
  o.claim_after_ms = 1000;
  o.burst = true;
  o.input_roots = {(tmp / "in").string()};
  long long oldest_ms = -1;
  std::size_t pending = 0;
  const WorkerSummary s = run_worker(address, "photos", o, [&](const JobEvent& event) {
    if (oldest_ms >= 0 || event.result.status != ItemStatus::Done) return;
    // The first job is done; the others were read with it. Hold the worker here for 2.5 claim-after
    // periods, then see how idle the jobs it still holds look to other workers.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    std::istringstream lines(redis.cli({"XPENDING", "photos", "thumbflow", "-", "+", "100"}));
    std::string id, consumer, idle, count;
    oldest_ms = 0;
    while (std::getline(lines, id) && std::getline(lines, consumer) && std::getline(lines, idle) &&
           std::getline(lines, count)) {
      ++pending;
      oldest_ms = std::max(oldest_ms, std::stoll(idle));
    }
  });
  EXPECT_EQ(pending, items.size() - 1);
  EXPECT_LT(oldest_ms, o.claim_after_ms) << "a held job looked abandoned to other workers";
  EXPECT_EQ(s.done, items.size());
}

}  // namespace
}  // namespace thumbflow
