// The HTML contact sheet as users meet it: OUT/index.html after a run, with hostile names, links
// that resolve from the page's folder, re-runs, a page of the user's own, and headless Chromium
// loading every thumbnail.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <regex>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

std::string sheet_read_text(const fs::path& p) {
  const auto bytes = test::read_bytes(p);
  return {bytes.begin(), bytes.end()};
}

// Values of attribute `name` in `html`, with character references and percent-encoding undone,
// so that they are paths again.
std::vector<std::string> links(const std::string& html, const std::string& name) {
  std::vector<std::string> out;
  const std::regex re(" " + name + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it) {
    std::string v = (*it)[1];
    for (const auto& [ref, c] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
      for (std::size_t at = v.find(ref); at != std::string::npos; at = v.find(ref, at + 1))
        v.replace(at, ref.size(), c);
    std::string decoded;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '%' && i + 2 < v.size()) {
        decoded += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += v[i];
      }
    }
    out.push_back(decoded);
  }
  return out;
}

// An input folder with names that would break a careless page, and one broken file.
fs::path hostile_inputs(const TempDir& tmp) {
  const fs::path in = tmp / "in";
  copy_from_data(in, {"fruits.jpg", "baboon.jpg", "opencv-logo.png", "butterfly.bmp"});
  fs::create_directories(in / "trip 2024");
  fs::copy_file(kDataDir / "leuvenA.jpg", in / "trip 2024" / "leuven #1.jpg");
  fs::copy_file(kDataDir / "starry_night.jpg", in / "<script>.jpg");
  fs::copy_file(kDataDir / "squirrel_cls.jpg", in / "a \"q\" & 'b'.jpg");
  test::write_text(in / "broken.jpg", "<html>not a picture</html>");
  return in;
}

constexpr std::size_t kHostileImages = 7;

TEST(ContactSheet, EveryThumbnailLinkedEscapedAndFailuresListed) {
  TempDir tmp;
  const fs::path in = hostile_inputs(tmp), out = tmp / "out";
  const CommandResult r = run_cli({in.string(), "-o", out.string()});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(lines_with(r.err, "contact sheet in " + (out / "index.html").string()).size(), 1u) << r.err;
  const std::string html = sheet_read_text(out / "index.html");

  EXPECT_EQ(html.find("<script"), std::string::npos) << "a file name injected markup";
  EXPECT_NE(html.find(">&lt;script&gt;.jpg<"), std::string::npos);
  EXPECT_NE(html.find(">a &quot;q&quot; &amp; &#39;b&#39;.jpg<"), std::string::npos);
  EXPECT_NE(html.find("<h2>Failed (1)</h2>"), std::string::npos);
  EXPECT_NE(html.find("broken.jpg</a>: <span class=\"reason\">not an image"), std::string::npos) << html;
  EXPECT_NE(html.find("8 images: <b>7</b> new, <b class=\"bad\">1 failed</b>"), std::string::npos);

  // Every thumbnail and every original resolves from the page's folder, as file:// will.
  const auto srcs = links(html, "src");
  ASSERT_EQ(srcs.size(), kHostileImages);
  for (const auto& src : srcs) {
    EXPECT_FALSE(fs::path(src).is_absolute()) << src;
    EXPECT_FALSE(read_image(out / src).empty()) << "thumbnail link does not resolve: " << src;
  }
  const auto hrefs = links(html, "href");
  ASSERT_EQ(hrefs.size(), kHostileImages + 1);
  for (const auto& href : hrefs) {
    EXPECT_EQ(href.rfind("../in/", 0), 0u) << href;
    EXPECT_TRUE(fs::is_regular_file(out / href)) << "original link does not resolve: " << href;
  }
  EXPECT_NE(std::find(srcs.begin(), srcs.end(), "trip 2024/leuven #1_thumbnail.jpg"), srcs.end());
}

TEST(ContactSheet, ReRunsNeverTakeThePageForAnImage) {
  TempDir tmp;
  const fs::path in = hostile_inputs(tmp);
  // In place: the page lands in the input folder, and the second run must not list it.
  for (int run = 0; run < 2; ++run) {
    const CommandResult r = run_cli({in.string(), "-o", in.string(), "--json", "-q"});
    ASSERT_EQ(r.exit_code, 2) << describe(r);
    const auto summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["total"], kHostileImages + 1) << "run " << run << ": " << r.out;
    EXPECT_EQ(summary[run == 0 ? "done" : "skipped"], kHostileImages) << r.out;
  }
  // The second run skipped everything, yet the page still shows every thumbnail with its sizes.
  const std::string html = sheet_read_text(in / "index.html");
  EXPECT_EQ(links(html, "src").size(), kHostileImages);
  EXPECT_EQ(html.find("?\u00d7?"), std::string::npos) << "sizes of skipped items are read from the files";
  EXPECT_NE(html.find("<b>0</b> new, 7 up to date"), std::string::npos);
}

