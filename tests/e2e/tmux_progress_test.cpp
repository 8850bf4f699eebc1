// The progress line in a real terminal: thumbflow runs in a detached tmux session of a fixed
// size, and the screen is captured while it works and after it ends.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <regex>
#include <thread>

#include "e2e_support.hpp"
#include "hostile_images.hpp"
#include "http_server.hpp"
#include "jxl_maker.hpp"
#include "tmux.hpp"

namespace thumbflow::e2e {
namespace {

using test::HttpServer;
using test::Response;

constexpr int kImages = 30;
const std::regex kProgressLine(R"(^thumbflow: \d+/31\b)");

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
  EXPECT_EQ(lines_with(last, "B downloaded").size(), 1u) << last;  // kB or MB
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

// A PNG whose colour profile is a few bytes of text: a warning of thumbflow's own ("unreadable ICC
// profile"; libpng printed one by itself before PNGs were read with libspng).
std::vector<std::uint8_t> png_with_broken_profile() {
  const auto good = test::encode(test::make_picture(40, 30, CV_8UC3), ".png");
  test::Bytes profile = {'x', 0, 0};  // profile name, separator, deflate
  const test::Bytes text = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'I', 'C', 'C'};
  const test::Bytes packed = test::zlib_compress(text);
  profile.insert(profile.end(), packed.begin(), packed.end());
  test::Bytes out(good.begin(), good.begin() + 33);  // signature and IHDR
  test::put_png_chunk(out, "iCCP", profile);
  out.insert(out.end(), good.begin() + 33, good.end());
  return out;
}

// What a library says about a file reaches the terminal only as thumbflow's own line naming the
// file (with -v), never raw and never glued to the progress line; without -v, one summary line.
TEST(TmuxProgress, LibraryWarningsAreAttachedToTheirFile) {
  const std::string program = find_program("tmux");
  if (program.empty()) GTEST_SKIP() << "tmux is not installed (apt-get install tmux); terminal not checked";
  TempDir tmp;
  fs::create_directories(tmp / "photos");
  for (int i = 0; i < 12; ++i)
    test::write_bytes(tmp / "photos" / ("p" + std::to_string(i) + ".jpg"),
                      test::encode(test::make_picture(640, 480, CV_8UC3, i), ".jpg"));
  test::write_bytes(tmp / "photos" / "odd_profile.png", png_with_broken_profile());
  // A JPEG XL with damaged AC groups: Debian's libjxl prints trace lines ("./lib/jxl/dec_group.cc:772:
  // JXL_FAILURE: ...") on stderr by itself; they must stay with the file.
  test::Bytes jxl = test::encode_jxl(test::make_picture(640, 480, CV_8UC3, 20));
  for (std::size_t i = jxl.size() / 3; i < jxl.size() / 3 + 64; ++i) jxl[i] ^= 0x55;
  test::write_bytes(tmp / "photos" / "broken.jxl", jxl);

  for (const bool verbose : {false, true}) {
    Tmux tmux(program);
    const std::string command = "cd '" + tmp.path().string() + "' && '" + kCli + "' run photos -o out" +
                                (verbose ? "1 -v" : "0") + " --report r.json; echo EXIT=$?; sleep 60";
    const CommandResult started =
        tmux.run({"new-session", "-d", "-s", "tf", "-x", "160", "-y", "40", "/bin/sh", "-c", command});
    ASSERT_EQ(started.exit_code, 0) << describe(started);
    std::string screen;
    for (int i = 0; i < 200 && screen.find("EXIT=") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      screen = tmux.capture();
    }
    ASSERT_NE(screen.find("EXIT=2"), std::string::npos) << screen;  // the JPEG XL failed
    for (const std::string& line : lines_of(screen)) {
      if (line.find("EXIT=") == 0) continue;
      EXPECT_EQ(line.rfind("thumbflow: ", 0), 0u) << "a line not from thumbflow:\n" << screen;
      EXPECT_EQ(line.find("thumbflow: ", 1), std::string::npos) << "two lines glued together:\n" << screen;
    }
    const auto named = lines_with(screen, "photos/odd_profile.png: warning: ");
    EXPECT_FALSE(lines_with(screen, "broken.jxl").empty()) << "the failure names the file:\n" << screen;
    if (verbose) {
      EXPECT_EQ(named.size(), 1u) << screen;
      // libjxl's trace: the first three lines, then how many more the report holds.
      EXPECT_EQ(lines_with(screen, "photos/broken.jxl: warning: ./lib/jxl/").size(), 3u) << screen;
      EXPECT_EQ(lines_with(screen, "more warnings (--report lists them)").size(), 1u) << screen;
    } else {
      EXPECT_TRUE(named.empty()) << screen;
      EXPECT_EQ(lines_with(screen, "thumbflow: 2 items with warnings").size(), 1u) << screen;
      EXPECT_EQ(lower(screen).find("lib/jxl"), std::string::npos) << screen;
    }
    // The report keeps every warning with its file either way.
    const nlohmann::json report = read_json(tmp / "r.json");
    std::map<std::string, std::size_t> warnings;
    for (const auto& item : report["items"])
      if (item.contains("warnings"))
        warnings[fs::path(item["input"].get<std::string>()).filename().string()] = item["warnings"].size();
    EXPECT_EQ(warnings.size(), 2u) << report.dump(1);
    EXPECT_EQ(warnings["odd_profile.png"], 1u) << report.dump(1);
    EXPECT_GT(warnings["broken.jxl"], 3u) << report.dump(1);
    std::cout << "--- the final screen" << (verbose ? " with -v" : "") << " ---\n" << screen;
  }
}

}  // namespace
}  // namespace thumbflow::e2e
