// The synchronous GET of gallery API pages: the user's headers and user agent go with it, follow
// redirects on the same scheme, host and port only, and redirects stop after five.
#include "net/http_get.hpp"

#include <gtest/gtest.h>

#include "http_server.hpp"

namespace thumbflow::detail {
namespace {

using test::HttpServer;
using test::Response;

TEST(HttpGet, HeadersFollowRedirectsOnlyOnTheSameOrigin) {
  HttpServer server;
  const std::string other_host = "http://localhost:" + std::to_string(server.port());
  server.set("/page", Response::ok("{}", "application/json"));
  server.set("/same", Response::redirect(302, "/page"));
  server.set("/away", Response::redirect(307, other_host + "/elsewhere"));
  server.set("/elsewhere", Response::ok("{}", "application/json"));
  const std::vector<std::string> headers = {"Authorization: Client-ID abc", "X-Key: k1"};

  const HttpResponse same = http_get(server.url("/same"), headers, "agent/1", 10, 1 << 20, nullptr);
  EXPECT_EQ(same.status, 200) << same.error;
  EXPECT_EQ(server.last_request("/page").header("x-key"), "k1");
  EXPECT_EQ(server.last_request("/page").header("authorization"), "Client-ID abc");

  const HttpResponse away = http_get(server.url("/away"), headers, "agent/1", 10, 1 << 20, nullptr);
  EXPECT_EQ(away.status, 200) << away.error;
  const test::Request moved = server.last_request("/elsewhere");
  EXPECT_EQ(moved.header("x-key"), "");
  EXPECT_EQ(moved.header("authorization"), "");
  EXPECT_EQ(moved.header("user-agent"), "agent/1");
}

TEST(HttpGet, StopsAfterFiveRedirects) {
  HttpServer server;
  server.set("/a", Response::redirect(302, "/b"));
  server.set("/b", Response::redirect(302, "/a"));
  const HttpResponse r = http_get(server.url("/a"), {}, "", 10, 1 << 20, nullptr);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "more than 5 redirects");
  EXPECT_EQ(server.total_requests(), 6);
}

}  // namespace
}  // namespace thumbflow::detail
