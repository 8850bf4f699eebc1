// Distributed mode end to end: real redis-server (127.0.0.1, free port, temp folder), real
// `thumbflow enqueue`, `worker` and `status` processes, the outputs checked as a user would.
#include <signal.h>

#include <chrono>
#include <memory>
#include <thread>

#include "e2e_support.hpp"
#include "http_server.hpp"
#include "redis_server.hpp"

namespace thumbflow::e2e {
namespace {

using test::LoggedProcess;
using test::RedisServer;
using test::RedisServerOptions;

// Whole worker runs here take a few seconds; a hang is a failure.
constexpr double kWorkerTimeoutS = 90;
const cv::Size kBox{96, 96};

CommandResult thumbflow(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kCli};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_command(argv, kRunTimeoutS);
}

// `count` JPEGs spread over three sub-folders, in four sizes (so each thumbnail's size says it was
// made from its own input). Returns input relative path -> input size.
std::map<std::string, cv::Size> make_jpegs(const fs::path& dir, int count, int scale = 1) {
  std::vector<cv::Size> sizes = {{320, 240}, {240, 320}, {400, 200}, {300, 300}};
  for (cv::Size& s : sizes) s *= scale;
  std::vector<std::vector<std::uint8_t>> encoded;
  for (std::size_t i = 0; i < sizes.size(); ++i)
    encoded.push_back(
        test::encode(test::make_picture(sizes[i].width, sizes[i].height, CV_8UC3, int(i) + 1), ".jpg"));
  std::map<std::string, cv::Size> made;
  for (int i = 0; i < count; ++i) {
    const std::string rel = "set" + std::to_string(i % 3) + "/img" + std::to_string(i) + ".jpg";
    fs::create_directories((dir / rel).parent_path());
    test::write_bytes(dir / rel, encoded[std::size_t(i) % sizes.size()]);
    made[rel] = sizes[std::size_t(i) % sizes.size()];
  }
  return made;
}

std::string thumb_of(const std::string& rel) {
  const fs::path p(rel);
  return (p.parent_path() / (p.stem().string() + "_thumbnail.jpg")).generic_string();
}

// Every input has exactly its thumbnail, of the right size; nothing else is there.
void expect_all_thumbnails(const fs::path& out, const std::map<std::string, cv::Size>& inputs) {
  std::vector<std::string> expected;
  for (const auto& [rel, size] : inputs) expected.push_back(thumb_of(rel));
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> found;
  for (const std::string& f : files_under(out))
    if (f.find(".thumbflow-") == std::string::npos) found.push_back(f);
  EXPECT_EQ(found, expected);
  for (const auto& [rel, size] : inputs) {
    const cv::Mat thumb = read_image(out / thumb_of(rel));
    ASSERT_FALSE(thumb.empty()) << thumb_of(rel) << " is not a readable image";
    EXPECT_EQ(thumb.size(), expected_fit(size, kBox)) << thumb_of(rel);
  }
}

class Queue : public ::testing::Test {
 protected:
  void SetUp() override {
    images = make_jpegs(tmp / "in", count, image_scale);
    redis = std::make_unique<RedisServer>(server_options);
  }

  std::vector<std::string> queue_args() const { return {"--redis", redis->url(), "--queue", "jobs"}; }

  CommandResult enqueue(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"enqueue", (tmp / "in").string(), "-s", "96x96"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto q = queue_args();
    args.insert(args.end(), q.begin(), q.end());
    return thumbflow(args);
  }

