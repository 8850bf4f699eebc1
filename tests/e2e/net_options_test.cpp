// The downloader options users expect (issue 16): --user-agent and --header on fetch and gallery
// (checked; a bad one is a one-line usage error), headers kept from other hosts on redirects, and
// libcurl's proxy variables (http_proxy, ...) honoured, with the address guard judging the target
// and not the proxy. Loopback servers only: the forward proxy serves every URL from one loopback
// origin, so URLs may name hosts that do not exist (.invalid) or are never connected to.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "e2e_support.hpp"
#include "forward_proxy.hpp"
#include "http_server.hpp"

namespace thumbflow::e2e {
namespace {

using test::ForwardProxy;
using test::HttpServer;
using test::Response;

std::string proxied_jpeg_bytes(int seed) {
  const auto bytes = test::encode(test::make_picture(320, 240, CV_8UC3, seed), ".jpg");
  return {bytes.begin(), bytes.end()};
}

// `thumbflow <args...>` with the proxy variables of the environment replaced by `proxy_vars`
// ("http_proxy=..."), so that neither the machine's proxy nor its no_proxy gets in the way.
CommandResult run_with_proxy(const std::vector<std::string>& proxy_vars,
                             const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/env"};
  for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                           "no_proxy", "NO_PROXY"})
    argv.insert(argv.end(), {"-u", name});
  argv.insert(argv.end(), proxy_vars.begin(), proxy_vars.end());
  argv.push_back(kCli);
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_command(argv, kRunTimeoutS);
}

CommandResult thumbflow_direct(const std::vector<std::string>& args) { return run_with_proxy({}, args); }

// "thumbflow X.Y.Z": the first line of --version.
std::string version_line() {
  const CommandResult r = test::run_command({kCli, "--version"});
  const auto lines = lines_of(r.out);
  return lines.empty() ? "" : lines.front();
}

// A gallery API on `api` whose page 0 lists `links` (id -> link) and page 1 is empty.
void serve_gallery(HttpServer& api, const std::vector<std::pair<std::string, std::string>>& links) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& link : links) data.push_back(gallery_image_json(link.first, link.second, 20000));
  api.set("/3/gallery/hot/viral/day/0",
          Response::ok(nlohmann::json{{"data", data}, {"success", true}, {"status", 200}}.dump(),
                       "application/json"));
  api.set("/3/gallery/hot/viral/day/1",
          Response::ok(R"({"data":[],"success":true,"status":200})", "application/json"));
}

class NetOptions : public ::testing::Test {
 protected:
  TempDir dir;
  HttpServer server;
  fs::path out() const { return dir / "out"; }

