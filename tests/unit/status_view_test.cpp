// What `status` prints (app/status_view.cpp): the time left, and names from the queue made safe.
#include "status_view.hpp"

#include <gtest/gtest.h>

namespace thumbflow::cli {
namespace {

TEST(StatusView, EtaIsTheJobsLeftAtTheRate) {
  EXPECT_EQ(eta_text(0, 5), "");
  EXPECT_EQ(eta_text(10, 0), "unknown");
  EXPECT_EQ(eta_text(100, 10), "10 s");
  EXPECT_EQ(eta_text(101, 10), "11 s");  // rounded up: never promises too early
  EXPECT_EQ(eta_text(6000, 10), "10 min 00 s");
  EXPECT_EQ(eta_text(360000, 10), "10 h 00 min");
}

// A counter that is not a number is shown as unreadable, named with what it holds; the rest shows.
TEST(StatusView, UnreadableCountersAreNamedAndTheRestIsShown) {
  QueueStatus s;
  s.queue = "jobs";
  s.skipped = 4;
  s.unreadable = {{"jobs:stats", "done", "notanumber"}, {"jobs:rate:1700000000", "", "x\x1b[2J"}};
  std::string all;
  for (const std::string& line : status_lines(s, "127.0.0.1:6379")) all += line + "\n";
  EXPECT_NE(all.find("  done         unreadable\n"), std::string::npos) << all;
  EXPECT_NE(all.find("  already there       4\n"), std::string::npos) << all;
  EXPECT_NE(all.find("  failed              0  attempts"), std::string::npos) << all;
  EXPECT_NE(all.find("jobs:stats done holds 'notanumber', not a number (counted as 0)"), std::string::npos)
      << all;
  EXPECT_NE(all.find("jobs:rate:1700000000 holds 'x\\x1b[2J', not a number"), std::string::npos) << all;
  EXPECT_EQ(all.find('\x1b'), std::string::npos) << all;
}

TEST(StatusView, NamesAndReasonsFromTheQueueCannotDriveTheTerminal) {
  QueueStatus s;
  s.queue = "photos";
  s.waiting = 7;
  s.consumers.push_back({"evil\x1b[2J", 1, 1500});
  s.dead = 1;
  s.last_dead.push_back(
      {"1700000000000-0", "1-0", "/in/a\nthumbflow: forged.jpg", "bad\x1b]0;x\x07", 3, 1700000000000});
  std::string all;
  for (const std::string& line : status_lines(s, "127.0.0.1:6379")) {
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    all += line + "\n";
  }
  EXPECT_NE(all.find("  waiting             7\n"), std::string::npos) << all;
  EXPECT_NE(all.find("evil\\x1b[2J"), std::string::npos) << all;
  EXPECT_NE(all.find("idle 1.5 s"), std::string::npos) << all;
  EXPECT_NE(all.find("1700000000000-0"), std::string::npos) << all;
  EXPECT_NE(all.find("3x  /in/a\\nthumbflow: forged.jpg: bad\\x1b]0;x\\x07"), std::string::npos) << all;
  EXPECT_NE(all.find("thumbflow requeue --queue photos --dead"), std::string::npos) << all;
  EXPECT_NE(all.find("eta           unknown  for 7 jobs left"), std::string::npos) << all;
}

}  // namespace
}  // namespace thumbflow::cli
