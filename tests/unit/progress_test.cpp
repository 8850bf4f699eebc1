// The CLI's progress line (app/progress): its text, how often it is drawn, in place on a
// terminal and as plain lines elsewhere, and that it is cleared at the end.
#include "progress.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace thumbflow::cli {
namespace {

using Clock = Progress::Clock;
using std::chrono::milliseconds;

ItemResult progress_item(ItemStatus status, std::string input = "a.jpg", std::uint64_t bytes = 0) {
  ItemResult r;
  r.input = std::move(input);
  r.status = status;
  r.bytes_in = bytes;
  return r;
}

// Collects what the Progress writes, one string per write.
struct Screen {
  std::vector<std::string> writes;
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view text) { writes.emplace_back(text); };
  }
  std::string all() const {
    std::string s;
    for (const auto& w : writes) s += w;
    return s;
  }
  int draws() const {
    int n = 0;
    for (const auto& w : writes) n += w.find("thumbflow: ") != std::string::npos;
    return n;
  }
};

TEST(ProgressText, FinalTotalShowsPercentRateDownloadsAndEta) {
  ProgressCounts c;
  c.total = 10;
  c.done = 2;
  c.failed = 1;
  c.bytes_downloaded = 12'345'678;
  EXPECT_EQ(progress_text(c, 1.5), "3/10 30% | 1 failed | 2.0 img/s | ETA 4s | 12.3 MB downloaded");
}

TEST(ProgressText, GrowingTotalHasNoPercentNorEta) {
  ProgressCounts c;
  c.total = 7;
  c.total_final = false;
  c.done = 5;
  EXPECT_EQ(progress_text(c, 2), "5/7+ (more coming) | 2.5 img/s");
}

TEST(ProgressText, SkippedItemsCountAsFinishedButNotInTheRate) {
  ProgressCounts c;
  c.total = 100;
  c.skipped = 90;
  EXPECT_EQ(progress_text(c, 3), "90/100 90%");
  c.done = 5;
  EXPECT_EQ(progress_text(c, 50), "95/100 95% | 0.1 img/s | ETA 50s");
  c.done = 10;
  EXPECT_EQ(progress_text(c, 4000), "100/100 100% | 0.0 img/s");
}

TEST(ProgressText, LongEtaInMinutesAndHours) {
  ProgressCounts c;
  c.total = 100'000;
  c.done = 10;
  EXPECT_NE(progress_text(c, 10).find("ETA 27h46m"), std::string::npos) << progress_text(c, 10);
  c.total = 1000;
  EXPECT_NE(progress_text(c, 10).find("ETA 16m30s"), std::string::npos) << progress_text(c, 10);
}

TEST(ProgressTerminal, RedrawsInPlaceAtMostTenTimesASecondAndClearsAtTheEnd) {
  Screen screen;
  const auto t0 = Clock::now();
  {
    Progress p(
        Progress::Mode::Terminal, screen.sink(), [] { return 80; }, t0);
    p.set_total(1000, true, t0);
    for (int i = 0; i < 1000; ++i) p.add(progress_item(ItemStatus::Done), t0 + milliseconds(i));  // 1 s
    p.finish();
  }
  ASSERT_FALSE(screen.writes.empty());
  EXPECT_GE(screen.draws(), 5);
  EXPECT_LE(screen.draws(), 10) << "at most one redraw per 100 ms";
  for (std::size_t i = 0; i + 1 < screen.writes.size(); ++i) {
    const std::string& w = screen.writes[i];
    EXPECT_EQ(w.front(), '\r') << "each redraw starts at the beginning of the line";
    EXPECT_EQ(w.find('\n'), std::string::npos) << "a redraw never moves to a new line";
    EXPECT_EQ(w.substr(w.size() - 3), "\x1b[K") << "and erases what a longer line left";
  }
  EXPECT_EQ(screen.writes.back(), "\r\x1b[K") << "the line is cleared at the end";
}

TEST(ProgressTerminal, NothingForABatchShorterThanATenthOfASecond) {
  Screen screen;
  const auto t0 = Clock::now();
  Progress p(Progress::Mode::Terminal, screen.sink(), {}, t0);
  p.set_total(3, true, t0);
  for (int i = 0; i < 3; ++i) p.add(progress_item(ItemStatus::Done), t0 + milliseconds(10 * i));
  p.finish();
  EXPECT_TRUE(screen.writes.empty()) << screen.all();
}

TEST(ProgressTerminal, TickRedrawsWhileNothingFinishes) {
  Screen screen;
  const auto t0 = Clock::now();
  Progress p(Progress::Mode::Terminal, screen.sink(), {}, t0);
  p.set_total(10, true, t0);
  p.add(progress_item(ItemStatus::Done), t0 + milliseconds(150));
  EXPECT_EQ(screen.draws(), 1);
  p.tick(t0 + milliseconds(500));
  EXPECT_EQ(screen.draws(), 1) << "no change, no redraw within a second";
  p.tick(t0 + milliseconds(1200));
  EXPECT_EQ(screen.draws(), 2) << "the rate and ETA move every second";
  p.finish();
}

