// The one check of user-given request headers and user agents, how headers are sent and merged
// with a client's own, and which redirects keep them (same scheme, host and port).
#include "net/request_headers.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "net/curl_common.hpp"
#include "thumbflow/options.hpp"
#include "thumbflow/version.hpp"

namespace thumbflow::detail {
namespace {

std::string why(const std::string& header) {
  try {
    check_request_header(header);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(RequestHeaders, NamesAreTokensValuesHaveNoControlCharacters) {
  for (const char* good : {"X-Api-Key: s3cret", "Referer: https://example.org/a?b=c", "x:y",
                           "A!#$%&'*+-.^_`|~1: v", "Cookie: a=1; b=2", "X-Tab: a\tb", "X-Utf8: caf\xC3\xA9"})
    EXPECT_EQ(why(good), "") << good;
  EXPECT_EQ(why("NoColon"), "header 'NoColon': not 'Name: value'");
  EXPECT_EQ(why(": v"), "header ': v': empty name");
  EXPECT_EQ(why("Bad Name: v"), "header 'Bad Name: v': a space in the name");
  EXPECT_EQ(why("Name : v"), "header 'Name : v': a space in the name");
  EXPECT_EQ(why("X(1): v"), "header 'X(1): v': the name is not an HTTP token");
  EXPECT_EQ(why("X\xC3\xA9: v"), "header 'X\xC3\xA9: v': the name is not an HTTP token");
  EXPECT_EQ(why("X: a\r\nInjected: 1"),
            "header 'X: a\\r\\nInjected: 1': a control character (CR, LF, ...) in the value");
  EXPECT_NE(why(std::string("X: a\0b", 6)).find("control character"), std::string::npos);
  EXPECT_NE(why("X: a\x7f").find("control character"), std::string::npos);
  EXPECT_EQ(why("X:"), "header 'X:': empty value");
  EXPECT_EQ(why("X: \t "), "header 'X: \\t ': empty value");
  EXPECT_EQ(why("content-length: 0"), "header 'content-length: 0': thumbflow sets content-length itself");
  EXPECT_NE(why("Transfer-Encoding: chunked").find("itself"), std::string::npos);
}

TEST(RequestHeaders, UserAgentsHaveNoControlCharacters) {
  EXPECT_NO_THROW(check_user_agent(""));
  EXPECT_NO_THROW(check_user_agent("Mozilla/5.0 (X11; Linux x86_64) gallery-dl/1.26"));
  EXPECT_THROW(check_user_agent("a\nb"), std::invalid_argument);
  EXPECT_THROW(check_user_agent("a\rb"), std::invalid_argument);
  EXPECT_THROW(check_user_agent("   "), std::invalid_argument);
}

TEST(RequestHeaders, SentTrimmedWithThumbflowsUserAgentByDefault) {
  const RequestHeaders none("", {});
  EXPECT_EQ(none.user_agent(), std::string("thumbflow/") + version());
  EXPECT_EQ(none.list(), nullptr);
  const RequestHeaders some("agent/1", {"X-A:   one  ", "X-B:two"});
  EXPECT_EQ(some.user_agent(), "agent/1");
  ASSERT_NE(some.list(), nullptr);
  EXPECT_STREQ(some.list()->data, "X-A: one");
  ASSERT_NE(some.list()->next, nullptr);
  EXPECT_STREQ(some.list()->next->data, "X-B: two");
  EXPECT_EQ(some.list()->next->next, nullptr);
  EXPECT_THROW(RequestHeaders("", {"bad"}), std::invalid_argument);
  EXPECT_THROW(RequestHeaders("a\nb", {}), std::invalid_argument);
}

TEST(RequestHeaders, ExtraHeadersReplaceTheClientsOwnOfTheSameName) {
  const std::vector<std::string> ours = {"Authorization: Client-ID abc", "Accept: application/json"};
  EXPECT_EQ(
      merge_headers(ours, {"X-Key: 1"}),
      (std::vector<std::string>{"Authorization: Client-ID abc", "Accept: application/json", "X-Key: 1"}));
  EXPECT_EQ(merge_headers(ours, {"authorization:  Bearer t "}),
            (std::vector<std::string>{"Accept: application/json", "authorization: Bearer t"}));
  EXPECT_THROW(merge_headers(ours, {"X: a\nb"}), std::invalid_argument);
}

TEST(RequestHeaders, RedirectsKeepThemOnlyToTheSameSchemeHostAndPort) {
  EXPECT_TRUE(same_origin("http://a.example/x.jpg", "http://A.EXAMPLE:80/y?z"));
  EXPECT_TRUE(same_origin("https://a.example:8443/x", "https://a.example:8443/"));
  EXPECT_FALSE(same_origin("http://a.example/x", "https://a.example/x"));
  EXPECT_FALSE(same_origin("http://a.example/x", "http://a.example:8080/x"));
  EXPECT_FALSE(same_origin("http://a.example/x", "http://b.example/x"));
  EXPECT_FALSE(same_origin("http://a.example/x", "http://a.example.evil/x"));
  EXPECT_FALSE(same_origin("http://127.0.0.1/x", "http://localhost/x"));
  EXPECT_FALSE(same_origin("not a url", "not a url"));
}

}  // namespace
}  // namespace thumbflow::detail
