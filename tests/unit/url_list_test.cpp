#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

#include "thumbflow/sources.hpp"

namespace thumbflow {
namespace {

std::string ascii_upper_copy(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST(SafeName, KeepsOrdinaryNames) {
  EXPECT_EQ(safe_name_from_url("https://i.imgur.com/abc123.jpg"), "abc123.jpg");
  EXPECT_EQ(safe_name_from_url("http://h/a/b/photo.png?size=large#frag"), "photo.png");
  EXPECT_EQ(safe_name_from_url("http://h/dir/"), "dir");
  EXPECT_EQ(safe_name_from_url("http://h/my%20cat.webp"), "my_cat.webp");
}

TEST(SafeName, NeverEscapesTheFolder) {
  for (const char* url :
       {"http://h/../../etc/passwd", "http://h/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "http://h/..",
        "http://h/%2Fabs%2Fpath.jpg", "http://h/a%00b.jpg", "http://h/x%0Ay.jpg", "http://h/.hidden.jpg",
        "http://h/", "http://h", "http://h/%e2%80%ae.jpg"}) {
    const std::string name = safe_name_from_url(url);
    EXPECT_FALSE(name.empty()) << url;
    EXPECT_EQ(name.find('/'), std::string::npos) << url << " -> " << name;
    EXPECT_NE(name.front(), '.') << url << " -> " << name;
    for (const char c : name)
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') << url;
  }
  EXPECT_EQ(safe_name_from_url("http://h/"), "image");
  EXPECT_EQ(safe_name_from_url("http://h/%2e%2e%2fetc%2fpasswd"), "_etc_passwd");
}

TEST(SafeName, BoundedLengthKeepsTheExtension) {
  const std::string name = safe_name_from_url("http://h/" + std::string(500, 'a') + ".jpeg");
  EXPECT_EQ(name.size(), 100u);
  EXPECT_EQ(name.substr(name.size() - 5), ".jpeg");
}

TEST(UrlList, SkipsCommentsBlanksAndDuplicates) {
  const auto items =
      parse_url_list("# gallery\n\n  http://h/a.jpg  \r\nhttp://h/b.png\nhttp://h/a.jpg\n\t\n");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].input, "http://h/a.jpg");
  EXPECT_EQ(items[0].relative_path, "a.jpg");
  EXPECT_EQ(items[1].relative_path, "b.png");
}

TEST(UrlList, SameBaseNameGetsDistinctNames) {
  const auto items =
      parse_url_list("http://one/x/cat.jpg\nhttp://two/y/cat.jpg\nhttp://h/CAT.png\nhttp://h/dog.jpg\n");
  ASSERT_EQ(items.size(), 4u);
  EXPECT_NE(items[0].relative_path, items[1].relative_path);
  EXPECT_EQ(items[0].relative_path.substr(0, 4), "cat-");
  EXPECT_EQ(items[2].relative_path.substr(0, 4), "CAT-");
  EXPECT_EQ(items[3].relative_path, "dog.jpg");
  // Deterministic: the same list gives the same names (re-runs find their thumbnails).
  EXPECT_EQ(parse_url_list("http://one/x/cat.jpg\nhttp://two/y/cat.jpg\n")[0].relative_path,
            items[0].relative_path);
}

// Found by fuzz_url_names: a URL whose file is literally named like another URL's suffixed name
// got the same name. Names stay distinct (case-insensitively) whatever the list holds.
TEST(UrlList, ListedNameEqualToASuffixedOneStillGetsItsOwn) {
  const std::string pair = "http://one/x/cat.jpg\nhttp://two/y/cat.jpg\n";
  const std::string suffixed = parse_url_list(pair)[0].relative_path;  // "cat-<hash>.jpg"
  for (const std::string& list :
       {"http://three/" + suffixed + "\n" + pair, pair + "http://three/" + suffixed + "\n",
        pair + "http://four/" + ascii_upper_copy(suffixed) + "\n"}) {
    SCOPED_TRACE(list);
    const auto items = parse_url_list(list);
    ASSERT_EQ(items.size(), 3u);
    std::set<std::string> names;
    for (const auto& item : items) {
      std::string lower_name = item.relative_path;
      for (char& c : lower_name) c = char(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_TRUE(names.insert(lower_name).second) << item.relative_path;
      EXPECT_NE(lower_name.find(".jpg"), std::string::npos) << item.relative_path;
    }
  }
}

TEST(UrlList, NonHttpLinesAreItemsWithAnError) {
  const auto items = parse_url_list("ftp://h/a.jpg\nfile:///etc/passwd\n/local/path.jpg\nHTTPS://H/ok.jpg\n");
  ASSERT_EQ(items.size(), 4u);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(items[std::size_t(i)].error, "not an http(s) URL (URL list:" + std::to_string(i + 1) + ")");
  EXPECT_TRUE(items[3].error.empty());
  EXPECT_TRUE(is_remote("HTTPS://H/ok.jpg"));
  EXPECT_FALSE(is_remote("httpx://h"));
}

TEST(UrlList, ErrorsNameTheListAndTheLineCountingBlankAndCommentLines) {
  const auto items = parse_url_list("# images\nhttp://h/a.jpg\n\nftp://h/b.jpg\n", "urls.txt");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].error, "not an http(s) URL (urls.txt:4)");
}

}  // namespace
}  // namespace thumbflow
