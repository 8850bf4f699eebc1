// Queue entries are written by whoever can add to the stream: a worker must treat each one as
// hostile. Real redis-server (127.0.0.1, free port), entries added raw with redis-cli XADD, the real
// `thumbflow worker`; checked as a user would: what is on disk, what is in NAME:dead, exit status.
#include <sys/stat.h>

#include <csignal>
#include <map>
#include <memory>
#include <thread>

#include "e2e_support.hpp"
#include "gif_maker.hpp"
#include "http_server.hpp"
#include "redis_server.hpp"

namespace thumbflow::e2e {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// A well-formed job (layout 1) for `input` at `rel`; `change` replaces fields ("" value: drop it).
Fields job(const std::string& input, const std::string& rel,
           const std::map<std::string, std::string>& change = {}) {
  Fields f = {{"v", "1"},
              {"input", input},
              {"rel", rel},
              {"box_w", "64"},
              {"box_h", "64"},
              {"enlarge", "0"},
              {"format", "same"},
              {"quality", "85"},
              {"background", "255,255,255"},
              {"max_pixels", "100000000"},
              {"decode", "fast"},
              {"name", "{stem}_thumbnail.{ext}"},
              {"force", "0"}};
  for (const auto& field : change) {  // not a structured binding: clang 14 cannot capture one
    const std::string& name = field.first;
    const std::string& value = field.second;
    const auto it = std::find_if(f.begin(), f.end(), [&](const auto& p) { return p.first == name; });
    if (value.empty() && it != f.end())
      f.erase(it);
    else if (it != f.end())
      it->second = value;
    else
      f.emplace_back(name, value);
  }
  return f;
}

// `f` with one more field (a name already there: the entry has it twice).
Fields with(Fields f, const std::string& name, const std::string& value) {
  f.emplace_back(name, value);
  return f;
}

struct HostileCase {
  std::string what;
  Fields fields;
  std::string reason;  // part of the error recorded in NAME:dead
};

class QueueHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    // Inputs: two under the root; a secret outside it, and a symlink inside pointing at it.
    test::write_bytes(in / "ok.jpg", test::encode(test::make_picture(320, 240, CV_8UC3, 1), ".jpg"));
    test::write_bytes(in / "sub" / "ok2.png", test::encode(test::make_picture(200, 100, CV_8UC3, 2), ".png"));
    test::write_bytes(tmp / "secret" / "s.jpg",
                      test::encode(test::make_picture(320, 240, CV_8UC3, 3), ".jpg"));
    fs::create_symlink(tmp / "secret" / "s.jpg", in / "link.jpg");
    fs::create_directory_symlink(tmp / "secret", in / "secret_dir");
    fs::create_directories(out);
  }

  std::string add(const Fields& fields) {
    std::vector<std::string> args = {"XADD", "jobs", "*"};
    for (const auto& [name, value] : fields) args.insert(args.end(), {name, value});
    const std::vector<std::string> id = lines_of(redis.cli(args));
    return id.empty() ? "" : id.front();
  }

  // Entry id -> recorded error, from NAME:dead.
  std::map<std::string, std::string> dead() {
    const nlohmann::json entries =
        nlohmann::json::parse(redis.cli({"--json", "XRANGE", "jobs:dead", "-", "+"}));
    std::map<std::string, std::string> errors;
    for (const auto& entry : entries) {
      std::string id, error;
      const auto& f = entry[1];
      for (std::size_t i = 0; i + 1 < f.size(); i += 2) {
        if (f[i] == "id") id = f[i + 1];
        if (f[i] == "error") error = f[i + 1];
      }
      errors[id] = error;
    }
    return errors;
  }

  // Every file under tmp outside -o and the logs, with its content: a worker may change none.
  std::map<std::string, std::vector<std::uint8_t>> outside_output() {
    auto all = snapshot(tmp.path());
    std::erase_if(all, [](const auto& entry) {
      return entry.first.rfind("w/out/", 0) == 0 || entry.first.rfind("logs/", 0) == 0;
    });
    return all;
  }

  std::vector<std::string> worker_argv(const std::vector<std::string>& extra) const {
    std::vector<std::string> argv = {kCli,        "worker",  "-o",   out.string(),       "-j", "1", "--redis",
                                     redis.url(), "--queue", "jobs", "--max-deliveries", "1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  CommandResult worker(std::vector<std::string> extra) {
    extra.emplace_back("--burst");
    return test::run_command(worker_argv(extra), 90);
  }

  // Waits (at most 30 s) until `done` says so.
  static bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return done();
  }

  TempDir tmp;
  const fs::path in = tmp / "w" / "in";
  const fs::path out = tmp / "w" / "out";  // so that ../../pwned is tmp/pwned
  test::RedisServer redis;
};