TEST(ProgressTerminal, MessagesGoAboveTheLine) {
  Screen screen;
  const auto t0 = Clock::now();
  Progress p(Progress::Mode::Terminal, screen.sink(), {}, t0);
  p.set_total(2, true, t0);
  p.add(progress_item(ItemStatus::Done), t0 + milliseconds(200));
  screen.writes.clear();
  p.print("thumbflow: b.jpg: not an image");
  ASSERT_EQ(screen.writes.size(), 2u);
  EXPECT_EQ(screen.writes[0], "\r\x1b[Kthumbflow: b.jpg: not an image\n");
  EXPECT_EQ(screen.writes[1].substr(0, 15), "\rthumbflow: 1/2") << "the progress line comes back below";
  p.finish();
}

TEST(ProgressTerminal, NeverWiderThanTheTerminal) {
  Screen screen;
  const auto t0 = Clock::now();
  Progress p(
      Progress::Mode::Terminal, screen.sink(), [] { return 20; }, t0);
  p.set_total(100000, true, t0);
  p.add(progress_item(ItemStatus::Failed, "http://h/x.jpg", 5'000'000), t0 + milliseconds(2000));
  ASSERT_EQ(screen.draws(), 1);
  EXPECT_EQ(screen.writes[0], "\rthumbflow: 1/100000\x1b[K") << "19 columns of text, no wrap";
  p.finish();
}

TEST(ProgressTerminal, TotalCanGrowAndBecomeFinal) {
  Screen screen;
  const auto t0 = Clock::now();
  Progress p(Progress::Mode::Terminal, screen.sink(), {}, t0);
  p.set_total(5, false, t0);
  p.add(progress_item(ItemStatus::Done), t0 + milliseconds(200));
  EXPECT_NE(screen.all().find("1/5+ (more coming)"), std::string::npos) << screen.all();
  p.set_total(9, false, t0 + milliseconds(400));
  EXPECT_NE(screen.all().find("1/9+ (more coming)"), std::string::npos) << screen.all();
  p.set_total(9, true, t0 + milliseconds(600));
  EXPECT_NE(screen.all().find("1/9 11%"), std::string::npos) << screen.all();
  p.finish();
}

TEST(ProgressTerminal, TickerAndItemsFromAnotherThreadEndClean) {
  Screen screen;
  {
    Progress p(Progress::Mode::Terminal, screen.sink(), [] { return 60; });
    p.set_total(40, true);
    p.start_ticker();
    std::thread worker([&] {
      for (int i = 0; i < 40; ++i) {
        p.add(progress_item(i % 10 == 0 ? ItemStatus::Failed : ItemStatus::Done));
        if (i % 10 == 0) p.print("thumbflow: item " + std::to_string(i) + ": broken");
        std::this_thread::sleep_for(milliseconds(10));
      }
    });
    worker.join();
    p.finish();
    p.finish();
    EXPECT_EQ(p.counts().finished(), 40u);
    EXPECT_EQ(p.counts().failed, 4u);
  }
  ASSERT_FALSE(screen.writes.empty());
  EXPECT_EQ(screen.writes.back(), "\r\x1b[K");
  for (const auto& w : screen.writes) {
    const auto newline = w.find('\n');
    if (newline == std::string::npos) continue;
    EXPECT_EQ(newline, w.size() - 1) << "only messages end lines: " << w;
    EXPECT_NE(w.find("broken"), std::string::npos) << w;
  }
}

TEST(ProgressLog, PlainLinesEveryFiveSecondsAtMost) {
  Screen screen;
  const auto t0 = Clock::now();
  Progress p(Progress::Mode::Log, screen.sink(), {}, t0);
  p.set_total(200, true, t0);
  for (int i = 0; i < 200; ++i) p.add(progress_item(ItemStatus::Done), t0 + milliseconds(100 * i));  // 20 s
  p.finish();
  EXPECT_GE(screen.draws(), 3);
  EXPECT_LE(screen.draws(), 4);
  for (const auto& w : screen.writes) {
    EXPECT_EQ(w.find('\r'), std::string::npos);
    EXPECT_EQ(w.find('\x1b'), std::string::npos);
    EXPECT_EQ(w.back(), '\n');
  }
}

TEST(ProgressOff, DrawsNothingButStillPrintsMessagesAndCounts) {
  Screen screen;
  const auto t0 = Clock::now();
  Progress p(Progress::Mode::Off, screen.sink(), {}, t0);
  p.set_total(2, true, t0);
  p.add(progress_item(ItemStatus::Done, "https://h/a.jpg", 1000), t0 + milliseconds(500));
  p.add(progress_item(ItemStatus::Done, "local.jpg", 7000), t0 + milliseconds(900));
  p.tick(t0 + std::chrono::seconds(10));
  p.print("thumbflow: x: broken");
  p.finish();
  EXPECT_EQ(screen.all(), "thumbflow: x: broken\n");
  EXPECT_EQ(p.counts().done, 2u);
  EXPECT_EQ(p.counts().bytes_downloaded, 1000u) << "only remote items are downloads";
  ProgressCounts small;
  small.total = 1;
  small.bytes_downloaded = 34'000;
  EXPECT_EQ(progress_text(small, 1), "0/1 0% | 34.0 kB downloaded");
  small.bytes_downloaded = 900;
  EXPECT_EQ(progress_text(small, 1), "0/1 0% | 900 B downloaded");
}

}  // namespace
}  // namespace thumbflow::cli
