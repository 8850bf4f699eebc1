// Distributed mode end to end: real redis-server (127.0.0.1, free port, temp folder), real
// `thumbflow enqueue`, `worker` and `status` processes, the outputs checked as a user would.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <thread>

#include "http_server.hpp"
#include "queue_support.hpp"

namespace thumbflow::e2e {
namespace {

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
  // A corrupt image fails the same way each time: reported once, naming the file, and moved to
  // the dead list at its first delivery (queue_retry_test has the transient failures).
  EXPECT_EQ(lines_with(errors, "broken.jpg").size(), 1u) << errors;
  EXPECT_EQ(lines_with(errors, "dead list").size(), 1u) << errors;
  expect_all_thumbnails(tmp / "out", images);
  const nlohmann::json s = status();
  EXPECT_EQ(s["dead"], 1);
  EXPECT_EQ(s["done"], count);
  EXPECT_EQ(s["waiting"], 0);
  EXPECT_EQ(s["in_progress"], 0);
  const std::string dead = redis->cli({"XRANGE", "jobs:dead", "-", "+"});
  EXPECT_TRUE(contains_ci(dead, "broken.jpg")) << dead;
  EXPECT_TRUE(contains_ci(dead, "(permanent: not retried)")) << dead;
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

// Chaos: three workers, each killed (SIGKILL) in turn and restarted under a new name, then
// redis-server restarted once (AOF on), all while jobs run. Afterwards every thumbnail is there and
// right, the queue is empty and nothing is dead. Prints its figures (jobs, kills, thumbnails,
// thumbnails made twice, seconds).
TEST_F(QueueWithAof, ChaosKillsAndARedisRestartLoseNothing) {
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(enqueue().exit_code, 0);
  // A job held by each of the three workers killed would be given up as a poison job after the
  // default 3 deliveries (by design: it may be what kills them); here the kills are the test's.
  const std::vector<std::string> flags = {
      "--burst", "--claim-after",    "1",  "--block-ms", "200", "--reconnect-timeout",
      "30",      "--max-deliveries", "10", "-v"};
  int generation = 0;
  const auto launch = [&](int slot) {
    return start_worker("w" + std::to_string(slot) + "-" + std::to_string(generation++), flags);
  };
  std::vector<std::unique_ptr<LoggedProcess>> workers;
  for (int slot = 0; slot < 3; ++slot) workers.push_back(launch(slot));
  std::string logs;  // stderr of every worker process, the killed ones too
  int kills = 0;
  for (int slot = 0; slot < 3; ++slot) {
    wait_for_outputs(std::size_t(count) * std::size_t(slot + 1) * 15 / 100);
    workers[std::size_t(slot)]->signal(SIGKILL);
    EXPECT_EQ(workers[std::size_t(slot)]->wait(10), 128 + SIGKILL);
    logs += workers[std::size_t(slot)]->err();
    ++kills;
    workers[std::size_t(slot)] = launch(slot);
  }
  wait_for_outputs(std::size_t(count) * 60 / 100);
  const std::size_t at_restart = thumbnails_made();
  redis->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  redis->start();
  for (auto& w : workers) {
    EXPECT_EQ(w->wait(kWorkerTimeoutS), 0) << w->err();
    logs += w->err();
  }
  EXPECT_LT(at_restart, std::size_t(count)) << "the restart came too late to test anything";
  for (const std::string& line : lines_with(logs, "dead list")) ADD_FAILURE() << line;
  expect_all_thumbnails(tmp / "out", images);
  expect_queue_finished();
  EXPECT_EQ(redis->cli({"XLEN", "jobs"}), "0\n");
  // Work done again: jobs reported done by two workers (a worker killed after acknowledging could
  // not log it, so this counts from below), and jobs redelivered whose thumbnail a killed worker had
  // already written (counted "skipped").
  std::map<std::string, int> done_by_input;
  for (const std::string& line : lines_with(logs, ": done -> ")) ++done_by_input[line];
  int made_twice = 0;
  for (const auto& [line, times] : done_by_input) made_twice += times - 1;
  const nlohmann::json s = status();
  std::cout << "chaos: " << count << " jobs, " << kills << " worker kills, 1 redis restart, "
            << thumbnails_made() << " thumbnails, " << made_twice << " made twice, " << s["skipped"]
            << " found already made, "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
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
      data.push_back(gallery_image_json(id, api.url("/i/" + id + ".jpg"), jpeg.size()));
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
    // The listed links are on loopback, like every test server.
    std::vector<std::string> argv = {kCli, "worker", "-o",      (tmp / "out").string(),
                                     "-j", "1",      "--burst", "--allow-private-urls"};
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

// --allow-private-urls reaches the gallery API's redirects when enqueueing, as it does for
// `gallery`: an API that moves its page to another loopback port is listed with it, refused
// without it (before, enqueue had no such flag).
TEST(QueueSources, EnqueueFromAGalleryWhoseApiRedirectsToAPrivateAddress) {
  RedisServer redis;
  test::HttpServer api, moved;
  serve_moved_gallery_page(api, moved);
  const std::vector<std::string> enqueue = {"enqueue", "--gallery", api.url(""), "--pages", "1",
                                            "--redis", redis.url(), "--queue",   "hot"};
  const CommandResult refused = thumbflow(enqueue);
  EXPECT_EQ(lines_with(refused.err, "127.0.0.1 is a loopback address").size(), 1u) << describe(refused);
  EXPECT_EQ(redis.cli({"XLEN", "hot"}), "0\n");
  std::vector<std::string> allowed_args = enqueue;
  allowed_args.push_back("--allow-private-urls");
  const CommandResult allowed = thumbflow(allowed_args);
  EXPECT_EQ(allowed.exit_code, 0) << describe(allowed);
  EXPECT_TRUE(contains_ci(allowed.err, "1 job added")) << describe(allowed);
  EXPECT_EQ(redis.cli({"XLEN", "hot"}), "1\n");
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
                                     "--burst", "--claim-after", "1",  "--allow-private-urls"};
    argv.insert(argv.end(), where.begin(), where.end());
    workers.push_back(std::make_unique<LoggedProcess>(argv, tmp / name));
  }
  for (auto& w : workers) EXPECT_EQ(w->wait(kWorkerTimeoutS), 0) << w->err();
  EXPECT_EQ(images.request_count("/slow.jpg"), 1);
  EXPECT_FALSE(read_image(tmp / "out" / "slow_thumbnail.jpg").empty());
}

// URL jobs are not fetched from internal addresses unless the worker allows it: the refusal is
// checked on the address connected, named in the job's error, and costs the server no request.
TEST(QueueGuard, LoopbackUrlJobIsRefusedUnlessAllowed) {
  TempDir tmp;
  RedisServer redis;
  test::HttpServer images;
  const auto jpeg = test::encode(test::make_picture(320, 240, CV_8UC3, 5), ".jpg");
  images.set("/a.jpg", test::Response::ok(std::string(jpeg.begin(), jpeg.end()), "image/jpeg"));
  test::write_text(tmp / "urls.txt", images.url("/a.jpg") + "\n");
  const std::vector<std::string> where = {"--redis", redis.url(), "--queue", "urls"};
  const auto enqueue_and_work = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> enqueue = {"enqueue", "--urls", (tmp / "urls.txt").string(), "--force"};
    enqueue.insert(enqueue.end(), where.begin(), where.end());
    EXPECT_EQ(thumbflow(enqueue).exit_code, 0);
    std::vector<std::string> work = {"worker",           "-o", (tmp / "out").string(), "--burst",
                                     "--max-deliveries", "1"};
    work.insert(work.end(), where.begin(), where.end());
    work.insert(work.end(), extra.begin(), extra.end());
    return thumbflow(work);
  };
  const CommandResult refused = enqueue_and_work({});
  EXPECT_EQ(refused.exit_code, 0) << describe(refused);
  EXPECT_EQ(lines_with(refused.err, "refused: 127.0.0.1 is a loopback address; --allow-private-urls to allow")
                .size(),
            1u)
      << describe(refused);
  EXPECT_EQ(images.request_count("/a.jpg"), 0);
  EXPECT_FALSE(fs::exists(tmp / "out" / "a_thumbnail.jpg"));

