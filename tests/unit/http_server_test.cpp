#include "http_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace thumbflow::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

struct Reply {
  int status = 0;                              // 0: no status line came
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool timed_out = false;  // a read waited longer than the client's timeout
  bool reset = false;      // the server reset the connection
  bool closed = false;     // the server closed the connection before the reply was complete
};

// A tiny blocking HTTP/1.1 client on one connection, so these tests need neither libcurl nor the
// curl binary. Each read waits at most `timeout_ms`. A body is read up to its Content-Length, or
// else up to `max_body` bytes or the end of the connection (raw: chunk framing is not decoded).
class Client {
 public:
  explicit Client(int port, int timeout_ms = 2000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(std::string_view raw) {
    while (!raw.empty()) {
      const ssize_t n = ::send(fd_, raw.data(), raw.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      raw.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  Reply get(std::string_view target, std::string_view extra_headers = "", std::string_view method = "GET") {
    send(std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
         std::string(extra_headers) + "\r\n");
    return read_reply(method == "HEAD");
  }

  Reply read_reply(bool head_only = false, std::size_t max_body = std::numeric_limits<std::size_t>::max()) {
    Reply r;
    std::size_t end = 0;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(r)) return r;
    }
    const std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    r.status = std::stoi(head.substr(9, 3));
    for (std::size_t at = head.find("\r\n"); at != std::string::npos;) {
      const std::size_t next = head.find("\r\n", at + 2);
      const std::string line = head.substr(at + 2, next == std::string::npos ? next : next - at - 2);
      std::string name = line.substr(0, line.find(':'));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = line.substr(line.find(':') + 2);
      at = next;
    }
    std::size_t want = head_only ? 0 : max_body;
    if (!head_only && r.headers.count("content-length") != 0) {
      want = std::min<std::size_t>(std::stoul(r.headers["content-length"]), max_body);
    }
    while (buf_.size() < want && fill(r)) {
    }
    r.body = buf_.substr(0, std::min(want, buf_.size()));
    buf_.erase(0, r.body.size());
    return r;
  }

  // True when the server ended the connection (FIN or RST) within the timeout.
  bool server_closed() {
    Reply r;
    while (fill(r)) {
    }
    return r.closed || r.reset;
  }

 private:
  bool fill(Reply& r) {
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buf_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      r.timed_out = true;
    } else if (n < 0 && errno == ECONNRESET) {
      r.reset = true;
    } else {
      r.closed = true;
    }
    return false;
  }

  int fd_ = -1;
  std::string buf_;
};

TEST(HttpServer, ServesBodyStatusAndHeaders) {
  HttpServer server;
  server.set("/img/a.jpg", Response::ok("JPEGDATA", "image/jpeg"));
  EXPECT_EQ(server.url("/img/a.jpg"), "http://127.0.0.1:" + std::to_string(server.port()) + "/img/a.jpg");
  EXPECT_EQ(server.url("x"), "http://127.0.0.1:" + std::to_string(server.port()) + "/x");
  Client client(server.port());
  Reply r = client.get("/img/a.jpg");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "JPEGDATA");
  EXPECT_EQ(r.headers["content-type"], "image/jpeg");
  EXPECT_EQ(r.headers["content-length"], "8");
  EXPECT_EQ(server.request_count("/img/a.jpg"), 1);
  EXPECT_EQ(server.total_requests(), 1);
}

TEST(HttpServer, UnknownPathIs404WithHtml) {
  HttpServer server;
  Client client(server.port());
  Reply r = client.get("/missing.png");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("<html>"), std::string::npos);
  EXPECT_EQ(r.headers["content-length"], std::to_string(r.body.size()));
  EXPECT_EQ(server.request_count("/missing.png"), 1);
}

TEST(HttpServer, SequenceServesInOrderThenRepeatsTheLast) {
  HttpServer server;
  Response busy;
  busy.status = 503;
  busy.headers = {{"Retry-After", "1"}};
  server.set_sequence("/s", {busy, busy, Response::ok("fine")});
  Client client(server.port());
  EXPECT_EQ(client.get("/s").status, 503);
  Reply second = client.get("/s");
  EXPECT_EQ(second.status, 503);
  EXPECT_EQ(second.headers["retry-after"], "1");
  EXPECT_EQ(client.get("/s").body, "fine");
  EXPECT_EQ(client.get("/s").status, 200);
  EXPECT_EQ(server.request_count("/s"), 4);
  server.set_sequence("/s", {busy, Response::ok("again")});  // counting restarts
  EXPECT_EQ(client.get("/s").status, 503);
  EXPECT_EQ(client.get("/s").body, "again");
}