  std::string list(const std::vector<std::string>& urls) {
    std::string text;
    for (const auto& u : urls) text += u + "\n";
    test::write_text(dir / "urls.txt", text);
    return (dir / "urls.txt").string();
  }
  std::vector<std::string> fetch_args(const std::vector<std::string>& urls,
                                      const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"fetch", list(urls), "-o", out().string(), "--retries", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

TEST_F(NetOptions, FetchSendsTheUserAgentAndEveryHeader) {
  server.set("/a.jpg", Response::ok(proxied_jpeg_bytes(1), "image/jpeg"));
  const CommandResult r = thumbflow_direct(
      fetch_args({server.url("/a.jpg")}, {"--user-agent", "gallery-dl/1.26", "--header", "X-Api-Key: s3cret",
                                          "--header", "Referer:   https://example.org/page  ", "-q"}));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const test::Request got = server.last_request("/a.jpg");
  EXPECT_EQ(got.header("user-agent"), "gallery-dl/1.26");
  EXPECT_EQ(got.header("x-api-key"), "s3cret");
  EXPECT_EQ(got.header("referer"), "https://example.org/page");
  EXPECT_FALSE(read_image(out() / "a_thumbnail.jpg").empty());

  // Without the options: thumbflow's own User-Agent, as before, and no extra header.
  const CommandResult plain = thumbflow_direct(fetch_args({server.url("/a.jpg")}, {"-q", "--force"}));
  ASSERT_EQ(plain.exit_code, 0) << describe(plain);
  const std::string version = version_line();  // "thumbflow 0.1.0"
  ASSERT_EQ(version.rfind("thumbflow ", 0), 0u) << version;
  EXPECT_EQ(server.last_request("/a.jpg").header("user-agent"), "thumbflow/" + version.substr(10));
  EXPECT_EQ(server.last_request("/a.jpg").header("x-api-key"), "");
}

// libcurl itself passes custom headers on to any host a redirect names; thumbflow does not.
TEST_F(NetOptions, HeadersFollowRedirectsOnlyToTheSameSchemeHostAndPort) {
  server.set("/b.jpg", Response::ok(proxied_jpeg_bytes(2), "image/jpeg"));
  server.set("/c.jpg", Response::ok(proxied_jpeg_bytes(3), "image/jpeg"));
  server.set("/same.jpg", Response::redirect(302, "/b.jpg"));
  // Another host name for the same server: another origin to a client.
  server.set("/away.jpg",
             Response::redirect(301, "http://localhost:" + std::to_string(server.port()) + "/c.jpg"));
  const CommandResult same =
      thumbflow_direct(fetch_args({server.url("/same.jpg")}, {"--header", "X-Token: t1", "-q"}));
  ASSERT_EQ(same.exit_code, 0) << describe(same);
  EXPECT_EQ(server.last_request("/same.jpg").header("x-token"), "t1");
  EXPECT_EQ(server.last_request("/b.jpg").header("x-token"), "t1");

  const CommandResult away = thumbflow_direct(fetch_args(
      {server.url("/away.jpg")}, {"--header", "X-Token: t1", "--user-agent", "agent/2", "-q", "--force"}));
  ASSERT_EQ(away.exit_code, 0) << describe(away);
  EXPECT_EQ(server.last_request("/away.jpg").header("x-token"), "t1");
  const test::Request moved = server.last_request("/c.jpg");
  EXPECT_EQ(moved.header("host"), "localhost:" + std::to_string(server.port()));
  EXPECT_EQ(moved.header("x-token"), "") << "a header went to another host";
  EXPECT_EQ(moved.header("user-agent"), "agent/2");
  EXPECT_FALSE(read_image(out() / "away_thumbnail.jpg").empty());
}

TEST_F(NetOptions, ABadHeaderOrUserAgentIsAOneLineUsageErrorOnEveryCommand) {
  server.set("/a.jpg", Response::ok(proxied_jpeg_bytes(1), "image/jpeg"));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"NoColon", "not 'Name: value'"},
      {": value", "empty name"},
      {"Bad Name: v", "a space in the name"},
      {"X(1): v", "not an HTTP token"},
      {"X-Evil: a\r\nInjected: 1", "control character"},
      {"X-Empty:   ", "empty value"},
      {"Content-Length: 5", "sets Content-Length itself"}};
  for (const auto& [header, why] : bad) {
    const CommandResult r = thumbflow_direct(fetch_args({server.url("/a.jpg")}, {"--header", header}));
    EXPECT_EQ(r.exit_code, 1) << header << "\n" << describe(r);
    ASSERT_EQ(lines_of(r.err).size(), 1u) << describe(r);
    EXPECT_NE(r.err.find("--header"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\r'), std::string::npos) << "the header is printed escaped";
  }
  const CommandResult ua = thumbflow_direct(fetch_args({server.url("/a.jpg")}, {"--user-agent", "a\nb"}));
  EXPECT_EQ(ua.exit_code, 1) << describe(ua);
  EXPECT_EQ(lines_of(ua.err).size(), 1u) << describe(ua);
  EXPECT_NE(ua.err.find("--user-agent"), std::string::npos) << ua.err;

  const CommandResult gallery =
      thumbflow_direct({"gallery", "--api", server.url(""), "-o", out().string(), "--header", "X: a\nb"});
  EXPECT_EQ(gallery.exit_code, 1) << describe(gallery);
  EXPECT_EQ(lines_of(gallery.err).size(), 1u) << describe(gallery);
  const CommandResult worker = thumbflow_direct({"worker", "--queue", "q", "-o", out().string(), "--redis",
                                                 "redis://127.0.0.1:1", "--header", "Bad Name: v"});
  EXPECT_EQ(worker.exit_code, 1) << describe(worker);
  ASSERT_EQ(lines_of(worker.err).size(), 1u) << describe(worker);
  EXPECT_NE(worker.err.find("a space in the name"), std::string::npos) << worker.err;
  EXPECT_EQ(server.total_requests(), 0);
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(NetOptions, GalleryApiRequestsCarryTheHeadersAndKeepTheClientIdAuthorization) {
  server.set("/i/one.jpg", Response::ok(proxied_jpeg_bytes(4), "image/jpeg"));
  serve_gallery(server, {{"one", server.url("/i/one.jpg")}});
  const CommandResult r = thumbflow_direct({"gallery", "--api", server.url(""), "--client-id", "abc123",
                                            "--pages", "2", "-o", out().string(), "--user-agent",
                                            "gallery-dl/1.26", "--header", "X-Api-Key: s3cret", "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const std::string page : {"/3/gallery/hot/viral/day/0", "/3/gallery/hot/viral/day/1", "/i/one.jpg"}) {
    const test::Request got = server.last_request(page);
    EXPECT_EQ(got.header("user-agent"), "gallery-dl/1.26") << page;
    EXPECT_EQ(got.header("x-api-key"), "s3cret") << page;
  }
  EXPECT_EQ(server.last_request("/3/gallery/hot/viral/day/0").header("authorization"), "Client-ID abc123");
  EXPECT_EQ(server.last_request("/3/gallery/hot/viral/day/0").header("accept"), "application/json");
  EXPECT_FALSE(read_image(out() / "one_thumbnail.jpg").empty());
}

// http_proxy is libcurl's own: thumbflow neither sets a proxy nor gets in its way. The URL names a
// host that cannot resolve, so only a request through the proxy can succeed.
TEST_F(NetOptions, FetchGoesThroughHttpProxy) {
  server.set("/p.jpg", Response::ok(proxied_jpeg_bytes(5), "image/jpeg"));
  ForwardProxy proxy(server.port());
  const CommandResult r = run_with_proxy(
      {"http_proxy=" + proxy.url()},
      fetch_args({"http://thumbflow-origin.invalid/p.jpg"}, {"--header", "X-Token: t1", "-q", "--json"}));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(nlohmann::json::parse(r.out)["done"], 1);
  EXPECT_EQ(proxy.targets(), std::vector<std::string>{"http://thumbflow-origin.invalid/p.jpg"});
  EXPECT_EQ(proxy.requests().at(0).header("host"), "thumbflow-origin.invalid");
  EXPECT_EQ(server.last_request("/p.jpg").header("x-token"), "t1");
  EXPECT_FALSE(read_image(out() / "p_thumbnail.jpg").empty());
}

// Through a proxy libcurl only ever connects to the proxy (here on loopback, allowed: the user
// set it); the guard judges each link's own host. 192.0.2.0/24 is a documentation range, public
// to the guard, and never connected to: the proxy serves it from the loopback origin.
TEST_F(NetOptions, ThroughAProxyTheGuardJudgesTheTargetHostAndEveryRedirect) {
  const std::string jpeg = proxied_jpeg_bytes(6);
  server.set("/i/public.jpg", Response::ok(jpeg, "image/jpeg"));
  server.set("/i/trusted.jpg", Response::ok(jpeg, "image/jpeg"));
  server.set("/i/private.jpg", Response::ok(jpeg, "image/jpeg"));
  server.set("/i/hop.jpg", Response::redirect(302, "http://10.1.2.3/i/private.jpg"));
  serve_gallery(server, {{"public", "http://192.0.2.10/i/public.jpg"},
                         {"trusted", server.url("/i/trusted.jpg")},
                         {"private", "http://10.1.2.3/i/private.jpg"},
                         {"loop", "http://127.0.0.1:1/i/private.jpg"},
                         {"hop", "http://192.0.2.10/i/hop.jpg"}});
  ForwardProxy proxy(server.port());
  const CommandResult r =
      run_with_proxy({"http_proxy=" + proxy.url()},
                     {"gallery", "--api", server.url(""), "--pages", "2", "-o", out().string(), "--retries",
                      "0", "--connect-timeout", "2", "--report", (dir / "report.json").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  std::map<std::string, std::string> errors;  // gallery id (the item's tag) -> error
  const nlohmann::json report = read_json(dir / "report.json");
  for (const auto& item : report["items"]) errors[item.value("tag", "")] = item.value("error", "");
  const std::string private_refused = "refused: 10.1.2.3 is a private address; --allow-private-urls to allow";
  EXPECT_EQ(errors, (std::map<std::string, std::string>{
                        {"public", ""},
                        {"trusted", ""},
                        {"private", private_refused},
                        {"loop", "refused: 127.0.0.1 is a loopback address; --allow-private-urls to allow"},
                        {"hop", private_refused}}))
      << describe(r);
  EXPECT_FALSE(read_image(out() / "public_thumbnail.jpg").empty()) << describe(r);
  EXPECT_FALSE(read_image(out() / "trusted_thumbnail.jpg").empty()) << describe(r);
  for (const std::string& target : proxy.targets()) {
    EXPECT_EQ(target.find("10.1.2.3"), std::string::npos) << target;
    EXPECT_EQ(target.find("127.0.0.1:1/"), std::string::npos) << target;
  }
  const auto targets = proxy.targets();
  EXPECT_EQ(std::count(targets.begin(), targets.end(), "http://192.0.2.10/i/hop.jpg"), 1) << describe(r);
  EXPECT_EQ(server.request_count("/i/private.jpg"), 0);
}

}  // namespace
}  // namespace thumbflow::e2e
