// SafeRelativePath: the one gate between names from outside and paths under the output folder.
#include "core/safe_path.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "pipeline/plan.hpp"
#include "test_support.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::detail {
namespace {

struct Hostile {
  std::string path;
  std::string reason;  // part of the error text
};

TEST(SafeRelativePath, RefusesHostilePathsWithTheReason) {
  const std::string long_segment(256, 'a');
  std::string long_path;
  while (long_path.size() <= SafeRelativePath::kMaxTotal) long_path += "abcdefgh/";
  long_path += "x.jpg";
  const Hostile table[] = {
      {"", "empty"},
      {"/etc/passwd", "absolute"},
      {"//host/share/x.jpg", "absolute"},
      {"../evil.jpg", "'..' segment"},
      {"a/../../evil.jpg", "'..' segment"},
      {"a/..", "'..' segment"},
      {"..", "'..' segment"},
      {"./x.jpg", "'.' segment"},
      {"a/./x.jpg", "'.' segment"},
      {"a//x.jpg", "empty segment"},
      {"a/", "empty segment"},
      {std::string("a\0b.jpg", 7), "NUL"},
      {"line\nbreak.jpg", "control character"},
      {"esc\x1b[31m.jpg", "control character"},
      {"del\x7f.jpg", "control character"},
      {"tab\t.jpg", "control character"},
      {"..\\..\\evil.jpg", "backslash"},
      {"a\\b.jpg", "backslash"},
      {long_segment + ".jpg", "segment longer than 255"},
      {long_path, "longer than 4096"},
  };
  for (const Hostile& h : table) {
    try {
      SafeRelativePath::check(h.path);
      ADD_FAILURE() << "accepted '" << printable_path(h.path) << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(h.reason), std::string::npos)
          << "'" << printable_path(h.path) << "': " << e.what();
      // The message is one line and shows no raw control characters.
      for (const char c : std::string(e.what())) EXPECT_FALSE(c >= 0 && c < 0x20) << e.what();
    }
  }
}

TEST(SafeRelativePath, AcceptsOrdinaryNames) {
  const std::string longest_segment(255, 'b');
  for (const std::string& ok :
       {std::string("a.jpg"), std::string("trip/day 1/IMG_0001.JPG"), std::string(".hidden.png"),
        std::string("..x.jpg"), std::string("x..jpg"), std::string("caf\xc3\xa9/\xe5\x86\x99.webp"),
        std::string("{stem}"), std::string("noext"), longest_segment}) {
    EXPECT_EQ(SafeRelativePath::check(ok).str(), ok);
    EXPECT_EQ(SafeRelativePath::check(ok).under("/srv/out"), "/srv/out/" + ok);
  }
}

TEST(SafeRelativePath, PrintablePathEscapesControlCharacters) {
  EXPECT_EQ(printable_path("a\nb\x1b[0m\\c"), "a\\nb\\x1b[0m\\\\c");
  EXPECT_EQ(printable_path(std::string(300, 'x')).size(), 203u);
  // As printable(): C1 controls and bytes that are not UTF-8 are escaped too.
  EXPECT_EQ(printable_path("a\xC2\x9b"
                           "b\xFF"),
            "a\\u009bb\\xff");
  // Cut before a character, not inside it.
  EXPECT_EQ(printable_path(std::string(199, 'x') + "\xC3\xA9" + "yz"), std::string(199, 'x') + "...");
}

TEST(SafeRelativePath, NormalisedPathResolvesSymlinksAndDots) {
  test::TempDir tmp;
  std::filesystem::create_directories(tmp / "real");
  std::filesystem::create_directory_symlink(tmp / "real", tmp / "link");
  EXPECT_EQ(normalised_path((tmp / "link" / "x.jpg").string()),
            normalised_path((tmp / "real" / "." / "y" / ".." / "x.jpg").string()));
}

// A folder can hold any name the file system allows: such a file is listed with the reason, and
// the ordinary ones beside it are not affected.
TEST(SafeRelativePath, FolderNamesWithControlCharactersAreItemsWithAnError) {
  test::TempDir tmp;
  test::write_text(tmp / "in" / "ok.jpg", "x");
  test::write_text(tmp / "in" / "evil\n\x1b[2J.jpg", "x");
  const std::vector<Item> items = collect_local_items({(tmp / "in").string()}, {});
  ASSERT_EQ(items.size(), 2u);
  EXPECT_NE(items[0].error.find("control character"), std::string::npos) << items[0].error;
  EXPECT_NE(items[0].error.find("evil\\n\\x1b[2J.jpg"), std::string::npos) << items[0].error;
  EXPECT_EQ(items[1].relative_path, "ok.jpg");
  EXPECT_TRUE(items[1].error.empty());
}

// Every source ends in the planner: an item whose output would leave -o fails there, whatever
// listed it, and nothing is planned outside.
TEST(SafeRelativePath, PlannerFailsItemsWhoseThumbnailWouldLeaveTheOutputFolder) {
  BatchOptions options;
  options.output_dir = "/srv/out";
  struct NoStorage : Storage {
    std::vector<std::uint8_t> read(const std::string&, std::uint64_t) override { return {}; }
    void write_atomic(const std::string&, std::span<const std::uint8_t>) override {}
    bool exists(const std::string&) override { return false; }
    std::optional<std::filesystem::file_time_type> modified(const std::string&) override { return {}; }
    void remove(const std::string&) override {}
    void flush(const std::string&) override {}
    bool same_file(const std::string&, const std::string&) override { return false; }
  } storage;
  Planner planner(options, storage);
  for (const char* rel : {"../../pwned/evil.jpg", "/tmp/abs.jpg", "a/../../b.jpg", "x\n.jpg"}) {
    ItemResult r;
    EXPECT_FALSE(planner.plan(Item{"/in/x.jpg", rel, {}, {}}, r)) << printable_path(rel);
    EXPECT_EQ(r.status, ItemStatus::Failed);
    EXPECT_NE(r.error.find("unsafe path"), std::string::npos) << r.error;
  }
  ItemResult ok;
  EXPECT_TRUE(planner.plan(Item{"/in/a/b.jpg", "a/b.jpg", {}, {}}, ok));
  EXPECT_EQ(ok.output, "/srv/out/a/b_thumbnail.jpg");
}

}  // namespace
}  // namespace thumbflow::detail
