// run_worker in-process against a throw-away redis-server on 127.0.0.1: two workers on threads of
// one process, each with its own flow graph, Redis reader and heartbeat. The e2e queue tests run
// the CLI; this one is what the ThreadSanitizer build (.ci/hardening) checks the worker with.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "redis_server.hpp"
#include "test_support.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow {
namespace {
namespace fs = std::filesystem;

TEST(QueueWorker, TwoWorkersInOneProcessDoEveryJobOnce) {
  test::RedisServer redis;
  test::TempDir tmp;
  std::vector<Item> items;
  for (int i = 0; i < 24; ++i) {
    const std::string name = "img" + std::to_string(i) + ".png";
    test::write_bytes(tmp / "in" / name, test::encode(test::make_picture(120, 80, CV_8UC3, i), ".png"));
    items.push_back({(tmp / "in" / name).string(), name, {}, {}});
  }
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

}  // namespace
}  // namespace thumbflow
