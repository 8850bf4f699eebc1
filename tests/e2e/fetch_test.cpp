// `thumbflow fetch` against a real HTTP server on 127.0.0.1 (tests/support/http_server): the
// happy path, connection reuse and limits, retries, every network fault of the downloader issue,
// and that no partial file is ever left behind.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "e2e_support.hpp"
#include "http_server.hpp"

namespace thumbflow::e2e {
namespace {

using test::HttpServer;
using test::Response;

std::string fetch_jpeg_bytes(int seed, int width = 320, int height = 240) {
  const auto bytes = test::encode(test::make_picture(width, height, CV_8UC3, seed), ".jpg");
  return {bytes.begin(), bytes.end()};
}

struct FetchRun {
  CommandResult result;
  double seconds = 0;
};

class Fetch : public ::testing::Test {
 protected:
  TempDir dir;
  HttpServer server;
  fs::path out() const { return dir / "out"; }

  // Writes the URL list and runs `thumbflow fetch LIST -o OUT --backoff-ms 20 <extra...>`.
  FetchRun fetch(const std::vector<std::string>& urls, std::vector<std::string> extra = {}) {
    std::string list = "# test list\n";
    for (const auto& u : urls) list += u + "\n";
    test::write_text(dir / "urls.txt", list);
    std::vector<std::string> argv = {
        kCli, "fetch", (dir / "urls.txt").string(), "-o", out().string(), "--backoff-ms", "20"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto start = std::chrono::steady_clock::now();
    FetchRun run{test::run_command(argv, 60), 0};
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
  }

  // The only files under OUT (and the originals folder) are `expected`; nothing partial.
  void expect_only(const std::vector<std::string>& expected) {
    EXPECT_EQ(files_under(out()), expected);
    EXPECT_TRUE(temp_leftovers(dir.path()).empty());
  }
};

TEST_F(Fetch, DownloadsAndThumbnailsEveryUrlReusingConnections) {
  std::vector<std::string> urls;
  for (int i = 0; i < 24; ++i) {
    const std::string path = "/img/p" + std::to_string(i) + ".jpg";
    server.set(path, Response::ok(fetch_jpeg_bytes(i), "image/jpeg"));
    urls.push_back(server.url(path));
  }
  const FetchRun run = fetch(urls, {"--connections", "4", "--json", "-q"});
  ASSERT_EQ(run.result.exit_code, 0) << describe(run.result);
  EXPECT_EQ(nlohmann::json::parse(run.result.out)["done"], 24);
  for (int i = 0; i < 24; ++i) {
    const cv::Mat thumb = cv::imread((out() / ("p" + std::to_string(i) + "_thumbnail.jpg")).string());
    ASSERT_FALSE(thumb.empty()) << i;
    EXPECT_EQ(thumb.size(), cv::Size(128, 96));
  }
  EXPECT_EQ(server.total_requests(), 24);
  EXPECT_LE(server.connections_accepted(), 4) << "connections are not reused";
  EXPECT_LE(server.max_concurrent_requests(), 4);
}

TEST_F(Fetch, ConcurrencyFollowsConnectionsAndSerialIsOneAtATime) {
  std::vector<std::string> urls;
  for (int i = 0; i < 12; ++i) {
    const std::string path = "/slow/" + std::to_string(i) + ".jpg";
    Response r = Response::ok(fetch_jpeg_bytes(i, 64, 48), "image/jpeg");
    r.latency_ms = 150;
    server.set(path, r);
    urls.push_back(server.url(path));
  }
  const FetchRun parallel = fetch(urls, {"--connections", "6", "--per-host", "0"});
  ASSERT_EQ(parallel.result.exit_code, 0) << describe(parallel.result);
  EXPECT_GE(server.max_concurrent_requests(), 4);  // 12 x 150 ms would be 1.8 s one at a time
  EXPECT_LE(server.max_concurrent_requests(), 6);
  server.reset_stats();
  const FetchRun serial = fetch(urls, {"--serial", "--force"});
  ASSERT_EQ(serial.result.exit_code, 0) << describe(serial.result);
  EXPECT_EQ(server.max_concurrent_requests(), 1);
  EXPECT_EQ(server.total_requests(), 12);
  EXPECT_GT(serial.seconds, 1.7);
}

TEST_F(Fetch, ClientErrorsFailAtOnceServerErrorsAreRetried) {
  server.set_sequence("/flaky.jpg",
                      {Response{500, {}, "oops"}, Response::ok(fetch_jpeg_bytes(1), "image/jpeg")});
  Response limited{429, {{"Retry-After", "1"}}, "slow down"};
  server.set_sequence("/limited.jpg", {limited, Response::ok(fetch_jpeg_bytes(2), "image/jpeg")});
  server.set("/down.jpg", Response{503, {}, "unavailable"});
  const FetchRun run = fetch({server.url("/flaky.jpg"), server.url("/limited.jpg"),
                              server.url("/missing.jpg"), server.url("/down.jpg")},
                             {"--retries", "2"});
  EXPECT_EQ(run.result.exit_code, 2) << describe(run.result);
  EXPECT_EQ(server.request_count("/flaky.jpg"), 2);
  EXPECT_EQ(server.request_count("/limited.jpg"), 2);
  EXPECT_GE(run.seconds, 1.0) << "Retry-After: 1 was not honoured";
  EXPECT_EQ(server.request_count("/missing.jpg"), 1);
  EXPECT_EQ(server.request_count("/down.jpg"), 3);
  EXPECT_EQ(lines_with(run.result.err, "missing.jpg: HTTP 404 after 1 try").size(), 1u) << run.result.err;
  EXPECT_EQ(lines_with(run.result.err, "down.jpg: HTTP 503 after 3 tries").size(), 1u) << run.result.err;
  expect_only({"flaky_thumbnail.jpg", "limited_thumbnail.jpg"});
}

TEST_F(Fetch, BrokenTransfersFailInBoundedTimeAndLeaveNothing) {
  const std::string image = fetch_jpeg_bytes(3, 640, 480);
  Response truncated = Response::ok(image.substr(0, image.size() / 2), "image/jpeg");
  truncated.headers.push_back({"Content-Length", std::to_string(image.size())});
  server.set("/truncated.jpg", truncated);
  Response reset = Response::ok(image, "image/jpeg");
  reset.fault = test::Fault::ResetMidBody;
  server.set("/reset.jpg", reset);
  Response drip = Response::ok(image, "image/jpeg");
  drip.fault = test::Fault::SlowBody;
  drip.bytes_per_tick = 50;
  drip.tick_ms = 200;  // 250 B/s, under the 1 KB/s floor
  server.set("/drip.jpg", drip);
  Response silent = Response::ok(image, "image/jpeg");
  silent.fault = test::Fault::NeverRespond;
  server.set("/silent.jpg", silent);
  server.set("/ok.jpg", Response::ok(image, "image/jpeg"));
  const FetchRun run = fetch({server.url("/truncated.jpg"), server.url("/reset.jpg"), server.url("/drip.jpg"),
                              server.url("/silent.jpg"), server.url("/ok.jpg")},
                             {"--retries", "1", "--stall-timeout", "1", "--keep-originals",
                              (dir / "orig").string(), "-v"});  // -v: each failure on its own line
  EXPECT_EQ(run.result.exit_code, 2) << describe(run.result);
  EXPECT_LT(run.seconds, 20);
  for (const char* name : {"truncated.jpg", "reset.jpg", "drip.jpg", "silent.jpg"}) {
    EXPECT_EQ(lines_with(run.result.err, std::string(name) + ": ").size(), 1u) << name << "\n"
                                                                               << run.result.err;
  }
  EXPECT_EQ(lines_with(run.result.err, "after 2 tries").size(), 4u) << run.result.err;
  expect_only({"ok_thumbnail.jpg"});
  EXPECT_EQ(files_under(dir / "orig"), (std::vector<std::string>{"ok.jpg"}));
  EXPECT_EQ(test::read_bytes(dir / "orig" / "ok.jpg"), std::vector<std::uint8_t>(image.begin(), image.end()));
}

// A server trickling 2 KB/s keeps above the 1 KB/s stall floor for ever: --timeout ends that
// download with one line, and the rest of the batch is done.
TEST_F(Fetch, ATrickleEndsAtTimeoutAndTheBatchGoesOn) {
  const std::string image = fetch_jpeg_bytes(8, 640, 480);
  Response trickle = Response::ok(image + std::string(1 << 20, '\0'), "image/jpeg");
  trickle.fault = test::Fault::SlowBody;
  trickle.bytes_per_tick = 200;
  trickle.tick_ms = 100;
  server.set("/trickle.jpg", trickle);
  server.set("/ok.jpg", Response::ok(image, "image/jpeg"));
  const FetchRun run = fetch({server.url("/trickle.jpg"), server.url("/ok.jpg")}, {"--timeout", "2", "-v"});
  EXPECT_EQ(run.result.exit_code, 2) << describe(run.result);
  EXPECT_EQ(lines_with(run.result.err, "trickle.jpg: timed out after 2 s").size(), 1u) << run.result.err;
  EXPECT_EQ(server.request_count("/trickle.jpg"), 1) << "no retry: the time is used up";
  EXPECT_LT(run.seconds, 6);
  expect_only({"ok_thumbnail.jpg"});
}

// Each hostile server alone, with the default limits but a short stall timeout and no retries: it
// ends in bounded time and memory with one line naming the URL, and the good URL is still done.
TEST_F(Fetch, EachHostileServerEndsWithOneClearLine) {
  const std::string image = fetch_jpeg_bytes(7, 640, 480);
  server.set("/ok.jpg", Response::ok(image, "image/jpeg"));
  const std::vector<std::pair<std::string, test::Fault>> cases = {
      {"silent.jpg", test::Fault::NeverRespond},
      {"endless.jpg", test::Fault::EndlessBody},
      {"reset.jpg", test::Fault::ResetMidBody},
      {"hangup.jpg", test::Fault::CloseBeforeResponse}};
  for (const auto& [name, fault] : cases) {
    SCOPED_TRACE(name);
    Response r = Response::ok(fault == test::Fault::EndlessBody ? "\xFF\xD8\xFF" : image, "image/jpeg");
    r.fault = fault;
    server.set("/" + name, r);
    const FetchRun run = fetch({server.url("/" + name), server.url("/ok.jpg")},
                               {"--retries", "0", "--stall-timeout", "2", "--force", "-q"});
    const auto lines = lines_with(run.result.err, name + ": ");
    // For the closing note.
    std::printf("[hostile-net] %s: exit %d, %.2f s, peak RSS %ld MB: %s\n", name.c_str(),
                run.result.exit_code, run.seconds, run.result.max_rss_kb / 1024,
                lines.empty() ? "(no line)" : lines[0].c_str());
    ASSERT_NE(run.result.exit_code, -1) << "did not end";
    EXPECT_EQ(run.result.exit_code, 2) << describe(run.result);
    EXPECT_EQ(lines.size(), 1u) << run.result.err;
    EXPECT_EQ(lines_of(run.result.err).size(), 1u) << run.result.err;
    EXPECT_LT(run.result.max_rss_kb, 400L * 1024) << "an endless body is cut at --max-bytes (50 MB)";
    expect_only({"ok_thumbnail.jpg"});
  }
}

TEST_F(Fetch, RedirectsAreFollowedButOnlyToHttpAndAtMostFive) {
  server.set("/real.jpg", Response::ok(fetch_jpeg_bytes(4), "image/jpeg"));
  server.set("/moved.jpg", Response::redirect(301, "/real.jpg"));
  server.set("/loop-a.jpg", Response::redirect(302, "/loop-b.jpg"));
  server.set("/loop-b.jpg", Response::redirect(302, "/loop-a.jpg"));
  server.set("/to-file.jpg", Response::redirect(302, "file:///etc/passwd"));
  const FetchRun run = fetch(
      {server.url("/moved.jpg"), server.url("/loop-a.jpg"), server.url("/to-file.jpg"), "file:///etc/hosts"});
  EXPECT_EQ(run.result.exit_code, 2) << describe(run.result);
  EXPECT_EQ(lines_with(run.result.err, "loop-a.jpg: more than 5 redirects").size(), 1u) << run.result.err;
  EXPECT_EQ(lines_with(run.result.err, "to-file.jpg: only http and https").size(), 1u) << run.result.err;
  EXPECT_EQ(lines_with(run.result.err, "file:///etc/hosts: not an http(s) URL").size(), 1u) << run.result.err;
  expect_only({"moved_thumbnail.jpg"});
}

TEST_F(Fetch, OversizeBodiesAndHtmlPagesAreErrors) {
  server.set("/big.jpg", Response::ok(fetch_jpeg_bytes(5, 800, 600), "image/jpeg"));
  Response endless = Response::ok("\xFF\xD8\xFF", "image/jpeg");
  endless.fault = test::Fault::EndlessBody;
  server.set("/endless.jpg", endless);
  server.set("/page.jpg", Response::ok("<html><body>Over capacity</body></html>", "text/html"));
  server.set("/small.jpg", Response::ok(fetch_jpeg_bytes(6, 40, 30), "image/jpeg"));
  const FetchRun run = fetch(
      {server.url("/big.jpg"), server.url("/endless.jpg"), server.url("/page.jpg"), server.url("/small.jpg")},
      {"--max-bytes", "20000", "-v"});  // -v: each failure on its own line
  EXPECT_EQ(run.result.exit_code, 2) << describe(run.result);
  EXPECT_LT(run.seconds, 20);
  EXPECT_EQ(lines_with(run.result.err, "big.jpg: body larger than --max-bytes").size(), 1u) << run.result.err;
  EXPECT_EQ(lines_with(run.result.err, "endless.jpg: body larger than --max-bytes").size(), 1u)
      << run.result.err;
  EXPECT_EQ(lines_with(run.result.err, "page.jpg: not an image (HTTP 200, Content-Type text/html").size(), 1u)
      << run.result.err;
  expect_only({"small_thumbnail.jpg"});
}

TEST_F(Fetch, NamesFromUrlsAreSafeAndDistinct) {
  server.set_handler("/", [](const test::Request& r) {
    return Response::ok(fetch_jpeg_bytes(int(r.target.size()), 100, 80), "image/jpeg");
  });
  const FetchRun run = fetch({server.url("/a/cat.jpg"), server.url("/b/cat.jpg"),
                              server.url("/x/..%2F..%2F..%2Fescape.jpg"), server.url("/%2e%2e")});
  ASSERT_EQ(run.result.exit_code, 0) << describe(run.result);
  const auto files = files_under(out());
  ASSERT_EQ(files.size(), 4u);
  for (const auto& f : files) {
    EXPECT_EQ(f.find('/'), std::string::npos) << f;  // all directly in OUT
    EXPECT_NE(f.front(), '.') << f;
  }
  EXPECT_TRUE(fs::is_empty(dir.path() / "out") == false);
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "escape_thumbnail.jpg"));
}

TEST_F(Fetch, ReRunDownloadsNothingAndForceRedoes) {
  std::vector<std::string> urls;
  for (int i = 0; i < 5; ++i) {
    const std::string path = "/r" + std::to_string(i) + ".jpg";
    server.set(path, Response::ok(fetch_jpeg_bytes(i), "image/jpeg"));
    urls.push_back(server.url(path));
  }
  ASSERT_EQ(fetch(urls).result.exit_code, 0);
  EXPECT_EQ(server.total_requests(), 5);
  const FetchRun again = fetch(urls, {"--json", "-q"});
  ASSERT_EQ(again.result.exit_code, 0) << describe(again.result);
  EXPECT_EQ(nlohmann::json::parse(again.result.out)["skipped"], 5);
  EXPECT_EQ(server.total_requests(), 5) << "a re-run downloaded again";
  ASSERT_EQ(fetch(urls, {"--force"}).result.exit_code, 0);
  EXPECT_EQ(server.total_requests(), 10);
}

TEST_F(Fetch, ReadsTheListFromStandardInput) {
  server.set("/in.jpg", Response::ok(fetch_jpeg_bytes(7), "image/jpeg"));
  test::write_text(dir / "list.txt", "# from stdin\n" + server.url("/in.jpg") + "\n");
  const CommandResult r =
      test::run_command({kCli, "fetch", "-", "-o", out().string()}, 60, -1, (dir / "list.txt").string());
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  expect_only({"in_thumbnail.jpg"});
}

TEST_F(Fetch, CtrlCEndsTransfersInFlightAndWritesTheReport) {
  std::string list;
  for (int i = 0; i < 20; ++i) {
    const std::string path = "/wait/" + std::to_string(i) + ".jpg";
    Response r = Response::ok(fetch_jpeg_bytes(i, 64, 48), "image/jpeg");
    r.latency_ms = i < 2 ? 0 : 5000;  // two arrive at once, the rest would take seconds
    server.set(path, r);
    list += server.url(path) + "\n";
  }
  test::write_text(dir / "urls.txt", list);
  const std::string report = (dir / "report.json").string();
  const CommandResult r = test::run_command(
      {kCli, "fetch", (dir / "urls.txt").string(), "-o", out().string(), "--report", report}, 60, 800);
  ASSERT_EQ(r.exit_code, 130) << describe(r);
  EXPECT_LT(r.seconds_after_signal, 2.0) << "slow to stop after Ctrl-C";
  const auto j = nlohmann::json::parse(test::read_bytes(report));
  EXPECT_EQ(j["summary"]["done"], 2);
  EXPECT_EQ(j["summary"]["cancelled"], 18);
  EXPECT_EQ(j["summary"]["failed"], 0);
  expect_only({"0_thumbnail.jpg", "1_thumbnail.jpg"});
}

}  // namespace
}  // namespace thumbflow::e2e
