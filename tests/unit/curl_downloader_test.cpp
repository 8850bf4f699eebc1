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
  options.allow_private_addresses = true;  // the test server is on loopback
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
  options.allow_private_addresses = true;
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
    DownloadOptions options;
    options.allow_private_addresses = true;
    CurlDownloader downloader(options, nullptr);
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

// The private-address guard, on: every test server is on 127.0.0.1, which it must refuse.
FetchResult fetch_one(const DownloadOptions& options, const std::string& url) {
  Results results;
  CurlDownloader downloader(options, nullptr);
  downloader.fetch(url, results.callback_for(url));
  EXPECT_TRUE(results.wait_for(1));
  return results.calls().at(url).at(0);
}

TEST(CurlDownloader, GuardRefusesLoopbackWithoutTryingAgain) {
  HttpServer server;
  server.set("/a.jpg", Response::ok(fake_jpeg(1)));
  DownloadOptions options;
  options.retries = 3;
  options.backoff_ms = 1;
  const FetchResult r = fetch_one(options, server.url("/a.jpg"));
  EXPECT_EQ(r.error, "refused: 127.0.0.1 is a loopback address; --allow-private-urls to allow");
  EXPECT_EQ(r.tries, 1);
  EXPECT_EQ(server.total_requests(), 0);
  // A name is judged by what it resolves to.
  const FetchResult by_name =
      fetch_one(options, "http://localhost:" + std::to_string(server.port()) + "/a.jpg");
  EXPECT_NE(by_name.error.find("is a loopback address"), std::string::npos) << by_name.error;
  EXPECT_EQ(server.total_requests(), 0);

  options.allow_private_addresses = true;
  EXPECT_TRUE(fetch_one(options, server.url("/a.jpg")).ok());
  EXPECT_EQ(server.total_requests(), 1);
}

TEST(CurlDownloader, GuardChecksEveryRedirectHop) {
  HttpServer trusted, internal;
  internal.set("/secret.jpg", Response::ok(fake_jpeg(2)));
  trusted.set("/a.jpg", Response::ok(fake_jpeg(1)));
  trusted.set("/moved.jpg", Response::redirect(302, internal.url("/secret.jpg")));
  DownloadOptions options;
  options.trusted_origins = {trusted.url("")};  // as a gallery API the user named
  EXPECT_TRUE(fetch_one(options, trusted.url("/a.jpg")).ok());
  const FetchResult r = fetch_one(options, trusted.url("/moved.jpg"));
  EXPECT_EQ(r.error, "refused: 127.0.0.1 is a loopback address; --allow-private-urls to allow");
  EXPECT_EQ(internal.total_requests(), 0);
  EXPECT_EQ(trusted.request_count("/moved.jpg"), 1);
}

// A server trickling 2 KB/s (over the 1 KB/s stall floor) is cut at the total time limit, with no
// retry (time does not come back), and the other downloads go on.
TEST(CurlDownloader, ATrickleIsCutAtTheTotalTimeLimit) {
  HttpServer server;
  Response trickle = Response::ok(fake_jpeg(3) + std::string(1 << 20, 't'));
  trickle.fault = test::Fault::SlowBody;
  trickle.bytes_per_tick = 200;
  trickle.tick_ms = 100;
  server.set("/trickle.jpg", trickle);
  server.set("/ok.jpg", Response::ok(fake_jpeg(4)));
  DownloadOptions options;
  options.allow_private_addresses = true;
  options.timeout_s = 1;
  options.retries = 3;
  options.backoff_ms = 1;
  Results results;
  const auto start = std::chrono::steady_clock::now();
  {
    CurlDownloader downloader(options, nullptr);
    for (const std::string path : {"/trickle.jpg", "/ok.jpg"})
      downloader.fetch(server.url(path), results.callback_for(server.url(path)));
    ASSERT_TRUE(results.wait_for(2));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto calls = results.calls();
  EXPECT_EQ(calls.at(server.url("/trickle.jpg")).at(0).error, "timed out after 1 s");
  EXPECT_TRUE(calls.at(server.url("/ok.jpg")).at(0).ok());
  EXPECT_EQ(server.request_count("/trickle.jpg"), 1);
  EXPECT_LT(seconds, 3.0);
}

// libcurl 7.x reports a header line over its 100 KB limit as "Out of memory" (code 27), and all
// headers over 300 KB as a receive error (code 56, which would be retried): both are said for
// what they are, and neither is tried again.
TEST(CurlDownloader, ResponseHeadersTooLargeAreSaidSoAndNotRetried) {
  HttpServer server;
  Response one_line = Response::ok(fake_jpeg(1));
  one_line.headers.push_back({"X-Huge", std::string(200 * 1024, 'h')});
  server.set("/line.jpg", one_line);
  Response many = Response::ok(fake_jpeg(2));
  for (int i = 0; i < 400; ++i)
    many.headers.push_back({"X-Many-" + std::to_string(i), std::string(1000, 'm')});
  server.set("/many.jpg", many);
  DownloadOptions options;
  options.allow_private_addresses = true;
  options.retries = 2;
  options.backoff_ms = 1;
  const FetchResult line = fetch_one(options, server.url("/line.jpg"));
  EXPECT_EQ(line.error, "response header too large (a header line over 100 KB) after 1 try");
  const FetchResult all = fetch_one(options, server.url("/many.jpg"));
  EXPECT_EQ(all.error, "response headers too large (over 300 KB) after 1 try");
  EXPECT_EQ(server.request_count("/many.jpg"), 1);
}

}  // namespace
}  // namespace thumbflow::detail