TEST(HttpServer, LatencyDelaysTheResponse) {
  HttpServer server;
  Response slow = Response::ok("late");
  slow.latency_ms = 150;
  server.set("/slow", slow);
  Client client(server.port());
  const auto start = Clock::now();
  EXPECT_EQ(client.get("/slow").body, "late");
  EXPECT_GE(ms_since(start), 150);
}

TEST(HttpServer, KeepAliveServesManyRequestsOnOneConnection) {
  HttpServer server;
  server.set("/a", Response::ok("A"));
  server.set("/b", Response::ok("B"));
  Client client(server.port());
  EXPECT_EQ(client.get("/a").body, "A");
  EXPECT_EQ(client.get("/b").body, "B");
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");  // pipelined
  EXPECT_EQ(client.read_reply().body, "A");
  EXPECT_EQ(client.read_reply().body, "B");
  Reply last = client.get("/a", "Connection: close\r\n");
  EXPECT_EQ(last.body, "A");
  EXPECT_EQ(last.headers["connection"], "close");
  EXPECT_TRUE(client.server_closed());
  EXPECT_EQ(server.connections_accepted(), 1);
  EXPECT_EQ(server.total_requests(), 5);
  EXPECT_EQ(server.last_request("/a").connection, server.last_request("/b").connection);
}

TEST(HttpServer, RecordsTheLastRequestWithQueryAndHeaders) {
  HttpServer server;
  server.set("/3/album/x", Response::ok("{}", "application/json"));
  Client client(server.port());
  client.get("/3/album/x?page=2&perPage=5", "Authorization: Client-ID abc\r\nX-Dup: 1\r\nx-dup: 2\r\n");
  const Request r = server.last_request("/3/album/x");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/3/album/x");
  EXPECT_EQ(r.query, "page=2&perPage=5");
  EXPECT_EQ(r.target, "/3/album/x?page=2&perPage=5");
  EXPECT_EQ(r.header("authorization"), "Client-ID abc");
  EXPECT_EQ(r.header("x-dup"), "1, 2");
  EXPECT_EQ(server.last_request("/never").method, "");
}

TEST(HttpServer, HandlersMatchTheLongestPrefixAndHeadGetsNoBody) {
  HttpServer server;
  server.set_handler("/api/", [](const Request& r) { return Response::ok("api " + r.path); });
  server.set_handler("/api/img/", [](const Request& r) { return Response::ok("img " + r.query); });
  server.set_handler("/boom", [](const Request&) -> Response { throw std::runtime_error("broken"); });
  server.set("/moved", Response::redirect(302, server.url("/api/here")));
  Client client(server.port());
  EXPECT_EQ(client.get("/api/x").body, "api /api/x");
  EXPECT_EQ(client.get("/api/img/1?s=2").body, "img s=2");
  Reply head = client.get("/api/x", "", "HEAD");
  EXPECT_EQ(head.headers["content-length"], "10");
  EXPECT_EQ(head.body, "");
  Reply moved = client.get("/moved");  // the connection is still in step after HEAD
  EXPECT_EQ(moved.status, 302);
  EXPECT_EQ(moved.headers["location"], server.url("/api/here"));
  Reply boom = client.get("/boom");
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(boom.body, "broken");
}

TEST(HttpServer, OversizedHeadGets431) {
  HttpServer server;
  Client client(server.port());
  Reply r = client.get("/a", "X-Big: " + std::string(70 * 1024, 'a') + "\r\n");
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(server.total_requests(), 0);
}

TEST(HttpServer, ResetMidBodyDeliversLessThanContentLength) {
  HttpServer server;
  Response r = Response::ok(std::string(200000, 'b'));
  r.fault = Fault::ResetMidBody;
  server.set("/cut", r);
  Client client(server.port());
  Reply reply = client.get("/cut");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-length"], "200000");
  EXPECT_LT(reply.body.size(), 200000u);
  EXPECT_TRUE(reply.reset || reply.closed);
}