TEST(ContactSheet, AnIndexHtmlOfTheUsersIsLeftAlone) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out";
  copy_from_data(in, {"fruits.jpg"});
  test::write_text(out / "index.html", "<p>my own page</p>\n");
  const CommandResult r = run_cli({in.string(), "-o", out.string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(sheet_read_text(out / "index.html"), "<p>my own page</p>\n");
  EXPECT_EQ(lines_with(r.err, "was not made by thumbflow; leaving it alone").size(), 1u) << r.err;
  EXPECT_TRUE(lines_with(r.err, "contact sheet in").empty()) << r.err;
}

// --html never replaces an image of the batch: not through a symlinked folder (same path once
// resolved), not through a hard link (same file under another name). Exit 2, the image intact.
TEST(ContactSheet, APageThatWouldReplaceAnImageIsRefused) {
  TempDir tmp;
  const fs::path in = tmp / "in";
  copy_from_data(in, {"fruits.jpg", "baboon.jpg"});
  fs::rename(in / "fruits.jpg", in / "page.html");  // an image by its bytes, named as a page
  fs::create_directories(tmp / "other");
  fs::create_directory_symlink(in, tmp / "other" / "link");
  fs::create_hard_link(in / "baboon.jpg", tmp / "hard.html");
  const auto original = test::read_bytes(kDataDir / "fruits.jpg");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {(in / "page.html").string(), (tmp / "other" / "link" / "page.html").string()},
      {(in / "baboon.jpg").string(), (tmp / "hard.html").string()}};
  for (const auto& [input, page] : cases) {
    const CommandResult r = run_cli({input, "-o", (tmp / "out").string(), "--html", page});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(lines_with(r.err, "would replace " + input + "; choose another --html file").size(), 1u)
        << describe(r);
  }
  EXPECT_EQ(test::read_bytes(in / "page.html"), original);
  EXPECT_EQ(test::read_bytes(in / "baboon.jpg"), test::read_bytes(kDataDir / "baboon.jpg"));
}

TEST(ContactSheet, HtmlOptionElsewhereAndNoHtml) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out", sheets = tmp / "sheets";
  copy_from_data(in, {"fruits.jpg"});
  fs::create_directories(sheets);
  CommandResult r =
      run_cli({in.string(), "-o", out.string(), "--html", (sheets / "run.html").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(fs::exists(out / "index.html"));
  const std::string html = sheet_read_text(sheets / "run.html");
  EXPECT_EQ(links(html, "src"), std::vector<std::string>{"../out/fruits_thumbnail.jpg"});
  EXPECT_EQ(links(html, "href"), std::vector<std::string>{"../in/fruits.jpg"});

  r = run_cli({in.string(), "-o", (tmp / "out2").string(), "--no-html", "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(fs::exists(tmp / "out2" / "index.html"));

  r = run_cli({in.string(), "-o", (tmp / "out3").string(), "--html", (tmp / "sheet.txt").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_FALSE(fs::exists(tmp / "out3")) << "a usage error writes nothing";
}

// Runs headless Chromium on `url` with `extra` arguments; bounded in time.
CommandResult chromium(const std::string& program, const fs::path& profile, std::vector<std::string> extra) {
  std::vector<std::string> argv = {program,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--user-data-dir=" + profile.string(),
                                   "--window-size=1200,900"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return test::run_command(argv, 90);
}

// Appended to a copy of the page beside it (same folder, so the same relative links): after the
// load event it writes what it found into the DOM, which --dump-dom prints.
constexpr const char* kImageCheck = R"js(<script>
window.addEventListener('load', () => {
  const images = Array.from(document.images);
  const broken = images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
  const out = document.createElement('pre');
  out.id = 'thumbflow-check';
  out.textContent = 'images=' + images.length + ' broken=' + broken.length + ' scripts=' +
                    document.scripts.length + ' ' + broken.join(' ');
  document.body.appendChild(out);
});
</script>
)js";

// "images=N broken=M scripts=K ..." from the checked copy of `page`.
std::string check_images(const std::string& program, const TempDir& tmp, const fs::path& page) {
  const fs::path copy = page.parent_path() / "chromium-check.html";
  test::write_text(copy, sheet_read_text(page) + kImageCheck);
  const CommandResult r = chromium(program, tmp / "profile", {"--dump-dom", "file://" + copy.string()});
  fs::remove(copy);
  const std::smatch m = [&] {
    std::smatch found;
    std::regex_search(r.out, found, std::regex("id=\"thumbflow-check\">([^<]*)<"));
    return found;
  }();
  return m.empty() ? "no result: " + describe(r) : std::string(m[1]);
}

TEST(ContactSheet, HeadlessChromiumLoadsEveryThumbnail) {
  const std::string program = find_program("chromium");
  if (program.empty())
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium); page not checked";
  TempDir tmp;
  const fs::path in = hostile_inputs(tmp), out = tmp / "out";
  ASSERT_EQ(run_cli({in.string(), "-o", out.string(), "-q"}).exit_code, 2);

  EXPECT_EQ(check_images(program, tmp, out / "index.html"), "images=7 broken=0 scripts=1 ")
      << "scripts=1 is the check itself: the page brings none, and no name became one";

  // The screenshot a person looks at; kept beside the test binary (the build folder).
  const fs::path shot = fs::absolute("contact_sheet.png");
  fs::remove(shot);
  const CommandResult r = chromium(
      program, tmp / "profile", {"--screenshot=" + shot.string(), "file://" + (out / "index.html").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const cv::Mat image = read_image(shot, cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty()) << shot;
  EXPECT_EQ(image.size(), cv::Size(1200, 900));
  cv::Scalar mean, stddev;
  cv::meanStdDev(image, mean, stddev);
  EXPECT_GT(stddev[0], 20) << "the screenshot is blank";
  ::testing::Test::RecordProperty("screenshot", shot.string());
  std::cout << "screenshot: " << shot.string() << "\n";

  // The check can fail: a missing thumbnail is reported.
  const auto srcs = links(sheet_read_text(out / "index.html"), "src");
  fs::remove(out / srcs.front());
  EXPECT_EQ(check_images(program, tmp, out / "index.html").substr(0, 27), "images=7 broken=1 scripts=1");
}

}  // namespace
}  // namespace thumbflow::e2e