  const CommandResult allowed = enqueue_and_work({"--allow-private-urls"});
  EXPECT_EQ(allowed.exit_code, 0) << describe(allowed);
  EXPECT_EQ(images.request_count("/a.jpg"), 1);
  EXPECT_FALSE(read_image(tmp / "out" / "a_thumbnail.jpg").empty()) << describe(allowed);
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
  const CommandResult worker = thumbflow({"worker", "-o", out, "--burst", "--input-root",
                                          (tmp / "in").string(), "--redis", redis.url(), "--queue", "q"});
  ASSERT_EQ(worker.exit_code, 0) << describe(worker);
  ASSERT_TRUE(fs::exists(fs::path(out) / "baboon_thumbnail.jpg"));
  const CommandResult again = thumbflow(enqueue);
  EXPECT_TRUE(contains_ci(again.err, "0 jobs added")) << again.err;
  EXPECT_TRUE(contains_ci(again.err, "2 already enqueued")) << again.err;
}

// The README's ACL line (a user limited to the queue "photos"): enqueue, worker and status work
// with it, and the worker's scripts go by EVALSHA, never with their text.
TEST(QueueSources, TheReadmesAclUserCanDoTheWholeJob) {
  TempDir tmp;
  RedisServer redis;
  std::ifstream readme(kDataDir.parent_path() / "README.md");
  std::string line, acl;
  while (acl.empty() && std::getline(readme, line))
    if (const std::size_t at = line.find("`ACL SETUSER thumbflow "); at != std::string::npos)
      acl = line.substr(at + 1, line.find('`', at + 1) - at - 1);
  ASSERT_FALSE(acl.empty()) << "no ACL SETUSER line in the README";
  std::istringstream words(acl);
  std::vector<std::string> args{std::istream_iterator<std::string>(words),
                                std::istream_iterator<std::string>()};
  ASSERT_EQ(redis.cli(args), "OK\n") << acl;
  const std::string url = "redis://thumbflow:SECRET@127.0.0.1:" + std::to_string(redis.port());
  copy_from_data(tmp / "in", {"baboon.jpg", "fruits.jpg"});
  const CommandResult enqueued =
      thumbflow({"enqueue", (tmp / "in").string(), "--redis", url, "--queue", "photos"});
  ASSERT_EQ(enqueued.exit_code, 0) << describe(enqueued);
  redis.cli({"CONFIG", "RESETSTAT"});
  const CommandResult worker = thumbflow({"worker", "-o", (tmp / "out").string(), "--burst", "--input-root",
                                          (tmp / "in").string(), "--redis", url, "--queue", "photos"});
  ASSERT_EQ(worker.exit_code, 0) << describe(worker);
  EXPECT_TRUE(fs::exists(tmp / "out" / "baboon_thumbnail.jpg")) << describe(worker);
  EXPECT_TRUE(fs::exists(tmp / "out" / "fruits_thumbnail.jpg")) << describe(worker);
  const std::string stats = redis.cli({"INFO", "commandstats"});
  EXPECT_NE(stats.find("cmdstat_evalsha:"), std::string::npos) << stats;
  EXPECT_EQ(stats.find("cmdstat_eval:"), std::string::npos) << stats;
  const CommandResult status = thumbflow({"status", "--redis", url, "--queue", "photos"});
  EXPECT_EQ(status.exit_code, 0) << describe(status);
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
