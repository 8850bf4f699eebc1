// Which failed jobs a worker tries again: real redis-server (127.0.0.1, free port), a local HTTP
// server, the real `thumbflow enqueue` and `worker`. A permanent failure (the bytes are not an
// image, a corrupt image, HTTP 404) is dead after its first delivery; a transient one (HTTP 503)
// keeps the retry path up to --max-deliveries.
#include <map>

#include "http_server.hpp"
#include "queue_support.hpp"

namespace thumbflow::e2e {
namespace {

struct DeadRecord {
  std::string error;
  std::string deliveries;
};

// Input URL -> its record in NAME:dead.
std::map<std::string, DeadRecord> dead_by_input(const RedisServer& redis, const std::string& dead_key) {
  const nlohmann::json entries = nlohmann::json::parse(redis.cli({"--json", "XRANGE", dead_key, "-", "+"}));
  std::map<std::string, DeadRecord> out;
  for (const auto& entry : entries) {
    std::string input;
    DeadRecord d;
    const auto& f = entry[1];
    for (std::size_t i = 0; i + 1 < f.size(); i += 2) {
      if (f[i] == "input") input = f[i + 1];
      if (f[i] == "error") d.error = f[i + 1];
      if (f[i] == "deliveries") d.deliveries = f[i + 1];
    }
    out[input] = d;
  }
  return out;
}

TEST(QueueRetry, PermanentFailuresAreDeadAtOnceTransientOnesAreRetried) {
  TempDir tmp;
  RedisServer redis;
  test::HttpServer images;
  auto jpeg = test::encode(test::make_picture(320, 240, CV_8UC3, 5), ".jpg");
  jpeg.resize(jpeg.size() / 3);  // truncated: sniffed as a JPEG, fails to decode
  images.set("/page.jpg", test::Response::ok("<html>not an image</html>", "text/html"));
  images.set("/broken.jpg", test::Response::ok(std::string(jpeg.begin(), jpeg.end()), "image/jpeg"));
  images.set("/gone.jpg", test::Response{404, {}, "not found"});
  images.set("/busy.jpg", test::Response{503, {}, "busy"});
  const std::vector<std::string> paths = {"/page.jpg", "/broken.jpg", "/gone.jpg", "/busy.jpg"};
  std::string urls;
  for (const std::string& p : paths) urls += images.url(p) + "\n";
  test::write_text(tmp / "urls.txt", urls);
  const std::vector<std::string> where = {"--redis", redis.url(), "--queue", "jobs"};
  std::vector<std::string> enqueue = {"enqueue", "--urls", (tmp / "urls.txt").string()};
  enqueue.insert(enqueue.end(), where.begin(), where.end());
  ASSERT_EQ(thumbflow(enqueue).exit_code, 0);

  std::vector<std::string> work = {"worker",
                                   "-o",
                                   (tmp / "out").string(),
                                   "--burst",
                                   "--allow-private-urls",
                                   "--max-deliveries",
                                   "3",
                                   "--retry-delay",
                                   "0",
                                   "--retries",
                                   "0"};
  work.insert(work.end(), where.begin(), where.end());
  const CommandResult r = thumbflow(work);
  EXPECT_EQ(r.exit_code, 0) << describe(r);

  const auto dead = dead_by_input(redis, "jobs:dead");
  ASSERT_EQ(dead.size(), 4u) << redis.cli({"XRANGE", "jobs:dead", "-", "+"}) << describe(r);
  for (const char* permanent : {"/page.jpg", "/broken.jpg", "/gone.jpg"}) {
    const auto it = dead.find(images.url(permanent));
    ASSERT_NE(it, dead.end()) << permanent;
    EXPECT_EQ(images.request_count(permanent), 1) << permanent << " was tried again";
    EXPECT_EQ(it->second.deliveries, "1") << permanent;
    EXPECT_TRUE(contains_ci(it->second.error, "(permanent: not retried)")) << it->second.error;
  }
  EXPECT_TRUE(contains_ci(dead.at(images.url("/page.jpg")).error, "not an image")) << describe(r);
  EXPECT_TRUE(contains_ci(dead.at(images.url("/gone.jpg")).error, "HTTP 404")) << describe(r);

  const DeadRecord& busy = dead.at(images.url("/busy.jpg"));
  EXPECT_EQ(images.request_count("/busy.jpg"), 3) << "one try per delivery";
  EXPECT_EQ(busy.deliveries, "3");
  EXPECT_TRUE(contains_ci(busy.error, "failed 3 times")) << busy.error;
  EXPECT_FALSE(contains_ci(busy.error, "permanent")) << busy.error;
}

}  // namespace
}  // namespace thumbflow::e2e
