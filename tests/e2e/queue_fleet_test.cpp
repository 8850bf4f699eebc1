// Running a fleet (issue 18): each worker's /metrics scraped over HTTP and parsed, dead jobs
// requeued once fixed, `status --watch` in a real terminal (tmux) and through a pipe.
#include <httplib.h>
#include <signal.h>

#include "background_process.hpp"
#include "prometheus_text.hpp"
#include "queue_support.hpp"
#include "tmux.hpp"

namespace thumbflow::e2e {
namespace {

using test::PromScrape;

double now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The URL a worker started with --metrics HOST:0 says it serves (waits for its line, bounded).
std::string metrics_url(LoggedProcess& worker) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const std::string& line : lines_with(worker.err(), "metrics at http://"))
      return line.substr(line.find("http://"));
    if (!worker.running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "no metrics line from the worker:\n" << worker.err();
  return {};
}

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

PromScrape scrape(const std::string& url) {
  httplib::Client client("127.0.0.1", port_of(url));
  client.set_read_timeout(10, 0);
  const auto res = client.Get("/metrics");
  if (!res) throw std::runtime_error("cannot scrape " + url + ": " + httplib::to_string(res.error()));
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  return test::parse_prometheus_text(res->body);
}

std::uintmax_t bytes_of_files(const fs::path& dir, const std::string& ending) {
  std::uintmax_t total = 0;
  for (const std::string& f : files_under(dir))
    if (f.size() > ending.size() && f.compare(f.size() - ending.size(), ending.size(), ending) == 0)
      total += fs::file_size(dir / f);
  return total;
}

class QueueFleet : public Queue {
 protected:
  void SetUp() override {
    count = 40;
    Queue::SetUp();
  }

