// The synchronous GET of gallery API pages: the user's headers and user agent go with it, follow
// redirects on the same scheme, host and port only, redirects stop after five, and every hop goes
// through the address guard that image downloads go through.
#include "net/http_get.hpp"

#include <gtest/gtest.h>

#include "http_server.hpp"
#include "net/address_guard.hpp"

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

  const HttpResponse same = http_get(server.url("/same"), headers, "agent/1", 10, 1 << 20, nullptr, nullptr);
  EXPECT_EQ(same.status, 200) << same.error;
  EXPECT_EQ(server.last_request("/page").header("x-key"), "k1");
  EXPECT_EQ(server.last_request("/page").header("authorization"), "Client-ID abc");

  const HttpResponse away = http_get(server.url("/away"), headers, "agent/1", 10, 1 << 20, nullptr, nullptr);
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
  const HttpResponse r = http_get(server.url("/a"), {}, "", 10, 1 << 20, nullptr, nullptr);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "more than 5 redirects");
  EXPECT_EQ(server.total_requests(), 6);
}

// A page trickling in is cut at the exchange's time limit, said in whole seconds.
TEST(HttpGet, ATrickleEndsAtTheTimeLimit) {
  HttpServer server;
  Response trickle = Response::ok(std::string(1 << 20, ' '), "application/json");
  trickle.fault = test::Fault::SlowBody;
  trickle.bytes_per_tick = 200;
  trickle.tick_ms = 100;
  server.set("/page", trickle);
  const HttpResponse r = http_get(server.url("/page"), {}, "", 1, 1 << 21, nullptr, nullptr);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "timed out after 1 s");
  EXPECT_TRUE(r.transient) << "the gallery client tries a slow page again";
}

// The first hop is the trusted API (loopback, allowed); a redirect to another loopback port is an
// internal address like any other, and is refused before anything is sent to it.
TEST(HttpGet, EveryRedirectHopGoesThroughTheAddressGuard) {
  HttpServer api;
  HttpServer internal;
  internal.set("/secret", Response::ok("{\"data\":[]}", "application/json"));
  api.set("/page", Response::redirect(302, internal.url("/secret")));
  api.set("/same", Response::redirect(302, "http://localhost:" + std::to_string(api.port()) + "/ok"));
  api.set("/ok", Response::ok("{}", "application/json"));
  const AddressGuard guard(false, {api.url("")}, {}, " (hint)");

  const HttpResponse refused = http_get(api.url("/page"), {}, "", 10, 1 << 20, nullptr, &guard);
  EXPECT_EQ(refused.status, 0);
  EXPECT_EQ(refused.error, "refused: 127.0.0.1 is a loopback address (hint)");
  EXPECT_FALSE(refused.transient);
  EXPECT_EQ(internal.total_requests(), 0);

  // The trusted host and port under another name is still the API.
  const HttpResponse same = http_get(api.url("/same"), {}, "", 10, 1 << 20, nullptr, &guard);
  EXPECT_EQ(same.status, 200) << same.error;
}

}  // namespace
}  // namespace thumbflow::detail