TEST_F(QueueHostile, EveryHostileEntryIsDeadWithItsReasonAndNothingLeavesTheRoots) {
  const std::string ok = (in / "ok.jpg").string();
  const std::vector<HostileCase> cases = {
      // The reproduction of issue 15.
      {"'..' in rel", job(ok, "../../pwned/evil.jpg", {{"name", "{stem}.{ext}"}}), "'..' segment"},
      {"absolute rel", job(ok, (tmp / "pwned" / "abs.jpg").string()), "absolute"},
      {"'..' in the name", job(ok, "ok.jpg", {{"name", "../../{stem}.{ext}"}}), "must be a file name"},
      {"control character in rel", job(ok, "a\nb.jpg"), "control character"},
      {"backslash in rel", job(ok, "..\\..\\evil.jpg"), "backslash"},
      {"output field lying", job(ok, "ok.jpg", {{"output", "../../pwned/x.jpg"}}), "field 'output'"},
      {"input outside the roots", job((tmp / "secret" / "s.jpg").string(), "s.jpg"), "outside"},
      {"symlink out of the roots", job((in / "link.jpg").string(), "link.jpg"), "outside"},
      {"'..' out of the roots", job((in / ".." / ".." / "secret" / "s.jpg").string(), "t.jpg"), "outside"},
      {"folder symlink out of the roots", job((in / "secret_dir" / "s.jpg").string(), "u.jpg"), "outside"},
      // A missing folder then '..': resolved lexically it would land in the symlinked folder.
      {"'..' after a missing folder",
       job((in / "no_such_dir" / ".." / "secret_dir" / "s.jpg").string(), "v.jpg"), "'..' segment"},
      {"relative input", job("w/in/ok.jpg", "r.jpg"), "not an absolute path"},
      {"60000 px enlarged box",
       job(ok, "big.jpg", {{"box_w", "60000"}, {"box_h", "60000"}, {"enlarge", "1"}}), "limit of 8192"},
      {"enlarged unbounded side", job(ok, "tall.jpg", {{"box_h", "0"}, {"enlarge", "1"}}), "bounded on both"},
      {"unknown version", job(ok, "v2.jpg", {{"v", "2"}}), "layout '2' is not 1"},
      {"missing field", job(ok, "m.jpg", {{"quality", ""}}), "'quality' missing"},
      {"missing input", job(ok, "m2.jpg", {{"input", ""}}), "'input' missing"},
      {"quality out of range", job(ok, "q.jpg", {{"quality", "101"}}), "'quality'"},
      {"unknown format", job(ok, "f.jpg", {{"format", "tiff"}}), "unknown format"},
      {"unknown decode", job(ok, "d.jpg", {{"decode", "slow"}}), "unknown decode"},
      {"bad background", job(ok, "b.jpg", {{"background", "300,0,0"}}), "invalid colour"},
      {"enlarge not 0/1", job(ok, "e.jpg", {{"enlarge", "2"}}), "'enlarge'"},
      {"force not 0/1", job(ok, "o.jpg", {{"force", "yes"}}), "'force'"},
      {"template without {stem}", job(ok, "n.jpg", {{"name", "x.jpg"}}), "needs {stem}"},
      {"template without an extension", job(ok, "n2.jpg", {{"name", "{stem}"}}), "must end in .{ext}"},
      // The job's pixel limit: 0 means the worker's (50000 here), so a 76800 px input is refused (a
      // 320 px box needs the JPEG whole).
      {"max_pixels 0", job(ok, "p0.jpg", {{"max_pixels", "0"}, {"box_w", "320"}, {"box_h", "320"}}),
       "over the limit"},
      {"max_pixels raised",
       job(ok, "p1.jpg", {{"max_pixels", "1000000000"}, {"box_w", "320"}, {"box_h", "320"}}),
       "over the limit"},
      // Numbers in decimal digits only; each field once; every field bounded.
      {"space before a number", job(ok, "s1.jpg", {{"box_w", " 64"}}), "digits only"},
      {"plus sign", job(ok, "s2.jpg", {{"quality", "+85"}}), "digits only"},
      {"trailing text", job(ok, "s3.jpg", {{"box_h", "64abc"}}), "digits only"},
      {"sizes with a sign", job(ok, "s4.jpg", {{"sizes", "+64,32"}}), "field 'sizes'"},
      {"background with a space", job(ok, "s5.jpg", {{"background", "255, 255,255"}}), "field 'background'"},
      {"duplicated field", with(job(ok, "s6.jpg"), "quality", "10"), "'quality' appears twice"},
      {"100 KB input", job(std::string(100000, 'a'), "big.jpg"), "100000 bytes, over the limit of 8192"},
      {"long unknown field", job(ok, "s7.jpg", {{"note", std::string(5000, 'n')}}), "over the limit of 256"},
      // Thumbnails with more pixels than the worker allows: a 200x200 input (40000 px, under the
      // limit) enlarged to two sizes of 300 (179401 px in all). Found by a hostile sweep: sixteen
      // enlarged sizes of 8192 took a worker to 3.4 GB.
      {"enlarged sizes over the pixel limit",
       job((in / "small.jpg").string(), "en.jpg",
           {{"box_w", "300"},
            {"box_h", "300"},
            {"sizes", "300,299"},
            {"enlarge", "1"},
            {"name", "{stem}_{size}.{ext}"}}),
       "thumbnails of 2 sizes are 0.2 MP in all, over the limit of 50000 pixels (--max-pixels)"},
      // The animation budget: a job's 0 means the worker's (--max-frame-pixels 100000 here), not
      // none. Found by a hostile sweep: a 2 KB GIF of 40 frames of 5000x5000 took a worker to 4.5 GB.
      {"animation budget lifted",
       job((in / "anim.gif").string(), "anim.gif", {{"animated_max_frame_pixels", "0"}}),
       "over the limit of 100000 (--max-frame-pixels)"},
      // Frames within the budget, enlarged past it: 20 frames of 16x16 (5120 pixels) to 96x96.
      {"enlarged animation over the budget",
       job((in / "anim_small.gif").string(), "anim_small.gif",
           {{"animated_max_frame_pixels", "0"}, {"enlarge", "1"}, {"box_w", "96"}, {"box_h", "96"}}),
       "animated thumbnails of 1 size are 20 frames x 9216 = 184320 pixels in all, over the limit of 100000 "
       "(--max-frame-pixels)"},
  };
  std::map<std::string, const HostileCase*> by_id;
  const std::string first_good = add(job((in / "sub" / "ok2.png").string(), "sub/ok2.png"));
  for (const HostileCase& c : cases) by_id[add(c.fields)] = &c;
  // A good job after the hostile ones: the worker kept working.
  const std::string last_good =
      add(job((in / "sub" / "ok2.png").string(), "ok2.png",
              {{"max_pixels", "0"}, {"box_w", "32"}, {"box_h", "32"}, {"name", "{stem}_{w}.{ext}"}}));
  ASSERT_EQ(by_id.size(), cases.size());
  ASSERT_FALSE(first_good.empty());
  ASSERT_FALSE(last_good.empty());

  // 320x240 = 76800 px is over this worker's limit; 200x200 is not.
  test::write_bytes(in / "small.jpg", test::encode(test::make_picture(200, 200, CV_8UC3, 4), ".jpg"));
  const std::string under_limit = add(job((in / "small.jpg").string(), "small.jpg", {{"max_pixels", "0"}}));
  // Animations of 1x1 frames: 20 on a 100x100 screen (200000 frame pixels), 20 on 16x16 (5120).
  for (const auto& [name, side] : {std::pair{"anim.gif", 100}, std::pair{"anim_small.gif", 16}}) {
    test::GifSpec gif{side, side, {{0, 0, 0}, {255, 255, 255}}, {}, true};
    for (int i = 0; i < 20; ++i)
      gif.frames.push_back({i % side, 0, cv::Mat(1, 1, CV_8UC1, cv::Scalar(1)), {}, 1, -1, 10});
    test::write_bytes(in / name, test::make_gif(gif));
  }
  const auto before_run = outside_output();
  const CommandResult r =
      worker({"--input-root", in.string(), "--max-pixels", "50000", "--max-frame-pixels", "100000"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);

  const auto found = dead();
  for (const auto& [id, c] : by_id) {
    const auto it = found.find(id);
    ASSERT_NE(it, found.end()) << c->what << " is not in jobs:dead";
    EXPECT_TRUE(contains_ci(it->second, c->reason)) << c->what << ": " << it->second;
    // A refused entry is named by its entry id (also without an input); values are quoted at most
    // 200 bytes long. (Jobs that failed in the pipeline have an input that names them.)
    if (it->second.rfind("failed ", 0) != 0 && !it->second.ends_with("(permanent: not retried)")) {
      EXPECT_EQ(it->second.find("entry " + id + ": "), 0u) << c->what << ": " << it->second;
    }
    EXPECT_LT(it->second.size(), 1000u) << c->what;
    EXPECT_NE(r.err.find(it->second), std::string::npos) << c->what << " not on stderr\n" << r.err;
  }
  EXPECT_LT(r.err.size(), 64u * 1024) << "a huge field was printed";
  // One line each on stderr.
  EXPECT_EQ(lines_with(r.err, "moved to the dead list").size(), cases.size()) << r.err;
  EXPECT_EQ(found.size(), cases.size()) << r.err;
  EXPECT_EQ(found.count(first_good) + found.count(last_good) + found.count(under_limit), 0u) << r.err;
  // Only the good jobs' thumbnails, only under -o; nothing outside it changed.
  EXPECT_EQ(files_under(out),
            (std::vector<std::string>{"ok2_32.png", "small_thumbnail.jpg", "sub/ok2_thumbnail.png"}));
  EXPECT_EQ(read_image(out / "ok2_32.png").size(), cv::Size(32, 16));
  EXPECT_EQ(outside_output(), before_run);
  EXPECT_FALSE(fs::exists(tmp / "pwned"));
  EXPECT_EQ(redis.cli({"XLEN", "jobs"}), "0\n");
}

// Bytes Redis has sent to its clients so far (INFO stats).
std::int64_t net_output_bytes(const test::RedisServer& redis) {
  for (const std::string& line : lines_of(redis.cli({"INFO", "stats"})))
    if (line.rfind("total_net_output_bytes:", 0) == 0) return std::stoll(line.substr(23));
  return -1;
}

// An entry over the bounds is measured in Redis and never sent to the worker: new (a 20 MB input,
// 3000 fields) or taken over from a dead consumer (a 20 MB field), each is dead with the reason
// decode_job gives, and Redis sends the worker a few KB in all. Before, the worker read each whole
// (peak RSS ~316 MB for one 100 MB entry) to refuse it.
TEST_F(QueueHostile, AnEntryOverTheBoundsIsNotSentToTheWorker) {
  const auto add_big = [&](const std::string& lua_fields, const std::string& n) {
    return lines_of(redis.cli({"EVAL", "return redis.call('XADD', KEYS[1], '*', " + lua_fields + ")", "1",
                               "jobs", n}))
        .at(0);
  };
  const std::string big_input =
      add_big("'v', '1', 'input', '/' .. string.rep('a', tonumber(ARGV[1])), 'rel', 'x.jpg'", "20000000");
  const std::string many_fields =
      lines_of(
          redis.cli({"EVAL",
                     "local f = {} for i = 1, tonumber(ARGV[1]) do f[#f + 1] = 'f' .. i; f[#f + 1] = 'x' end "
                     "return redis.call('XADD', KEYS[1], '*', unpack(f))",
                     "1", "jobs", "3000"}))
          .at(0);
  // Pending for a consumer that died: the worker takes it over (XAUTOCLAIM) after --claim-after.
  ASSERT_EQ(redis.cli({"XGROUP", "CREATE", "jobs", "thumbflow", "0"}), "OK\n");
  ASSERT_EQ(redis.cli({"EVAL",
                       "redis.call('XREADGROUP', 'GROUP', 'thumbflow', 'ghost', 'COUNT', 2, 'STREAMS', "
                       "KEYS[1], '>') return 1",
                       "1", "jobs"}),
            "1\n");
  const std::string claimed = add_big("'v', '1', 'note', string.rep('n', tonumber(ARGV[1]))", "20000000");
  ASSERT_EQ(redis.cli({"EVAL",
                       "redis.call('XREADGROUP', 'GROUP', 'thumbflow', 'ghost', 'COUNT', 1, 'STREAMS', "
                       "KEYS[1], '>') return 1",
                       "1", "jobs"}),
            "1\n");
  const std::string good = add(job((in / "ok.jpg").string(), "ok.jpg"));
  // Still pending for the dead consumer: the first two are taken over too.
  ASSERT_EQ(lines_of(redis.cli({"XPENDING", "jobs", "thumbflow"})).front(), "3");

  const std::int64_t sent_before = net_output_bytes(redis);
  // Taken over, they are at their second delivery: allowed, so that their own reason is recorded.
  std::vector<std::string> argv = worker_argv({"--input-root", in.string(), "--claim-after", "1", "--burst"});
  argv[std::size_t(std::find(argv.begin(), argv.end(), "--max-deliveries") - argv.begin()) + 1] = "3";
  const CommandResult r = test::run_command(argv, 90);
  const std::int64_t sent = net_output_bytes(redis) - sent_before;
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_LT(sent, 1'000'000) << "bytes sent by Redis while the worker ran";
  const auto found = dead();
  ASSERT_EQ(found.size(), 3u) << r.err;
  EXPECT_TRUE(contains_ci(found.at(big_input), "entry " + big_input +
                                                   ": malformed job: field 'input' is 20000001 bytes, "
                                                   "over the limit of 8192: '/aaa"))
      << found.at(big_input);
  EXPECT_TRUE(contains_ci(found.at(big_input), "\u2026' (20000001 bytes)")) << found.at(big_input);
  EXPECT_TRUE(contains_ci(found.at(many_fields), "entry has 3000 fields, over the limit of 64"))
      << found.at(many_fields);
  EXPECT_TRUE(contains_ci(found.at(claimed), "field 'note' is 20000000 bytes, over the limit of 256"))
      << found.at(claimed);
  // One line each on stderr, the input named by its start.
  EXPECT_EQ(lines_with(r.err, "moved to the dead list").size(), 3u) << r.err;
  EXPECT_LT(r.err.size(), 16u * 1024) << r.err;
  EXPECT_EQ(files_under(out), std::vector<std::string>{"ok_thumbnail.jpg"}) << r.err;
  EXPECT_EQ(redis.cli({"XLEN", "jobs"}), "0\n");
  EXPECT_TRUE(found.count(good) == 0);
}

// A dead entry anyone wrote, however large, costs status a few KB: only the fields it shows, each
// cut to 4 KiB with its size. Before, status read the whole entry (20 MB here) to show it.
TEST_F(QueueHostile, StatusReadsAHugeDeadEntryInBoundedMemory) {
  ASSERT_FALSE(redis
                   .cli({"EVAL",
                         "return redis.call('XADD', KEYS[1], '*', 'id', '1-1', 'error', string.rep('e', "
                         "tonumber(ARGV[1])), 'deliveries', '1', 'input', '/in/x.jpg', 'junk', "
                         "string.rep('j', tonumber(ARGV[1])))",
                         "1", "jobs:dead", "20000000"})
                   .empty());
  const std::int64_t sent_before = net_output_bytes(redis);
  const CommandResult r = test::run_command({kCli, "status", "--redis", redis.url(), "--queue", "jobs"}, 90);
  const std::int64_t sent = net_output_bytes(redis) - sent_before;
  EXPECT_EQ(r.exit_code, 0) << describe(r).substr(0, 2000);
  EXPECT_LT(sent, 1'000'000) << "bytes sent by Redis for status";
  EXPECT_EQ(lines_with(r.out, "/in/x.jpg: eeee").size(), 1u) << r.out.substr(0, 2000);
  EXPECT_EQ(lines_with(r.out, "\u2026 (20000000 bytes)").size(), 1u) << r.out.substr(0, 2000);
  EXPECT_LT(r.out.size(), 16u * 1024);
}

// requeue reads NAME:dead in bounded memory too: a dead entry anyone wrote with a 20 MB job field
// stays there with decode_job's reason, one with a 20 MB error goes back (its error cut for the
// message), and Redis sends requeue a few KB. Before, requeue read both whole.
TEST_F(QueueHostile, RequeueReadsHugeDeadEntriesInBoundedMemory) {
  ASSERT_FALSE(
      redis
          .cli({"EVAL",
                "return redis.call('XADD', KEYS[1], '*', 'id', '1-1', 'error', 'it failed', 'deliveries', "
                "'3', 'v', '1', 'input', '/' .. string.rep('a', 20000000), 'rel', 'r.jpg')",
                "1", "jobs:dead"})
          .empty());
  Fields good = job((in / "ok.jpg").string(), "ok.jpg");
  std::vector<std::string> args = {
      "EVAL",
      "local a = {'id', '1-2', 'error', string.rep('e', 20000000), 'deliveries', '3'} "
      "for i = 1, #ARGV do a[#a + 1] = ARGV[i] end "
      "return redis.call('XADD', KEYS[1], '*', unpack(a))",
      "1", "jobs:dead"};
  for (const auto& [n, v] : good) args.insert(args.end(), {n, v});
  ASSERT_FALSE(redis.cli(args).empty());
  const std::int64_t sent_before = net_output_bytes(redis);
  const CommandResult r =
      test::run_command({kCli, "requeue", "--dead", "--json", "--redis", redis.url(), "--queue", "jobs"}, 90);
  const std::int64_t sent = net_output_bytes(redis) - sent_before;
  EXPECT_EQ(r.exit_code, 2) << describe(r).substr(0, 2000);
  EXPECT_LT(sent, 1'000'000) << "bytes sent by Redis for requeue";
  const nlohmann::json counts = nlohmann::json::parse(r.out);
  EXPECT_EQ(counts["requeued"], 1) << r.out;
  EXPECT_EQ(counts["not_a_job"], 1) << r.out;
  EXPECT_EQ(
      lines_with(r.err, "malformed job: field 'input' is 20000001 bytes, over the limit of 8192").size(), 1u)
      << r.err.substr(0, 2000);
  EXPECT_EQ(lines_with(r.err, "\u2026 (20000000 bytes))").size(), 1u) << r.err.substr(0, 2000);
  EXPECT_LT(r.err.size(), 16u * 1024);
  EXPECT_EQ(redis.cli({"XLEN", "jobs"}), "1\n");
  EXPECT_EQ(redis.cli({"XLEN", "jobs:dead"}), "1\n");
}

// Thousands of jobs held by a consumer that died: one worker takes them all over, a few per take,
// claiming again as long as there are such jobs (not once a second), and gives up on each.
TEST_F(QueueHostile, ThousandsOfJobsOfADeadConsumerAreTakenOver) {
  ASSERT_EQ(
      redis.cli({"EVAL",
                 "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'v', '9', 'n', i) end "
                 "redis.call('XGROUP', 'CREATE', KEYS[1], 'thumbflow', '0') "
                 "redis.call('XREADGROUP', 'GROUP', 'thumbflow', 'ghost', 'COUNT', ARGV[1], 'STREAMS', "
                 "KEYS[1], '>') return 1",
                 "1", "jobs", "2000"}),
      "1\n");
  std::vector<std::string> argv = worker_argv({"--claim-after", "1", "--burst"});
  argv[std::size_t(std::find(argv.begin(), argv.end(), "--max-deliveries") - argv.begin()) + 1] = "3";
  const CommandResult r = test::run_command(argv, 90);
  EXPECT_EQ(r.exit_code, 0) << describe(r).substr(0, 2000);
  EXPECT_EQ(redis.cli({"XLEN", "jobs:dead"}), "2000\n");
  EXPECT_EQ(redis.cli({"XLEN", "jobs"}), "0\n");
  EXPECT_EQ(lines_with(r.err, "layout '9' is not 1").size(), 2000u);
}

// Found by a hostile sweep: a job taken over from a worker that died (its second delivery) took a
// thumbnail already at its output path for the work of its first attempt, whoever wrote it: here
// another job's file of the same name, older than this job. The job was acknowledged as "skipped"
// and its own thumbnail was never made.
TEST_F(QueueHostile, ATakenOverJobDoesNotTakeAnOlderFileForItsThumbnail) {
  test::write_bytes(out / "ok_thumbnail.jpg", test::encode(test::make_picture(10, 10, CV_8UC3, 7), ".jpg"));
  // Newer than the input (so up to date by the dates alone), older than the job.
  fs::last_write_time(in / "ok.jpg", fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::last_write_time(out / "ok_thumbnail.jpg", fs::file_time_type::clock::now() - std::chrono::hours(1));
  const std::string id = add(job((in / "ok.jpg").string(), "ok.jpg"));
  ASSERT_FALSE(id.empty());
  // Delivered once, to a worker that died without a word.
  redis.cli({"XGROUP", "CREATE", "jobs", "thumbflow", "0"});
  redis.cli({"XREADGROUP", "GROUP", "thumbflow", "ghost", "COUNT", "1", "STREAMS", "jobs", ">"});
  std::vector<std::string> argv = worker_argv({"--input-root", in.string(), "--claim-after", "1", "--burst"});
  argv[std::size_t(std::find(argv.begin(), argv.end(), "--max-deliveries") - argv.begin()) + 1] = "3";
  const CommandResult r = test::run_command(argv, 90);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains_ci(r.err, "1 thumbnails written")) << describe(r);
  const cv::Mat thumbnail = read_image(out / "ok_thumbnail.jpg");
  EXPECT_EQ(thumbnail.cols, 64) << "the older file was kept";
  EXPECT_EQ(redis.cli({"XLEN", "jobs"}), "0\n");
}

// Without --input-root a worker reads no local file: each such job is dead at once with a reason
// that says how to allow it, and the worker goes on.
TEST_F(QueueHostile, LocalFileJobsAreRefusedWithoutAnInputRoot) {
  const std::string id = add(job((in / "ok.jpg").string(), "ok.jpg"));
  const CommandResult r = worker({});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const auto found = dead();
  ASSERT_EQ(found.count(id), 1u) << r.err;
  EXPECT_TRUE(contains_ci(found.at(id), "--input-root DIR")) << found.at(id);
  EXPECT_EQ(lines_with(r.err, "--input-root DIR").size(), 1u) << r.err;
  EXPECT_TRUE(files_under(out).empty());
}

// NAME:seen holds the fingerprint of every job enqueued; a job given up leaves it, so that it can be
// enqueued again once fixed. Which fingerprint is the worker's to compute from the job it checked,
// never the entry's `key` field: entries naming another job's key (malformed, refused, or a job
// that fails) remove nothing of it, and that job enqueued again is still a duplicate.
TEST_F(QueueHostile, AnEntrysKeyFieldCannotForgetAnotherJobsFingerprint) {
  test::write_bytes(in / "dedupe" / "good.jpg",
                    test::encode(test::make_picture(320, 240, CV_8UC3, 4), ".jpg"));
  test::write_bytes(in / "dedupe" / "bad.jpg", {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});
  const auto enqueue = [&] {
    const CommandResult r = test::run_command({kCli, "enqueue", (in / "dedupe").string(), "-s", "64x64",
                                               "--json", "--redis", redis.url(), "--queue", "jobs"},
                                              90);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    return nlohmann::json::parse(r.out);
  };
  ASSERT_EQ(enqueue()["added"], 2);
  std::map<std::string, std::string> key_of;  // input file name -> its `key` field
  for (const auto& entry : nlohmann::json::parse(redis.cli({"--json", "XRANGE", "jobs", "-", "+"}))) {
    std::string input, key;
    for (std::size_t i = 0; i + 1 < entry[1].size(); i += 2) {
      if (entry[1][i] == "input") input = entry[1][i + 1];
      if (entry[1][i] == "key") key = entry[1][i + 1];
    }
    key_of[fs::path(input).filename().string()] = key;
  }
  const std::string good = key_of.at("good.jpg"), bad = key_of.at("bad.jpg");
  ASSERT_EQ(redis.cli({"SISMEMBER", "jobs:seen", good}), "1\n");

  const std::string malformed = add({{"v", "9"}, {"key", good}});
  const std::string refused = add(job((tmp / "secret" / "s.jpg").string(), "s.jpg", {{"key", good}}));
  const std::string failing =
      add(job((in / "dedupe" / "bad.jpg").string(), "other/bad.jpg", {{"key", good}}));
  const CommandResult r = worker({"--input-root", in.string()});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const auto found = dead();
  for (const std::string& id : {malformed, refused, failing}) EXPECT_EQ(found.count(id), 1u) << id << r.err;
  EXPECT_EQ(found.size(), 4u) << r.err;  // and bad.jpg, enqueued

  EXPECT_EQ(redis.cli({"SISMEMBER", "jobs:seen", good}), "1\n") << "an entry's key field removed it";
  // bad.jpg's own fingerprint is gone: the worker computes it as enqueue does.
  EXPECT_EQ(redis.cli({"SISMEMBER", "jobs:seen", bad}), "0\n");
  const nlohmann::json again = enqueue();
  EXPECT_EQ(again["added"], 1) << again;
  EXPECT_EQ(again["duplicates"], 1) << again;

  // requeue re-adds the fingerprint of each job, not its `key` field: the two jobs that named
  // good.jpg's go back (before, they were taken for good.jpg, "enqueued again since", and lost);
  // bad.jpg was enqueued again since; the malformed entry stays.
  const CommandResult back =
      test::run_command({kCli, "requeue", "--dead", "--json", "--redis", redis.url(), "--queue", "jobs"}, 90);
  EXPECT_EQ(back.exit_code, 2) << describe(back);
  const nlohmann::json moved = nlohmann::json::parse(back.out);
  EXPECT_EQ(moved["requeued"], 2) << moved;
  EXPECT_EQ(moved["already_enqueued"], 1) << moved;
  EXPECT_EQ(redis.cli({"SISMEMBER", "jobs:seen", good}), "1\n");
}

// `status` reads counters anyone can break: one that is not a number is shown as unreadable, and
// the rest is still shown (it failed outright: "Redis reply is not an integer").
TEST_F(QueueHostile, StatusShowsACounterThatIsNotANumberAsUnreadable) {
  ASSERT_EQ(redis.cli({"HSET", "jobs:stats", "done", "notanumber", "skipped", "4"}), "2\n");
  const std::int64_t now = std::stoll(lines_of(redis.cli({"TIME"})).at(0));
  for (int back = 1; back <= 3; ++back)
    ASSERT_EQ(redis.cli({"SET", "jobs:rate:" + std::to_string(now - back), back == 2 ? "7" : "x"}), "OK\n");
  ASSERT_EQ(redis.cli({"XGROUP", "CREATE", "jobs", "thumbflow", "0", "MKSTREAM"}), "OK\n");
  add(job((in / "ok.jpg").string(), "ok.jpg"));
  const std::vector<std::string> where = {"--redis", redis.url(), "--queue", "jobs"};
  std::vector<std::string> argv = {kCli, "status"};
  argv.insert(argv.end(), where.begin(), where.end());
  const CommandResult text = test::run_command(argv, 90);
  EXPECT_EQ(text.exit_code, 0) << describe(text);
  EXPECT_EQ(lines_with(text.out, "unreadable").size(), 1u + 1u + 2u) << text.out;  // done, its key, 2 rates
  EXPECT_EQ(lines_with(text.out, "done         unreadable").size(), 1u) << text.out;
  EXPECT_EQ(lines_with(text.out, "jobs:stats done holds 'notanumber'").size(), 1u) << text.out;
  EXPECT_EQ(lines_with(text.out, "already there       4").size(), 1u) << text.out;
  EXPECT_EQ(lines_with(text.out, "waiting             1").size(), 1u) << text.out;
  EXPECT_EQ(lines_with(text.out, "7 in the last minute").size(), 1u) << text.out;

  argv.emplace_back("--json");
  const CommandResult json = test::run_command(argv, 90);
  ASSERT_EQ(json.exit_code, 0) << describe(json);
  const nlohmann::json s = nlohmann::json::parse(json.out);
  EXPECT_EQ(s["skipped"], 4);
  EXPECT_EQ(s["last_minute"], 7);
  ASSERT_EQ(s["unreadable"].size(), 3u) << s;
  EXPECT_EQ(s["unreadable"][0]["field"], "done");
}

// Request headers and the user agent come from the worker's command line only: fields of an
// entry that look like them are not read.
TEST_F(QueueHostile, AUrlJobGetsTheWorkersHeadersAndCannotSetItsOwn) {
  test::HttpServer origin;
  const auto jpeg = test::encode(test::make_picture(320, 240, CV_8UC3, 5), ".jpg");
  origin.set("/w.jpg", test::Response::ok(std::string(jpeg.begin(), jpeg.end()), "image/jpeg"));
  add(job(origin.url("/w.jpg"), "w.jpg",
          {{"header", "X-Evil: 1"},
           {"headers", "X-Evil: 2"},
           {"user_agent", "evil/1"},
           {"proxy", "http://127.0.0.1:1"},
           {"http_proxy", "http://127.0.0.1:1"}}));
  const CommandResult r =
      worker({"--allow-private-urls", "--header", "X-Token: w1", "--user-agent", "worker/1"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const test::Request got = origin.last_request("/w.jpg");
  EXPECT_EQ(got.header("x-token"), "w1") << describe(r);
  EXPECT_EQ(got.header("user-agent"), "worker/1");
  EXPECT_EQ(got.header("x-evil"), "");
  EXPECT_EQ(files_under(out), std::vector<std::string>{"w_thumbnail.jpg"}) << describe(r);
}

// Counters and notes are someone else's to break: with NAME:stats holding text where a count goes
// and NAME:errors and NAME:released of another type, every job is still done or dead, and each
// broken key is named once on stderr.
TEST_F(QueueHostile, BrokenCountersAndNotesAreWarnedOnceAndLoseNoJob) {
  ASSERT_EQ(redis.cli({"HSET", "jobs:stats", "done", "notanumber", "dead", "x"}), "2\n");
  ASSERT_EQ(redis.cli({"SET", "jobs:errors", "x"}), "OK\n");
  std::vector<std::string> good;
  for (int i = 0; i < 3; ++i)
    good.push_back(add(job((in / "ok.jpg").string(), "ok" + std::to_string(i) + ".jpg")));
  const std::string malformed = add(job((in / "ok.jpg").string(), "m.jpg", {{"quality", "high"}}));
  const CommandResult r = worker({"--input-root", in.string()});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(files_under(out),
            (std::vector<std::string>{"ok0_thumbnail.jpg", "ok1_thumbnail.jpg", "ok2_thumbnail.jpg"}));
  EXPECT_EQ(dead().count(malformed), 1u) << r.err;
  EXPECT_EQ(redis.cli({"XLEN", "jobs"}), "0\n") << r.err;
  EXPECT_EQ(lines_with(r.err, "'jobs:stats'").size(), 1u) << r.err;
  EXPECT_EQ(lines_with(r.err, "'jobs:errors'").size(), 1u) << r.err;
  EXPECT_EQ(redis.cli({"HGET", "jobs:stats", "done"}), "notanumber\n");
}

// A job is acknowledged only once its dead record is written: with NAME:dead of another type, the
// jobs to give up on stay pending (said once, naming the key) while the others are done; once the
// key is put right, they move there.
TEST_F(QueueHostile, AJobIsNotAcknowledgedBeforeItsDeadRecordIsWritten) {
  ASSERT_EQ(redis.cli({"SET", "jobs:dead", "x"}), "OK\n");
  test::write_bytes(in / "bad.jpg",
                    std::vector<std::uint8_t>{'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'g'});
  const std::string malformed = add(job((in / "ok.jpg").string(), "m.jpg", {{"quality", "high"}}));
  const std::string broken = add(job((in / "bad.jpg").string(), "bad.jpg"));
  add(job((in / "ok.jpg").string(), "ok.jpg"));
  fs::create_directories(tmp / "logs");
  test::LoggedProcess w(worker_argv({"--input-root", in.string(), "--retry-delay", "1"}), tmp / "logs" / "w");
  EXPECT_TRUE(eventually([&] { return fs::exists(out / "ok_thumbnail.jpg"); })) << w.err();
  EXPECT_TRUE(eventually([&] { return lines_with(w.err(), "'jobs:dead'").size() == 1; })) << w.err();
  // Both are still in the queue, pending: nothing acknowledged, nothing lost.
  EXPECT_EQ(redis.cli({"XLEN", "jobs"}), "2\n") << w.err();
  EXPECT_EQ(lines_of(redis.cli({"XPENDING", "jobs", "thumbflow"})).front(), "2") << w.err();
  EXPECT_TRUE(w.running()) << w.err();
  ASSERT_EQ(redis.cli({"DEL", "jobs:dead"}), "1\n");
  EXPECT_TRUE(eventually([&] { return dead().size() == 2; })) << w.err();
  EXPECT_EQ(dead().count(malformed) + dead().count(broken), 2u) << w.err();
  EXPECT_TRUE(eventually([&] { return redis.cli({"XLEN", "jobs"}) == "0\n"; })) << w.err();
  w.signal(SIGTERM);
  EXPECT_EQ(w.wait(30), 0) << w.err();
  EXPECT_EQ(lines_with(w.err(), "'jobs:dead'").size(), 1u) << w.err();  // said once, not per attempt
}

// The stream itself of another type: nothing can be done; one line naming the key, exit 1.
TEST_F(QueueHostile, AQueueKeyOfAnotherTypeIsOneClearLine) {
  ASSERT_EQ(redis.cli({"SET", "jobs", "x"}), "OK\n");
  const CommandResult r = worker({"--input-root", in.string()});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << describe(r);
  EXPECT_TRUE(contains_ci(r.err, "key 'jobs' holds a string, not a stream")) << describe(r);
}

// `status` on a stream that no worker has read yet (entries added by other means, no consumer
// group): the entries are shown waiting, exit 0. Before: 'NOGROUP No such key ...', exit 1. On a
// queue not there at all: empty, exit 0.
TEST_F(QueueHostile, StatusShowsAStreamWithoutItsGroupAndAMissingQueue) {
  const std::vector<std::string> where = {"--redis", redis.url(), "--queue", "jobs"};
  std::vector<std::string> argv = {kCli, "status"};
  argv.insert(argv.end(), where.begin(), where.end());
  CommandResult r = test::run_command(argv, 90);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(lines_with(r.out, "(no such stream yet: nothing enqueued)").size(), 1u) << r.out;

  add(job((in / "ok.jpg").string(), "ok.jpg"));
  add(job((in / "ok.jpg").string(), "ok2.jpg"));
  r = test::run_command(argv, 90);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(lines_with(r.out, "(no consumer group yet: no worker has read it)").size(), 1u) << r.out;
  EXPECT_EQ(lines_with(r.out, "waiting             2").size(), 1u) << r.out;
  argv.emplace_back("--json");
  r = test::run_command(argv, 90);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json s = nlohmann::json::parse(r.out);
  EXPECT_EQ(s["waiting"], 2);
  EXPECT_EQ(s["in_progress"], 0);
  EXPECT_EQ(s["stream_exists"], true);
  EXPECT_EQ(s["group_exists"], false);
}

// Keys of another type: each subcommand says which key holds what, in one line, never Redis's
// "WRONGTYPE Operation against a key holding the wrong kind of value". status goes on past side
// keys (left out, shown); the stream itself is a setup error for all.
TEST_F(QueueHostile, KeysOfAnotherTypeAreNamedInOneLineBySubcommands) {
  const std::vector<std::string> where = {"--redis", redis.url(), "--queue", "jobs"};
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), kCli);
    args.insert(args.end(), where.begin(), where.end());
    return test::run_command(args, 90);
  };
  ASSERT_EQ(redis.cli({"SET", "jobs:dead", "x"}), "OK\n");
  ASSERT_EQ(redis.cli({"RPUSH", "jobs:stats", "x"}), "1\n");
  add(job((in / "ok.jpg").string(), "ok.jpg"));
  CommandResult r = run({"status"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(lines_with(r.out, "key 'jobs:dead' holds a string, not a stream (left out)").size(), 1u) << r.out;
  EXPECT_EQ(lines_with(r.out, "key 'jobs:stats' holds a list, not a hash (left out)").size(), 1u) << r.out;
  EXPECT_EQ(lines_with(r.out, "waiting             1").size(), 1u) << r.out;
  r = run({"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(nlohmann::json::parse(r.out)["wrong_type"].size(), 2u) << r.out;

  r = run({"requeue", "--dead"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << describe(r);
  EXPECT_TRUE(contains_ci(r.err, "key 'jobs:dead' holds a string, not a stream")) << describe(r);

  ASSERT_EQ(redis.cli({"DEL", "jobs"}), "1\n");
  ASSERT_EQ(redis.cli({"HSET", "jobs", "a", "b"}), "1\n");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"status"},
                                               {"status", "--json"},
                                               {"requeue", "--dead"},
                                               {"enqueue", in.string(), "-s", "64"}}) {
    r = run(args);
    EXPECT_EQ(r.exit_code, 1) << args.front() << describe(r);
    EXPECT_EQ(lines_of(r.err).size(), 1u) << args.front() << describe(r);
    EXPECT_TRUE(contains_ci(r.err, "key 'jobs' holds a hash, not a stream")) << args.front() << describe(r);
    EXPECT_FALSE(contains_ci(r.err, "wrong kind of value")) << args.front() << describe(r);
  }
}

// A side key requeue cannot write is said once, in the worker's words; the jobs go back all the same.
// Before, requeue said nothing of it.
TEST_F(QueueHostile, RequeueWarnsOnceOfACounterItCannotWrite) {
  ASSERT_EQ(redis.cli({"HSET", "jobs:stats", "requeued", "notanumber"}), "1\n");
  for (const char* name : {"a.jpg", "b.jpg"}) {
    Fields dead_entry = {{"id", "1-1"}, {"error", "it failed"}, {"deliveries", "3"}};
    for (const auto& f : job((in / "ok.jpg").string(), name)) dead_entry.push_back(f);
    std::vector<std::string> args = {"XADD", "jobs:dead", "*"};
    for (const auto& [n, v] : dead_entry) args.insert(args.end(), {n, v});
    ASSERT_FALSE(redis.cli(args).empty());
  }
  const CommandResult r =
      test::run_command({kCli, "requeue", "--dead", "--json", "--redis", redis.url(), "--queue", "jobs"}, 90);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(nlohmann::json::parse(r.out)["requeued"], 2) << r.out;
  EXPECT_EQ(lines_with(r.err, "warning: cannot write key 'jobs:stats'").size(), 1u) << r.err;
  EXPECT_EQ(lines_with(r.err, "(said once per key)").size(), 1u) << r.err;
  EXPECT_EQ(redis.cli({"XLEN", "jobs"}), "2\n");
}

// A local file that is not there, a folder or not a regular file fails the same way every time:
// dead at its first delivery, not retried (before: retried --max-deliveries times).
TEST_F(QueueHostile, LocalFilesThatCannotBeReadAreNotRetried) {
  fs::create_directories(in / "folder.jpg");
  ASSERT_EQ(::mkfifo((in / "fifo.jpg").c_str(), 0600), 0);
  const std::string missing = add(job((in / "missing.jpg").string(), "missing.jpg"));
  const std::string folder = add(job((in / "folder.jpg").string(), "folder.jpg"));
  const std::string fifo = add(job((in / "fifo.jpg").string(), "fifo.jpg"));
  std::vector<std::string> argv = worker_argv({"--input-root", in.string(), "--burst", "--retry-delay", "0"});
  argv[std::size_t(std::find(argv.begin(), argv.end(), "--max-deliveries") - argv.begin()) + 1] = "3";
  const CommandResult r = test::run_command(argv, 90);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const auto found = dead();
  ASSERT_EQ(found.size(), 3u) << r.err;
  for (const auto& [id, reason] : {std::pair{missing, std::string("No such file or directory")},
                                   {folder, "is a folder"},
                                   {fifo, "not a regular file"}}) {
    EXPECT_TRUE(contains_ci(found.at(id), reason)) << found.at(id);
    EXPECT_TRUE(found.at(id).ends_with("(permanent: not retried)")) << found.at(id);
  }
  EXPECT_EQ(lines_with(r.err, "attempt 1").size(), 0u) << r.err;
}

TEST_F(QueueHostile, AnInputRootThatIsNotAFolderIsASetupError) {
  const CommandResult r = worker({"--input-root", (tmp / "nope").string()});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << describe(r);
  EXPECT_TRUE(contains_ci(r.err, "not an existing folder")) << describe(r);
}

// Found by a hostile sweep: with -o holding an input root (-o /data, --input-root /data/photos), a
// job named its thumbnail after another input ("photos/b.jpg" with the name "{stem}.{ext}") and
// the worker wrote it over that photo. -o being the root itself is a setup error.
TEST_F(QueueHostile, NoJobWritesOverTheImagesOfAnInputRoot) {
  const fs::path holder = tmp / "w";  // -o, holding the root w/in
  const auto inputs = snapshot(in);
  const std::string over_input =
      add(job((in / "ok.jpg").string(), "in/sub/ok2.png", {{"name", "{stem}.{ext}"}}));
  add(job((in / "ok.jpg").string(), "ok.jpg"));
  const auto run = [&](const fs::path& output) {
    return test::run_command(
        {kCli, "worker", "-o", output.string(), "-j", "1", "--redis", redis.url(), "--queue", "jobs",
         "--max-deliveries", "1", "--burst", "--input-root", in.string()},
        90);
  };
  const CommandResult r = run(holder);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const auto found = dead();
  ASSERT_EQ(found.count(over_input), 1u) << describe(r);
  EXPECT_EQ(found.at(over_input), "entry " + over_input +
                                      ": refused: its thumbnail would be written in the input root " +
                                      fs::canonical(in).string() + ", among the images workers read");
  EXPECT_EQ(snapshot(in), inputs) << "an input was changed";
  EXPECT_TRUE(fs::exists(holder / "ok_thumbnail.jpg")) << describe(r);

  add(job((in / "ok.jpg").string(), "again.jpg"));
  const CommandResult same = run(in);
  EXPECT_EQ(same.exit_code, 1) << describe(same);
  EXPECT_EQ(lines_of(same.err).size(), 1u) << describe(same);
  EXPECT_TRUE(contains_ci(same.err, "is the output folder")) << describe(same);
  EXPECT_EQ(snapshot(in), inputs) << "an input was changed";

  // -o inside the root (allowed): a job naming its thumbnail after its own input, which lies in
  // -o, is refused by the planner, and not tried again (it was a transient failure, retried up to
  // --max-deliveries times).
  const fs::path inner = in / "thumbs";
  test::write_bytes(inner / "x.jpg", test::encode(test::make_picture(64, 48, CV_8UC3, 5), ".jpg"));
  const auto thumbs = snapshot(inner);
  const std::string own = add(job((inner / "x.jpg").string(), "x.jpg", {{"name", "{stem}.{ext}"}}));
  const CommandResult inside = run(inner);
  EXPECT_EQ(inside.exit_code, 0) << describe(inside);
  const auto after = dead();
  ASSERT_EQ(after.count(own), 1u) << describe(inside);
  EXPECT_TRUE(
      after.at(own).ends_with("would overwrite an input; choose another --output or --name (permanent: "
                              "not retried)"))
      << after.at(own);
  EXPECT_EQ(snapshot(inner).at("x.jpg"), thumbs.at("x.jpg")) << "the input was changed";
}

}  // namespace
}  // namespace thumbflow::e2e