  // Waits (bounded) until the queue counts `n` jobs done.
  void wait_until_done(int n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (status()["done"].get<int>() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  CommandResult queue_command(std::vector<std::string> args) {
    const auto q = queue_args();
    args.insert(args.end(), q.begin(), q.end());
    return thumbflow(args);
  }
};

TEST_F(QueueFleet, MetricsOfTwoWorkersAddUpToTheBatch) {
  const double started = now_s();
  ASSERT_EQ(enqueue().exit_code, 0);
  std::vector<std::unique_ptr<LoggedProcess>> workers;
  std::vector<std::string> urls;
  for (const char* name : {"w1", "w2"}) {
    workers.push_back(start_worker(name, {"--metrics", "127.0.0.1:0"}));
    urls.push_back(metrics_url(*workers.back()));
    ASSERT_FALSE(urls.back().empty());
  }
  wait_until_done(count);
  std::vector<PromScrape> scrapes;
  for (const std::string& url : urls) {
    // A job is counted done in Redis just before the worker lets go of it.
    PromScrape s = scrape(url);
    for (int i = 0; i < 100 && s.value("thumbflow_worker_jobs_in_flight") != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      s = scrape(url);
    }
    scrapes.push_back(std::move(s));
  }
  double done = 0, read = 0, written = 0;
  for (std::size_t w = 0; w < scrapes.size(); ++w) {
    const PromScrape& s = scrapes[w];
    SCOPED_TRACE(urls[w]);
    EXPECT_EQ(s.types.at("thumbflow_worker_jobs_total"), "counter");
    EXPECT_EQ(s.types.at("thumbflow_worker_stage_seconds"), "histogram");
    EXPECT_EQ(s.types.at("thumbflow_worker_jobs_in_flight"), "gauge");
    const double mine = s.value("thumbflow_worker_jobs_total", {{"result", "done"}});
    done += mine;
    for (const char* other : {"skipped", "failed", "dead", "released"})
      EXPECT_EQ(s.value("thumbflow_worker_jobs_total", {{"result", other}}), 0) << other;
    read += s.value("thumbflow_worker_read_bytes_total");
    written += s.value("thumbflow_worker_written_bytes_total");
    EXPECT_EQ(s.value("thumbflow_worker_downloaded_bytes_total"), 0);
    EXPECT_EQ(s.value("thumbflow_worker_jobs_in_flight"), 0);
    // Each stage: one observation per thumbnail this worker wrote, in buckets that only grow.
    for (const char* stage : {"read", "decode", "resize", "encode", "write"}) {
      SCOPED_TRACE(stage);
      EXPECT_EQ(s.value("thumbflow_worker_stage_seconds_count", {{"stage", stage}}), mine);
      double previous = 0;
      for (const auto& b : s.all("thumbflow_worker_stage_seconds_bucket")) {
        if (b.labels.at("stage") != stage) continue;
        EXPECT_GE(b.value, previous) << b.labels.at("le");
        previous = b.value;
      }
      EXPECT_EQ(previous, mine) << "the +Inf bucket is the count";
      const double sum = s.value("thumbflow_worker_stage_seconds_sum", {{"stage", stage}});
      EXPECT_GE(sum, 0);
      EXPECT_LT(sum, now_s() - started) << "one thread: the time of a stage is within the test's";
    }
    // (One worker may have been quick enough to take every job.)
    if (mine > 0) {
      EXPECT_GT(s.value("thumbflow_worker_stage_seconds_sum", {{"stage", "decode"}}), 0);
    }
    EXPECT_EQ(s.value("thumbflow_worker_job_wait_seconds_count"), mine);
    EXPECT_EQ(s.value("thumbflow_worker_claimed_jobs_total", {{"reason", "abandoned"}}), 0);
    EXPECT_EQ(s.value("thumbflow_worker_redis_reconnects_total"), 0);
    EXPECT_EQ(s.value("thumbflow_worker_info",
                      {{"queue", "jobs"},
                       {"consumer", w == 0 ? "w1" : "w2"},
                       {"version", s.all("thumbflow_worker_info")[0].labels.at("version")}}),
              1);
    const double start = s.value("process_start_time_seconds");
    EXPECT_GE(start, started - 2);
    EXPECT_LE(start, now_s() + 1);
  }
  EXPECT_EQ(done, count) << "the workers' done counters add up to the jobs";
  EXPECT_EQ(written, double(bytes_of_files(tmp / "out", "_thumbnail.jpg")))
      << "bytes written = thumbnails' sizes";
  EXPECT_EQ(read, double(bytes_of_files(tmp / "in", ".jpg"))) << "bytes read = inputs' sizes";

  // A port in use is a setup error, before the worker joins the queue.
  const CommandResult busy = thumbflow({"worker", "-o", (tmp / "out2").string(), "--burst", "--metrics",
                                        "127.0.0.1:" + std::to_string(port_of(urls[0])), "--redis",
                                        redis->url(), "--queue", "jobs"});
  EXPECT_EQ(busy.exit_code, 1) << describe(busy);
  EXPECT_EQ(lines_with(busy.err, "cannot listen on 127.0.0.1:").size(), 1u) << describe(busy);
  EXPECT_EQ(lines_of(busy.err).size(), 1u) << describe(busy);
  for (auto& w : workers) {
    w->signal(SIGTERM);
    EXPECT_EQ(w->wait(30), 0) << w->err();
  }
}

TEST_F(QueueFleet, RequeuedDeadJobIsMadeOnceItsInputIsFixed) {
  const fs::path broken = tmp / "in" / "set0" / "broken.jpg";
  test::write_bytes(broken, {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'});
  ASSERT_EQ(enqueue().exit_code, 0);
  const CommandResult first =
      thumbflow({"worker", "-o", (tmp / "out").string(), "--burst", "--max-deliveries", "1", "--input-root",
                 (tmp / "in").string(), "--redis", redis->url(), "--queue", "jobs"});
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  EXPECT_EQ(lines_with(first.err, "broken.jpg").size(), 1u) << first.err;

  // status names the dead job, its reason and the command that puts it back.
  nlohmann::json s = status();
  ASSERT_EQ(s["dead"], 1) << s.dump();
  ASSERT_EQ(s["last_dead"].size(), 1u) << s.dump();
  const std::string id = s["last_dead"][0]["id"];
  EXPECT_EQ(s["last_dead"][0]["input"], broken.string());
  EXPECT_EQ(s["last_dead"][0]["deliveries"], 1);
  EXPECT_FALSE(s["last_dead"][0]["error"].get<std::string>().empty());
  const CommandResult text = queue_command({"status"});
  EXPECT_EQ(lines_with(text.out, id + " ").size(), 1u) << text.out;
  EXPECT_EQ(lines_with(text.out, broken.string() + ": ").size(), 1u) << text.out;
  EXPECT_EQ(lines_with(text.out, "thumbflow requeue --queue jobs --dead").size(), 1u) << text.out;

  // Fixed, requeued, made.
  test::write_bytes(broken, test::encode(test::make_picture(320, 240, CV_8UC3, 9), ".jpg"));
  const CommandResult requeued = queue_command({"requeue", "--ids", id});
  EXPECT_EQ(requeued.exit_code, 0) << describe(requeued);
  EXPECT_EQ(lines_with(requeued.err, "broken.jpg: requeued").size(), 1u) << requeued.err;
  s = status();
  EXPECT_EQ(s["dead"], 0) << s.dump();
  EXPECT_EQ(s["waiting"], 1) << s.dump();
  const CommandResult twice = queue_command({"requeue", "--ids", id});
  EXPECT_EQ(twice.exit_code, 2) << describe(twice);
  EXPECT_EQ(lines_with(twice.err, id + ": not in jobs:dead").size(), 1u) << twice.err;

  const CommandResult second =
      thumbflow({"worker", "-o", (tmp / "out").string(), "--burst", "--max-deliveries", "1", "--input-root",
                 (tmp / "in").string(), "--redis", redis->url(), "--queue", "jobs"});
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  images["set0/broken.jpg"] = {320, 240};
  expect_all_thumbnails(tmp / "out", images);
  s = status();
  EXPECT_EQ(s["done"], count + 1) << s.dump();
  EXPECT_EQ(s["dead"], 0) << s.dump();
  EXPECT_EQ(s["waiting"], 0) << s.dump();
}

// Entries of NAME:dead are untrusted like the queue's: requeue moves back only what could be a
// job, and the workers check what it moves as they check any entry.
TEST_F(QueueFleet, RequeueGoesThroughTheWorkersChecks) {
  const std::vector<std::string> job = {"v",          "1",
                                        "rel",        "x.jpg",
                                        "box_w",      "64",
                                        "box_h",      "64",
                                        "enlarge",    "0",
                                        "format",     "same",
                                        "quality",    "85",
                                        "background", "255,255,255",
                                        "max_pixels", "0",
                                        "decode",     "fast",
                                        "name",       "{stem}_thumbnail.{ext}",
                                        "force",      "0"};
  const auto add_dead = [&](std::vector<std::string> fields) {
    std::vector<std::string> args = {"XADD", "jobs:dead", "*"};
    args.insert(args.end(), fields.begin(), fields.end());
    return lines_of(redis->cli(args)).at(0);
  };
  std::vector<std::string> outside = {"id", "1-1", "error", "e", "deliveries", "3", "input", "/etc/hostname"};
  outside.insert(outside.end(), job.begin(), job.end());
  add_dead(outside);
  std::vector<std::string> newer = {"id", "1-2", "error", "e", "deliveries", "3", "input", "/etc/hostname"};
  newer.insert(newer.end(), job.begin(), job.end());
  newer[9] = "9";  // layout 9
  add_dead(newer);
  add_dead({"junk", "1"});

  const CommandResult r = queue_command({"requeue", "--dead"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(lines_with(r.err, "/etc/hostname: requeued").size(), 1u) << r.err;
  EXPECT_EQ(lines_with(r.err, "(left in jobs:dead)").size(), 2u) << r.err;
  EXPECT_EQ(lines_with(r.err, "1 dead jobs requeued to jobs, 0 enqueued again since, 2 not requeued").size(),
            1u)
      << r.err;
  EXPECT_EQ(redis->cli({"XLEN", "jobs:dead"}), "2\n");
  // The worker refuses it as it would any entry: outside its input roots, dead again.
  const CommandResult w = thumbflow({"worker", "-o", (tmp / "out").string(), "--burst", "--input-root",
                                     (tmp / "in").string(), "--redis", redis->url(), "--queue", "jobs"});
  EXPECT_EQ(w.exit_code, 0) << describe(w);
  EXPECT_EQ(lines_with(w.err, "outside the worker's --input-root").size(), 1u) << w.err;
  EXPECT_FALSE(fs::exists(tmp / "out" / "x_thumbnail.jpg"));
  EXPECT_EQ(redis->cli({"XLEN", "jobs:dead"}), "3\n");
  EXPECT_EQ(queue_command({"requeue"}).exit_code, 1) << "which jobs must be said";
}

class QueueFleetFaults : public QueueFleet {
 protected:
  void SetUp() override {
    count = 40;
    image_scale = 4;                    // busy workers: the kill finds jobs in hand
    server_options.append_only = true;  // the queue survives the restart
    Queue::SetUp();
  }
};

// A worker killed with jobs in hand: the one that takes them over counts them as abandoned; Redis
// restarted: the worker counts one reconnection.
TEST_F(QueueFleetFaults, TakeOversAndReconnectionsAreCounted) {
  ASSERT_EQ(enqueue().exit_code, 0);
  auto victim = start_worker("victim", {"--count", "4"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (status()["in_progress"].get<int>() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  victim->signal(SIGKILL);
  EXPECT_EQ(victim->wait(10), 128 + SIGKILL);
  const int held = status()["in_progress"].get<int>();
  ASSERT_GT(held, 0) << "the kill came too late to test anything";
  auto heir =
      start_worker("heir", {"--claim-after", "1", "--metrics", "127.0.0.1:0", "--reconnect-timeout", "30"});
  const std::string url = metrics_url(*heir);
  ASSERT_FALSE(url.empty());
  // The victim's jobs taken over (after --claim-after), then Redis restarted under the heir.
  for (int i = 0; i < 300; ++i) {
    if (scrape(url).value("thumbflow_worker_claimed_jobs_total", {{"reason", "abandoned"}}) >= held) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Busy or idle, a worker polls the queue: it notices the restart either way.
  redis->stop();
  redis->start();
  for (int i = 0; i < 3000; ++i) {  // taken over: already made by the victim ("skipped") or made now
    const nlohmann::json st = status();
    if (st["done"].get<int>() + st["skipped"].get<int>() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  expect_all_thumbnails(tmp / "out", images);
  // The jobs may all be settled before the heir is back on Redis: the reconnection is counted once
  // it succeeds (bounded wait).
  for (int i = 0; i < 1500 && scrape(url).value("thumbflow_worker_redis_reconnects_total") < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const PromScrape s = scrape(url);
  EXPECT_EQ(s.value("thumbflow_worker_claimed_jobs_total", {{"reason", "abandoned"}}), held) << heir->err();
  EXPECT_EQ(s.value("thumbflow_worker_claimed_jobs_total", {{"reason", "retry"}}), 0);
  EXPECT_EQ(s.value("thumbflow_worker_claimed_jobs_total", {{"reason", "handed_back"}}), 0);
  EXPECT_EQ(s.value("thumbflow_worker_redis_reconnects_total"), 1) << heir->err();
  heir->signal(SIGTERM);
  EXPECT_EQ(heir->wait(30), 0) << heir->err();
}

class QueueFleetWatch : public QueueFleet {
 protected:
  void SetUp() override {
    count = 60;
    image_scale = 4;  // so that the frames see the queue move
    Queue::SetUp();
  }
};

std::vector<std::string> lines_starting(const std::string& screen, const std::string& start) {
  std::vector<std::string> out;
  for (const std::string& line : lines_of(screen))
    if (line.rfind(start, 0) == 0) out.push_back(line);
  return out;
}

TEST_F(QueueFleetWatch, StatusWatchRedrawsInPlaceInTmux) {
  const std::string program = find_program("tmux");
  if (program.empty()) GTEST_SKIP() << "tmux is not installed (apt-get install tmux); terminal not checked";
  ASSERT_EQ(enqueue().exit_code, 0);
  Tmux tmux(program);
  // The shell survives the Ctrl-C (a trap with a command is reset to the default in thumbflow).
  const std::string command = "trap 'true' INT; '" + kCli + "' status --watch 0.2 --redis " + redis->url() +
                              " --queue jobs; echo EXIT=$?; sleep 60";
  const CommandResult started =
      tmux.run({"new-session", "-d", "-s", "tf", "-x", "120", "-y", "30", "/bin/sh", "-c", command});
  ASSERT_EQ(started.exit_code, 0) << describe(started);
  std::string screen;
  for (int i = 0; i < 100 && lines_with(screen, "  waiting").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    screen = tmux.capture();
  }
  ASSERT_EQ(lines_starting(screen, "  waiting").size(), 1u) << screen;

  // Not --burst: it stays in the group once the queue is empty, idle, as a worker waiting for work.
  auto worker = start_worker("w1");
  std::vector<std::string> screens;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int frames_after_done = 0;
  while (std::chrono::steady_clock::now() < deadline && frames_after_done < 8) {
    screens.push_back(tmux.capture());
    if (!lines_with(screens.back(), "  done               60").empty()) ++frames_after_done;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::set<std::string> waiting_seen, idle_seen;
  for (const std::string& s : screens) {
    // One frame at a time, from the top: never two frames stacked, never scrolled.
    const auto waiting = lines_starting(s, "  waiting");
    ASSERT_EQ(waiting.size(), 1u) << "frames stacked up or none drawn:\n" << s;
    EXPECT_NE(lines_of(s).front().find("thumbflow status --queue jobs (Ctrl-C to stop)"), std::string::npos)
        << s;
    EXPECT_EQ(lines_starting(s, "  eta").size(), 1u) << s;
    waiting_seen.insert(waiting.front());
    for (const std::string& line : lines_starting(s, "    w1 "))
      if (line.find(" idle ") != std::string::npos) idle_seen.insert(line);
  }
  EXPECT_GE(waiting_seen.size(), 2u) << "the frame was not redrawn with new counts";
  EXPECT_GE(idle_seen.size(), 2u) << "the worker and its idle time were not shown as they changed";
  const std::string& last = screens.back();
  EXPECT_EQ(lines_with(last, "  done               60").size(), 1u) << last;
  EXPECT_EQ(lines_with(last, "nothing left").size(), 1u) << last;

  tmux.run({"send-keys", "-t", "tf", "C-c"});
  for (int i = 0; i < 100 && screen.find("EXIT=") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    screen = tmux.capture();
  }
  EXPECT_EQ(lines_with(screen, "EXIT=0").size(), 1u) << screen;
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->wait(30), 0) << worker->err();
  std::string busy = screens[screens.size() / 3];
  for (const std::string& s : screens)
    if (lines_with(s, "  waiting            60").empty() && lines_with(s, "  done               60").empty())
      busy = s;
  std::cout << "--- status --watch while the worker ran ---\n" << busy << "--- after Ctrl-C ---\n" << screen;
}

TEST_F(QueueFleet, StatusWatchThroughAPipePrintsPlainFramesUntilInterrupted) {
  ASSERT_EQ(enqueue().exit_code, 0);
  test::BackgroundProcess watch(
      {kCli, "status", "--watch", "0.1", "--redis", redis->url(), "--queue", "jobs"});
  std::string out;
  int frames = 0;
  for (int i = 0; i < 200 && frames < 3; ++i) {
    const auto line = watch.read_line(std::chrono::milliseconds(2000));
    if (!line) break;
    out += *line + "\n";
    frames += line->find("thumbflow status --queue jobs") != std::string::npos;
  }
  watch.send_signal(SIGINT);
  EXPECT_EQ(watch.wait(std::chrono::milliseconds(5000)), 0) << watch.err();
  EXPECT_GE(frames, 3) << out;
  EXPECT_EQ(out.find('\033'), std::string::npos) << "no terminal codes through a pipe:\n" << out;
  EXPECT_GE(lines_with(out, "  waiting            40").size(), 2u) << out;
}

}  // namespace
}  // namespace thumbflow::e2e
