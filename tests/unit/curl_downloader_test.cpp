// The curl multi downloader on its own (no flow graph), against the loopback test server: calls
// from several threads, exactly one callback per fetch, cancellation and destruction with
// transfers in flight. Also what the tsan preset checks for data races on the downloader's shared
// state (its queue, stop flag, cancel flag and callbacks), free of the uninstrumented oneTBB.
#include "net/curl_downloader.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http_server.hpp"

namespace thumbflow::detail {
namespace {

using test::HttpServer;
using test::Response;

// Collects results by URL; wait_for(n) returns once n callbacks came (or after 30 s).
class Results {
 public:
  FetchCallback callback_for(const std::string& url) {
    return [this, url](FetchResult r) {
      std::lock_guard lock(mu_);
      calls_[url].push_back(std::move(r));
      ++count_;
      cv_.notify_all();
    };
  }
  bool wait_for(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return count_ >= n; });
  }
  std::map<std::string, std::vector<FetchResult>> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<FetchResult>> calls_;
  int count_ = 0;
};

// Bytes that pass the downloader's image check (JPEG magic) and differ per path.
std::string fake_jpeg(int i) {
  return "\xFF\xD8\xFF" + std::string(2000 + std::size_t(i), char('a' + i % 26));
}

TEST(CurlDownloader, FetchesFromSeveralThreadsWithOneCallbackEach) {
  HttpServer server;
  for (int i = 0; i < 40; ++i) server.set("/" + std::to_string(i) + ".jpg", Response::ok(fake_jpeg(i)));
  DownloadOptions options;
  options.connections = 6;
  Results results;
  {
    CurlDownloader downloader(options, nullptr);
    std::vector<std::thread> callers;
    for (int t = 0; t < 4; ++t)
      callers.emplace_back([&, t] {
        for (int i = t; i < 40; i += 4) {
          const std::string url = server.url("/" + std::to_string(i) + ".jpg");
          downloader.fetch(url, results.callback_for(url));
        }
      });
    for (auto& c : callers) c.join();
    ASSERT_TRUE(results.wait_for(40));
  }
  const auto calls = results.calls();
  ASSERT_EQ(calls.size(), 40u);
  for (int i = 0; i < 40; ++i) {
    const auto& r = calls.at(server.url("/" + std::to_string(i) + ".jpg"));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(r[0].ok()) << r[0].error;
    const std::string expected = fake_jpeg(i);
    EXPECT_EQ(std::string(r[0].body.begin(), r[0].body.end()), expected);
  }
}

TEST(CurlDownloader, CancelFlagEndsTransfersInFlightAndQueued) {
  HttpServer server;
  Response silent = Response::ok(fake_jpeg(1));
  silent.fault = test::Fault::NeverRespond;
  server.set("/silent.jpg", silent);
  DownloadOptions options;
  options.connections = 2;  // two in flight, the rest queued
  std::atomic<bool> cancel{false};
  Results results;
  CurlDownloader downloader(options, &cancel);
  for (int i = 0; i < 6; ++i) {
    const std::string url = server.url("/silent.jpg?" + std::to_string(i));
    downloader.fetch(url, results.callback_for(url));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  cancel = true;  // as the CLI's signal handler does: no wakeup, the loop polls for it
  ASSERT_TRUE(results.wait_for(6));
  for (const auto& [url, r] : results.calls()) {
    ASSERT_EQ(r.size(), 1u) << url;
    EXPECT_TRUE(r[0].cancelled) << url;
    EXPECT_FALSE(r[0].ok());
  }
}

TEST(CurlDownloader, DestructionCallsBackEveryTransferStillRunning) {
  HttpServer server;
  Response slow = Response::ok(fake_jpeg(2));
  slow.latency_ms = 5000;
  server.set("/slow.jpg", slow);
  Results results;
  {
    CurlDownloader downloader(DownloadOptions{}, nullptr);
    for (int i = 0; i < 5; ++i) {
      const std::string url = server.url("/slow.jpg?" + std::to_string(i));
      downloader.fetch(url, results.callback_for(url));
    }
  }  // the destructor ends them
  ASSERT_TRUE(results.wait_for(5));
  for (const auto& [url, r] : results.calls()) {
    ASSERT_EQ(r.size(), 1u) << url;
    EXPECT_TRUE(r[0].cancelled) << url;
  }
}

}  // namespace
}  // namespace thumbflow::detail
