// What a new user meets first (issue 16): thumbnails of thumbnails, grouped failures, human
// numbers, --html in a new output folder, -j above the cores, help texts, URL list errors.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "e2e_support.hpp"
#include "http_server.hpp"

namespace thumbflow::e2e {
namespace {

void write_photos(const fs::path& dir, int count) {
  fs::create_directories(dir);
  for (int i = 0; i < count; ++i)
    test::write_bytes(dir / ("p" + std::to_string(i) + ".jpg"),
                      test::encode(test::make_picture(320, 240, CV_8UC3, i), ".jpg"));
}

TEST(NewUser, AnEarlierOutputFolderInsideTheInputIsNotReadAgain) {
  TempDir tmp;
  const fs::path photos = tmp / "photos";
  write_photos(photos, 3);
  const CommandResult first = run_cli({photos.string(), "-o", (photos / "thumbs").string(), "-q"});
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  const CommandResult second = run_cli({photos.string(), "-o", photos.string(), "-q"});
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  std::size_t thumbnails = 0;
  for (const std::string& name : files_under(photos)) {
    EXPECT_EQ(name.find("_thumbnail_thumbnail"), std::string::npos) << name;
    thumbnails += name.find("_thumbnail.jpg") != std::string::npos;
  }
  EXPECT_EQ(thumbnails, 6u) << "3 in photos/thumbs, 3 in photos";
}

// A symbolic link in the input that points at a thumbnail of this run's output is that thumbnail,
// not a picture to make a thumbnail of (the check resolves links, whatever their name).
TEST(NewUser, ALinkToAnEarlierThumbnailIsNotReadAgain) {
  TempDir tmp;
  const fs::path photos = tmp / "photos";
  write_photos(photos, 2);
  const CommandResult first = run_cli({photos.string(), "-o", (photos / "out").string(), "-q"});
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  fs::create_symlink("out/p0_thumbnail.jpg", photos / "favourite.jpg");
  const CommandResult second = run_cli({photos.string(), "-o", (photos / "out").string(), "-q"});
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  EXPECT_FALSE(fs::exists(photos / "out" / "favourite_thumbnail.jpg"));
}

TEST(NewUser, FailuresAreSummedUpByReasonInInputOrder) {
  TempDir tmp;
  const fs::path photos = tmp / "photos";
  write_photos(photos, 2);
  const auto whole = test::encode(test::make_picture(320, 240, CV_8UC3, 7), ".jpg");
  for (const char* name : {"c_cut.jpg", "a_cut.jpg", "b_cut.jpg"})
    test::write_bytes(photos / name, {whole.begin(), whole.begin() + long(whole.size() / 3)});
  std::string failures;
  for (int run = 0; run < 2; ++run) {
    const CommandResult r = run_cli({photos.string(), "-o", (tmp / "out").string(), "--force"});
    ASSERT_EQ(r.exit_code, 2) << describe(r);
    const auto grouped = lines_with(r.err, "3 failed: truncated or corrupt JPEG (first: ");
    ASSERT_EQ(grouped.size(), 1u) << r.err;
    EXPECT_NE(grouped[0].find("/a_cut.jpg: "), std::string::npos)
        << "the first in input order: " << grouped[0];
    EXPECT_TRUE(lines_with(r.err, "b_cut.jpg").empty()) << r.err;
    if (run == 0) failures = grouped[0];
    EXPECT_EQ(grouped[0], failures) << "the same on every run";
  }
  const CommandResult verbose = run_cli({photos.string(), "-o", (tmp / "out").string(), "--force", "-v"});
  for (const char* name : {"a_cut.jpg", "b_cut.jpg", "c_cut.jpg"})
    EXPECT_EQ(lines_with(verbose.err, std::string(name) + ": truncated or corrupt JPEG").size(), 1u)
        << verbose.err;
}

TEST(NewUser, SummaryNumbersAreWrittenAsPeopleDo) {
  TempDir tmp;
  write_photos(tmp / "photos", 4);
  const CommandResult r = run_cli({(tmp / "photos").string(), "-o", (tmp / "out").string(), "-j", "1"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(in \d+(\.\d+)? s \(\d+(\.\d+)? images/s, 1 thread\))")))
      << r.err;
  EXPECT_EQ(r.err.find("e+"), std::string::npos) << r.err;
}

TEST(NewUser, MoreThreadsThanCoresRunWithoutALibraryWarning) {
  TempDir tmp;
  write_photos(tmp / "photos", 4);
  const CommandResult r = run_cli({(tmp / "photos").string(), "-o", (tmp / "out").string(), "-j", "64"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.err.find("TBB"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("64 threads)"), std::string::npos) << r.err;
}

TEST(NewUser, ContactSheetInsideTheOutputFolderTheRunCreates) {
  TempDir tmp;
  write_photos(tmp / "photos", 2);
  const fs::path out = tmp / "new" / "out";
  fs::create_directories(tmp / "new");
  const CommandResult r = run_cli({(tmp / "photos").string(), "-o", out.string(), "--html",
                                   (out / "sheet.htm").string(), "--report", (out / "run.json").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::is_regular_file(out / "sheet.htm"));
  EXPECT_TRUE(fs::is_regular_file(out / "run.json"));
  // A folder that is not the output folder must still exist.
  const CommandResult elsewhere = run_cli(
      {(tmp / "photos").string(), "-o", out.string(), "--html", (tmp / "nowhere" / "s.html").string()});
  EXPECT_EQ(elsewhere.exit_code, 1) << describe(elsewhere);
  EXPECT_NE(elsewhere.err.find("does not exist"), std::string::npos) << elsewhere.err;
}

// Every --help: examples of its own command only, no raw validator types, no sentence broken by
// a line break in the middle of the text.
TEST(NewUser, HelpTextsHaveNoKnownGlitches) {
  const std::regex example(R"(^\s+(?:\S+=\S+ )?thumbflow ([a-z-]+))");
  const std::regex raw_type(R"(\b(?:U?INT|FLOAT|TEXT):|(?:U?INT|FLOAT) in \[)");  // CLI11's own notation
  for (const std::string sub : {"run", "fetch", "gallery", "serve-gallery", "bench", "enqueue", "worker",
                                "status", "requeue", "--top-level"}) {
    const CommandResult r = sub == "--top-level" ? test::run_command({kCli, "--help"}, 10)
                                                 : test::run_command({kCli, sub, "--help"}, 10);
    ASSERT_EQ(r.exit_code, 0) << sub << describe(r);
    EXPECT_FALSE(std::regex_search(r.out, raw_type)) << sub << "\n" << r.out;
    const std::vector<std::string> lines = lines_of(r.out);
    const auto prose = [](const std::string& l) {
      return l[0] != ' ' && l.back() != ':' && l.find("Usage:") != 0;
    };
    std::size_t widest = 0;
    for (const std::string& l : lines)
      if (prose(l)) widest = std::max(widest, l.size());
    bool in_examples = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      if (l[0] != ' ') in_examples = l == "Examples:";
      std::smatch m;
      if (in_examples && sub != "--top-level" && std::regex_search(l, m, example)) {
        EXPECT_EQ(m[1].str(), sub) << "an example of another command in " << sub << " --help: " << l;
      }
      // A prose line much shorter than its paragraph, ending mid-sentence, before more prose.
      if (prose(l) && i + 1 < lines.size() && prose(lines[i + 1]) && l.size() < widest / 2 &&
          std::string(".:)").find(l.back()) == std::string::npos)
        ADD_FAILURE() << "a sentence broken by a line break in " << sub << " --help: " << l;
    }
  }
  const CommandResult missing = test::run_command({kCli, "run", "-o", "x"}, 10);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err.find("inputs is required"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("run: missing inputs: image files and folders"), std::string::npos)
      << missing.err;
}

TEST(NewUser, UrlListErrorsSayWhyAndWhere) {
  TempDir tmp;
  const CommandResult missing =
      test::run_command({kCli, "fetch", (tmp / "missing.txt").string(), "-o", (tmp / "out").string()}, 20);
  EXPECT_EQ(missing.exit_code, 1) << describe(missing);
  EXPECT_NE(missing.err.find("missing.txt': No such file or directory"), std::string::npos) << missing.err;

  // A refused connection (nothing listens on the port) is tried twice, not 1 + --retries times.
  int port = 0;
  {
    test::HttpServer probe;
    port = probe.port();
  }
  test::write_text(tmp / "urls.txt", "# list\nftp://example.invalid/a.jpg\nhttp://127.0.0.1:" +
                                         std::to_string(port) + "/b.jpg\n");
  const CommandResult r = test::run_command({kCli, "fetch", (tmp / "urls.txt").string(), "-o",
                                             (tmp / "out").string(), "--retries", "5", "--backoff-ms", "10"},
                                            30);
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(lines_with(r.err, "not an http(s) URL (" + (tmp / "urls.txt").string() + ":2)").size(), 1u)
      << r.err;
  EXPECT_EQ(lines_with(r.err, "b.jpg: ").size(), 1u) << r.err;
  EXPECT_EQ(lines_with(r.err, "after 2 tries").size(), 1u) << r.err;
}

}  // namespace
}  // namespace thumbflow::e2e