TEST(HttpServer, GivenContentLengthLargerThanTheBodyTruncatesAndCloses) {
  HttpServer server;
  Response r = Response::ok("short");
  r.headers.emplace_back("Content-Length", "100");
  server.set("/trunc", r);
  Client client(server.port());
  Reply reply = client.get("/trunc");
  EXPECT_EQ(reply.headers["content-length"], "100");
  EXPECT_EQ(reply.body, "short");
  EXPECT_TRUE(reply.closed);
}

TEST(HttpServer, CloseBeforeResponseSendsNothing) {
  HttpServer server;
  Response r;
  r.fault = Fault::CloseBeforeResponse;
  server.set("/gone", r);
  Client client(server.port());
  Reply reply = client.get("/gone");
  EXPECT_EQ(reply.status, 0);
  EXPECT_TRUE(reply.closed || reply.reset);
  EXPECT_EQ(server.request_count("/gone"), 1);
}

TEST(HttpServer, NeverRespondStallsUntilTheClientGivesUpAndStopIsQuick) {
  auto server = std::make_unique<HttpServer>();
  Response r;
  r.fault = Fault::NeverRespond;
  server->set("/stall", r);
  Client client(server->port(), 300);
  const auto start = Clock::now();
  Reply reply = client.get("/stall");
  EXPECT_TRUE(reply.timed_out);
  EXPECT_EQ(reply.status, 0);
  EXPECT_GE(ms_since(start), 250);
  const auto stop_start = Clock::now();
  server.reset();  // the client is still connected and waiting
  EXPECT_LT(ms_since(stop_start), 1000);
  EXPECT_TRUE(client.server_closed());
}

TEST(HttpServer, EndlessBodyEndsWhenTheClientHangsUp) {
  HttpServer server;
  Response r;
  r.fault = Fault::EndlessBody;
  server.set("/endless", r);
  Client client(server.port());
  client.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
  Reply reply = client.read_reply(false, 1 << 20);
  EXPECT_EQ(reply.headers["transfer-encoding"], "chunked");
  EXPECT_EQ(reply.body.size(), std::size_t{1} << 20);
  client.close();
  EXPECT_TRUE(server.wait_for_idle(3s));
}

TEST(HttpServer, SlowBodyArrivesInTicks) {
  HttpServer server;
  Response r = Response::ok(std::string(4096, 's'));
  r.fault = Fault::SlowBody;
  r.bytes_per_tick = 1024;
  r.tick_ms = 30;
  server.set("/drip", r);
  Client client(server.port());
  const auto start = Clock::now();
  EXPECT_EQ(client.get("/drip").body.size(), 4096u);
  EXPECT_GE(ms_since(start), 120);
  EXPECT_EQ(client.get("/drip").status, 200);  // still keep-alive
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST(HttpServer, CountsPeakConcurrentRequests) {
  HttpServer server;
  Response r = Response::ok("x");
  r.latency_ms = 300;
  server.set("/wait", r);
  std::vector<int> statuses(4);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] { statuses[i] = Client(server.port()).get("/wait").status; });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LT(ms_since(start), 900);  // served in parallel, not 4 x 300 ms
  EXPECT_EQ(statuses, std::vector<int>(4, 200));
  EXPECT_EQ(server.max_concurrent_requests(), 4);
  EXPECT_EQ(server.connections_accepted(), 4);
}

TEST(HttpServer, ClosesConnectionsOverTheCap) {
  HttpServer server(HttpServerOptions{.max_connections = 2});
  server.set("/a", Response::ok("A"));
  Client first(server.port()), second(server.port());
  EXPECT_EQ(first.get("/a").status, 200);
  EXPECT_EQ(second.get("/a").status, 200);
  Client third(server.port());
  Reply refused = third.get("/a");
  EXPECT_EQ(refused.status, 0);
  EXPECT_TRUE(refused.closed || refused.reset);
  EXPECT_EQ(server.connections_accepted(), 2);
  second.close();  // frees a slot once the server sees the hang-up
  for (int i = 0; i < 200 && server.open_connections() > 1; ++i) std::this_thread::sleep_for(10ms);
  Client fourth(server.port());
  EXPECT_EQ(fourth.get("/a").status, 200);
}

}  // namespace
}  // namespace thumbflow::test
