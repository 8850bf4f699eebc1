// The one function that takes a URL's last path segment (names of downloads, gallery types,
// what the report shows).
#include "core/url_segment.hpp"

#include <gtest/gtest.h>

namespace thumbflow::detail {
namespace {

TEST(UrlSegment, LastSegmentOfThePath) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://i.imgur.com/abc123.jpg", "abc123.jpg"},
      {"http://h/a/b/photo.png?size=large#frag", "photo.png"},
      {"http://h/a/b/photo.png#frag/x.jpg", "photo.png"},
      {"http://h/a/?next=/x.jpg", "a"},
      {"http://h/dir/", "dir"},
      {"http://h/dir///", "dir"},
      {"http://h/my%20cat.webp", "my%20cat.webp"},
      {"http://h", ""},
      {"http://h/", ""},
      {"http://h?q=/x.jpg", ""},
      {"http://user@h:8080/p/q.gif", "q.gif"},
      {"/local/path/c.jpg", "c.jpg"},
      {"c.jpg", "c.jpg"},
      {"", ""},
  };
  for (const auto& [url, segment] : cases) EXPECT_EQ(url_last_segment(url), segment) << url;
}

}  // namespace
}  // namespace thumbflow::detail