  std::unique_ptr<LoggedProcess> start_worker(const std::string& name,
                                              const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {kCli, "worker", "-o",         (tmp / "out").string(),
                                     "-j", "1",      "--consumer", name};
    const auto q = queue_args();
    argv.insert(argv.end(), q.begin(), q.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<LoggedProcess>(argv, tmp / name);
  }

  nlohmann::json status() {
    std::vector<std::string> args = {"status", "--json"};
    const auto q = queue_args();
    args.insert(args.end(), q.begin(), q.end());
    const CommandResult r = thumbflow(args);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    return nlohmann::json::parse(r.out);
  }

  // Thumbnails there now. Workers are writing meanwhile: temporary files come and go.
  std::size_t thumbnails_made() const {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(tmp / "out", ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      n += it->path().filename().string().find("_thumbnail.jpg") != std::string::npos &&
           it->path().filename().string().find(".thumbflow-") == std::string::npos;
    return n;
  }

  // Waits (bounded) until `n` thumbnails are there.
  void wait_for_outputs(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (thumbnails_made() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  void expect_queue_finished() {
    const nlohmann::json s = status();
    EXPECT_EQ(s["waiting"], 0) << s.dump();
    EXPECT_EQ(s["in_progress"], 0) << s.dump();
    EXPECT_EQ(s["dead"], 0) << s.dump();
    EXPECT_EQ(s["done"].get<int>() + s["skipped"].get<int>(), count) << s.dump();
  }

  int count = 300;
  int image_scale = 1;
  RedisServerOptions server_options;
  TempDir tmp;
  std::map<std::string, cv::Size> images;
  std::unique_ptr<RedisServer> redis;
};

TEST_F(Queue, ThreeWorkersDoEveryJobOnce) {
  const CommandResult first = enqueue();
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  EXPECT_TRUE(contains_ci(first.err, "300 jobs added")) << first.err;
  const CommandResult again = enqueue();
  ASSERT_EQ(again.exit_code, 0) << describe(again);
  EXPECT_TRUE(contains_ci(again.err, "0 jobs added")) << again.err;
  EXPECT_TRUE(contains_ci(again.err, "300 already enqueued")) << again.err;
  EXPECT_EQ(status()["waiting"], 300);

  std::vector<std::unique_ptr<LoggedProcess>> workers;
  for (const char* name : {"w1", "w2", "w3"}) workers.push_back(start_worker(name, {"--burst"}));
  int done_by_workers = 0;
  for (auto& w : workers) {
    EXPECT_EQ(w->wait(kWorkerTimeoutS), 0) << w->err();
    const std::string err = w->err();
    const auto at = err.find("worker stopped: ");
    ASSERT_NE(at, std::string::npos) << err;
    done_by_workers += std::stoi(err.substr(at + 16));
    EXPECT_TRUE(lines_with(err, "failed").size() == 1) << err;  // only the summary line
  }
  EXPECT_EQ(done_by_workers, 300);  // each job made once, none twice
  expect_all_thumbnails(tmp / "out", images);
  EXPECT_TRUE(temp_leftovers(tmp / "out").empty());
  expect_queue_finished();
  EXPECT_EQ(status()["done"], 300);
}

TEST_F(Queue, PoisonJobEndsInDeadListAndTheRestFinish) {
  test::write_bytes(tmp / "in" / "set0" / "broken.jpg",
                    {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'});
  ASSERT_EQ(enqueue().exit_code, 0);
  std::vector<std::unique_ptr<LoggedProcess>> workers;
  for (const char* name : {"w1", "w2"})
    workers.push_back(start_worker(name, {"--burst", "--retry-delay", "0", "--max-deliveries", "3"}));
  std::string errors;
  for (auto& w : workers) {
    EXPECT_EQ(w->wait(kWorkerTimeoutS), 0) << w->err();
    errors += w->err();
  }
  // Each failed delivery is reported naming the file; the last one moves it to the dead list.
  EXPECT_EQ(lines_with(errors, "broken.jpg").size(), 3u) << errors;
  EXPECT_EQ(lines_with(errors, "dead list").size(), 1u) << errors;
  expect_all_thumbnails(tmp / "out", images);
  const nlohmann::json s = status();
  EXPECT_EQ(s["dead"], 1);
  EXPECT_EQ(s["done"], count);
  EXPECT_EQ(s["waiting"], 0);
  EXPECT_EQ(s["in_progress"], 0);
  const std::string dead = redis->cli({"XRANGE", "jobs:dead", "-", "+"});
  EXPECT_TRUE(contains_ci(dead, "broken.jpg")) << dead;
  EXPECT_TRUE(contains_ci(dead, "failed 3 times")) << dead;
  EXPECT_TRUE(lines_with(dead, "deliveries").size() == 1) << dead;
}

TEST_F(Queue, ThumbnailsOfOtherSettingsAreRedoneNotKept) {
  // The output folder already holds thumbnails of every input, made in a smaller box.
  const CommandResult before =
      thumbflow({"run", (tmp / "in").string(), "-o", (tmp / "out").string(), "-s", "48"});
  ASSERT_EQ(before.exit_code, 0) << describe(before);
  ASSERT_EQ(enqueue().exit_code, 0);
  std::vector<std::unique_ptr<LoggedProcess>> workers;
  for (const char* name : {"w1", "w2"}) workers.push_back(start_worker(name, {"--burst"}));
  for (auto& w : workers) EXPECT_EQ(w->wait(kWorkerTimeoutS), 0) << w->err();
  expect_all_thumbnails(tmp / "out", images);  // all in the 96x96 box
  EXPECT_EQ(status()["done"], count);
}

class QueueWithAof : public Queue {
 protected:
  void SetUp() override {
    server_options.append_only = true;
    image_scale = 4;  // so that the restart comes while the workers are busy
    Queue::SetUp();
  }
};

// Larger images: the workers are still busy when something happens to them.
class QueueBusy : public Queue {
 protected:
  void SetUp() override {
    image_scale = 4;
    Queue::SetUp();
  }
};

TEST_F(QueueBusy, KilledWorkerLosesNothingAndAcksNothingUnwritten) {
  ASSERT_EQ(enqueue().exit_code, 0);
  auto victim = start_worker("victim", {"--claim-after", "2"});
  auto survivor = start_worker("survivor", {"--claim-after", "2", "--burst"});
  wait_for_outputs(60);
  victim->signal(SIGKILL);
  EXPECT_EQ(victim->wait(10), 128 + SIGKILL);
  EXPECT_LT(thumbnails_made(), std::size_t(count)) << "the kill came too late to test anything";
  // Outputs are written before their job is acknowledged: at any moment, at least as many
  // thumbnails exist as jobs were counted done (read the count first, then the folder).
  for (int i = 0; i < 5; ++i) {
    const int acked = status()["done"].get<int>();
    EXPECT_GE(int(thumbnails_made()), acked);
  }
  EXPECT_EQ(survivor->wait(kWorkerTimeoutS), 0) << survivor->err();
  expect_all_thumbnails(tmp / "out", images);
  expect_queue_finished();
}

TEST_F(QueueWithAof, WorkersReconnectAfterRedisRestart) {
  ASSERT_EQ(enqueue().exit_code, 0);
  std::vector<std::unique_ptr<LoggedProcess>> workers;
  for (const char* name : {"w1", "w2"})
    workers.push_back(start_worker(name, {"--burst", "--reconnect-timeout", "30"}));
  // Both must be connected first: a worker that cannot reach Redis at start stops (exit 1).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (status()["consumers"].size() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  wait_for_outputs(20);
  redis->stop();
  EXPECT_LT(thumbnails_made(), std::size_t(count)) << "the restart came too late to test anything";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  redis->start();
  std::string said;
  for (auto& w : workers) {
    EXPECT_EQ(w->wait(kWorkerTimeoutS), 0) << w->err();
    said += w->err();
  }
  // They noticed: one line when Redis went, one when it was back.
  EXPECT_FALSE(lines_with(said, "reconnecting").empty()) << said;
  EXPECT_FALSE(lines_with(said, "is back after").empty()) << said;
  expect_all_thumbnails(tmp / "out", images);
  expect_queue_finished();
}

TEST_F(QueueBusy, SigtermFinishesOrHandsBackAndExitsZero) {
  ASSERT_EQ(enqueue().exit_code, 0);
  auto first = start_worker("first");
  wait_for_outputs(30);
  first->signal(SIGTERM);
  EXPECT_EQ(first->wait(30), 0) << first->err();
  EXPECT_TRUE(contains_ci(first->err(), "worker stopped")) << first->err();
  EXPECT_LT(thumbnails_made(), std::size_t(count)) << "the signal came too late to test anything";
  // What it handed back is taken at once (not after --claim-after) by the next worker.
  auto second = start_worker("second", {"--burst"});
  EXPECT_EQ(second->wait(kWorkerTimeoutS), 0) << second->err();
  expect_all_thumbnails(tmp / "out", images);
  expect_queue_finished();
}

// A gallery listing as the source: URL jobs, downloaded by the workers.
TEST(QueueGallery, ListedImagesAreEnqueuedAndWorkersDownloadThem) {
  TempDir tmp;
  RedisServer redis;
  test::HttpServer api;
  const auto jpeg = test::encode(test::make_picture(320, 240, CV_8UC3, 3), ".jpg");
  std::vector<std::string> ids;
  for (int page = 0; page < 3; ++page) {  // two pages of six images, then an empty one
    nlohmann::json data = nlohmann::json::array();
    for (int i = 0; page < 2 && i < 6; ++i) {
      const std::string id = "p" + std::to_string(page) + "i" + std::to_string(i);
      ids.push_back(id);
      api.set("/i/" + id + ".jpg", test::Response::ok(std::string(jpeg.begin(), jpeg.end()), "image/jpeg"));
      data.push_back({{"id", id},
                      {"title", id},
                      {"type", "image/jpeg"},
                      {"animated", false},
                      {"width", 320},
                      {"height", 240},
                      {"size", jpeg.size()},
                      {"nsfw", false},
                      {"link", api.url("/i/" + id + ".jpg")},
                      {"is_album", false}});
    }
    api.set("/3/gallery/hot/viral/day/" + std::to_string(page),
            test::Response::ok(nlohmann::json{{"data", data}, {"success", true}, {"status", 200}}.dump(),
                               "application/json"));
  }
  const std::vector<std::string> where = {"--redis", redis.url(), "--queue", "hot"};
  std::vector<std::string> enqueue = {"enqueue", "--gallery", api.url(""), "--pages", "5", "-s", "96x96"};
  enqueue.insert(enqueue.end(), where.begin(), where.end());
  const CommandResult listed = thumbflow(enqueue);
  ASSERT_EQ(listed.exit_code, 0) << describe(listed);
  EXPECT_TRUE(contains_ci(listed.err, "12 jobs added")) << listed.err;

  std::vector<std::unique_ptr<LoggedProcess>> workers;
  for (const char* name : {"w1", "w2"}) {
    std::vector<std::string> argv = {kCli, "worker", "-o", (tmp / "out").string(), "-j", "1", "--burst"};
    argv.insert(argv.end(), where.begin(), where.end());
    workers.push_back(std::make_unique<LoggedProcess>(argv, tmp / name));
  }
  for (auto& w : workers) EXPECT_EQ(w->wait(kWorkerTimeoutS), 0) << w->err();
  for (const std::string& id : ids) {
    const cv::Mat thumb = read_image(tmp / "out" / (id + "_thumbnail.jpg"));
    ASSERT_FALSE(thumb.empty()) << id;
    EXPECT_EQ(thumb.size(), cv::Size(96, 72)) << id;
    EXPECT_EQ(api.request_count("/i/" + id + ".jpg"), 1u) << id << " downloaded once";
  }
}

// A job that takes longer than --claim-after on a live worker is not taken over: the worker's
// heartbeat keeps it fresh, so the slow download happens once.
TEST(QueueHeartbeat, SlowJobOfALiveWorkerIsNotTakenOver) {
  TempDir tmp;
  RedisServer redis;
  test::HttpServer images;
  const auto jpeg = test::encode(test::make_picture(320, 240, CV_8UC3, 5), ".jpg");
  const std::string body(jpeg.begin(), jpeg.end());
  std::string list;
  for (int i = 0; i < 4; ++i) {
    const std::string path = "/fast" + std::to_string(i) + ".jpg";
    images.set(path, test::Response::ok(body, "image/jpeg"));
    list += images.url(path) + "\n";
  }
  images.set("/slow.jpg", test::Response{200, {{"Content-Type", "image/jpeg"}}, body, 3500});
  list += images.url("/slow.jpg") + "\n";
  test::write_text(tmp / "urls.txt", list);
  const std::vector<std::string> where = {"--redis", redis.url(), "--queue", "urls"};
  std::vector<std::string> enqueue = {"enqueue", "--urls", (tmp / "urls.txt").string()};
  enqueue.insert(enqueue.end(), where.begin(), where.end());
  ASSERT_EQ(thumbflow(enqueue).exit_code, 0);
  std::vector<std::unique_ptr<LoggedProcess>> workers;
  for (const char* name : {"w1", "w2"}) {
    std::vector<std::string> argv = {kCli,      "worker",        "-o", (tmp / "out").string(), "-j", "1",
                                     "--burst", "--claim-after", "1"};
    argv.insert(argv.end(), where.begin(), where.end());
    workers.push_back(std::make_unique<LoggedProcess>(argv, tmp / name));
  }
  for (auto& w : workers) EXPECT_EQ(w->wait(kWorkerTimeoutS), 0) << w->err();
  EXPECT_EQ(images.request_count("/slow.jpg"), 1);
  EXPECT_FALSE(read_image(tmp / "out" / "slow_thumbnail.jpg").empty());
}

// Workers writing inside the folder enqueued: a second enqueue must not enqueue their thumbnails.
TEST(QueueSources, ThumbnailsInsideTheInputsAreNotEnqueued) {
  TempDir tmp;
  RedisServer redis;
  copy_from_data(tmp / "in", {"baboon.jpg", "fruits.jpg"});
  const std::string out = (tmp / "in" / "thumbs").string();
  const std::vector<std::string> enqueue = {"enqueue", (tmp / "in").string(), "--workers-output", out,
                                            "--redis", redis.url(),           "--queue",          "q"};
  ASSERT_EQ(thumbflow(enqueue).exit_code, 0);
  const CommandResult worker =
      thumbflow({"worker", "-o", out, "--burst", "--redis", redis.url(), "--queue", "q"});
  ASSERT_EQ(worker.exit_code, 0) << describe(worker);
  ASSERT_TRUE(fs::exists(fs::path(out) / "baboon_thumbnail.jpg"));
  const CommandResult again = thumbflow(enqueue);
  EXPECT_TRUE(contains_ci(again.err, "0 jobs added")) << again.err;
  EXPECT_TRUE(contains_ci(again.err, "2 already enqueued")) << again.err;
}

class QueueErrors : public ::testing::Test {
 protected:
  TempDir tmp;
};

// One line on stderr naming the server and the reason, exit status 1, for every command.
void expect_setup_error(const std::string& url, const std::string& reason, const fs::path& tmp) {
  const std::vector<std::vector<std::string>> commands = {
      {"enqueue", kDataDir.string()}, {"worker", "-o", (tmp / "out").string(), "--burst"}, {"status"}};
  for (auto args : commands) {
    args.insert(args.end(), {"--redis", url, "--queue", "jobs"});
    const CommandResult r = thumbflow(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << describe(r);
    EXPECT_EQ(lines_of(r.err).size(), 1u) << args[0] << ": " << describe(r);
    EXPECT_TRUE(contains_ci(r.err, reason)) << args[0] << ": " << describe(r);
    EXPECT_TRUE(contains_ci(r.err, "127.0.0.1:")) << args[0] << ": " << describe(r);
  }
}

TEST_F(QueueErrors, WrongOrMissingPassword) {
  RedisServer server({false, "s3cret"});
  const std::string port = std::to_string(server.port());
  expect_setup_error("redis://:wrong@127.0.0.1:" + port, "refused the password", tmp.path());
  expect_setup_error("redis://127.0.0.1:" + port, "requires a password", tmp.path());
  EXPECT_FALSE(fs::exists(tmp / "out" / "aloeL_thumbnail.jpg"));
}

TEST_F(QueueErrors, UnreachableRedis) {
  expect_setup_error("redis://127.0.0.1:" + std::to_string(RedisServer::free_port()), "cannot connect",
                     tmp.path());
}

TEST_F(QueueErrors, BadRedisUrl) {
  const CommandResult r = thumbflow({"status", "--redis", "http://127.0.0.1:1", "--queue", "jobs"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << describe(r);
  EXPECT_TRUE(contains_ci(r.err, "redis://")) << describe(r);
}

}  // namespace
}  // namespace thumbflow::e2e
