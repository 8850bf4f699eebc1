// The progress line in a real terminal: thumbflow runs in a detached tmux session of a fixed
// size, and the screen is captured while it works and after it ends.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include "e2e_support.hpp"
#include "http_server.hpp"

namespace thumbflow::e2e {
namespace {

using test::HttpServer;
using test::Response;

constexpr int kImages = 30;
const std::regex kProgressLine(R"(^thumbflow: \d+/31\b)");

// One tmux server of its own (-L), without the user's configuration, killed at the end. Captures
// join wrapped lines (-J), so a long line is one line as printed.
class Tmux {
 public:
  explicit Tmux(std::string program) : program_(std::move(program)) {}
  ~Tmux() { run({"kill-server"}); }
  CommandResult run(std::vector<std::string> args) const {
    std::vector<std::string> argv = {program_, "-L", socket_, "-f", "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_command(argv, 10);
  }
  std::string capture() const { return run({"capture-pane", "-p", "-J", "-t", "tf"}).out; }

 private:
  std::string program_;
  std::string socket_ = "thumbflow-test-" + std::to_string(::getpid());
};

std::vector<std::string> progress_lines(const std::string& screen) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(screen))
    if (std::regex_search(line, kProgressLine)) out.push_back(line);
  return out;
}

TEST(TmuxProgress, RedrawsInPlaceAndEndsWithACleanSummary) {
  const std::string program = find_program("tmux");
  if (program.empty()) GTEST_SKIP() << "tmux is not installed (apt-get install tmux); terminal not checked";
  // Slow enough to watch: one transfer at a time, 120 ms each, and one URL that fails.
  HttpServer server;
  std::string list;
  for (int i = 0; i < kImages; ++i) {
    const std::string path = "/p" + std::to_string(i) + ".jpg";
    const auto bytes = test::encode(test::make_picture(320, 240, CV_8UC3, i), ".jpg");
    Response response = Response::ok({bytes.begin(), bytes.end()}, "image/jpeg");
    response.latency_ms = 120;
    server.set(path, response);
    list += server.url(path) + "\n";
    if (i == 10) list += server.url("/missing.jpg") + "\n";
  }
  TempDir tmp;
  test::write_text(tmp / "urls.txt", list);

  Tmux tmux(program);
  const std::string command = "cd '" + tmp.path().string() + "' && '" + kCli +
                              "' fetch urls.txt -o out --connections 1; echo EXIT=$?; sleep 60";
  // As separate arguments, tmux runs the command itself instead of through the user's shell
  // (which may not be POSIX).
  const CommandResult started =
      tmux.run({"new-session", "-d", "-s", "tf", "-x", "100", "-y", "20", "/bin/sh", "-c", command});
  ASSERT_EQ(started.exit_code, 0) << describe(started);

  std::vector<std::string> screens;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
  while (std::chrono::steady_clock::now() < deadline) {
    screens.push_back(tmux.capture());
    if (screens.back().find("EXIT=") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  ASSERT_FALSE(screens.empty());
  const std::string& last = screens.back();
  ASSERT_NE(last.find("EXIT="), std::string::npos) << "did not finish in 40 s:\n" << last;

  // While it ran: one progress line on screen at a time (redrawn in place, never stacked),
  // always the last line (the cursor's), and its count moved between captures.
  std::set<std::string> seen;
  for (std::size_t i = 0; i + 1 < screens.size(); ++i) {
    const auto lines = progress_lines(screens[i]);
    EXPECT_LE(lines.size(), 1u) << "progress lines stacked up:\n" << screens[i];
    if (lines.empty()) continue;
    EXPECT_EQ(lines_of(screens[i]).back(), lines.front()) << screens[i];
    if (seen.insert(lines.front().substr(0, lines.front().find(' ', 11))).second)
      std::cout << "capture " << i << ", row " << lines_of(screens[i]).size() << ": " << lines.front()
                << "\n";
  }
  EXPECT_GE(seen.size(), 3u) << "the progress line was not redrawn with new counts";
  ::testing::Test::RecordProperty("progress_captures", std::to_string(seen.size()));

  // At the end: no progress left, the failure once, the summary, the exit status.
  EXPECT_TRUE(progress_lines(last).empty()) << "the progress line was not cleared:\n" << last;
  EXPECT_EQ(lines_with(last, "missing.jpg: HTTP 404").size(), 1u) << last;
  EXPECT_EQ(lines_with(last, "thumbflow: 30 thumbnails written to out/, 1 failed").size(), 1u) << last;
  EXPECT_EQ(lines_with(last, "MB downloaded").size(), 1u) << last;
  EXPECT_EQ(lines_with(last, "thumbflow: contact sheet in out/index.html").size(), 1u) << last;
  EXPECT_EQ(lines_with(last, "EXIT=2").size(), 1u) << last;

  // The contact sheet of a fetch links each thumbnail to the URL it came from.
  const auto page = test::read_bytes(tmp / "out" / "index.html");
  const std::string html(page.begin(), page.end());
  std::size_t linked = 0;
  for (std::size_t at = html.find("<a class=\"pic\" href=\"" + server.url("/p")); at != std::string::npos;
       at = html.find("<a class=\"pic\" href=\"" + server.url("/p"), at + 1))
    ++linked;
  EXPECT_EQ(linked, std::size_t(kImages));
  EXPECT_NE(html.find(server.url("/missing.jpg") + "\">missing.jpg</a>: <span class=\"reason\">HTTP 404"),
            std::string::npos);
  std::cout << "--- a capture while running ---\n"
            << screens[screens.size() / 2] << "--- the final screen ---\n"
            << last;
}

}  // namespace
}  // namespace thumbflow::e2e
