// A small, real HTTP/1.1 server on 127.0.0.1 for tests of the downloader and the gallery client:
// canned responses per path, response sequences, dynamic handlers, latency and faults (stalls,
// resets, endless and slow bodies), and counters to check connection reuse and concurrency limits.
// POSIX sockets, one thread per connection. Every wait is bounded and wakes at once when the
// server stops, so a test that forgets a stalled client still ends quickly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace thumbflow::test {

enum class Fault {
  None,
  NeverRespond,         // read the request, then send nothing until the client closes or the
                        // server stops (at most 60 s)
  ResetMidBody,         // headers with the full Content-Length, half the body, then RST (SO_LINGER 0)
  EndlessBody,          // chunked body that never ends, until the client goes away (caps: 1 GiB, 60 s);
                        // its bytes repeat `body` (or are 'x' when empty)
  SlowBody,             // the body in pieces of `bytes_per_tick`, one every `tick_ms`
  CloseBeforeResponse,  // close (FIN) right after reading the request
};

// Fields stay in this order: tests aggregate-initialise Response{status, headers, body}.
struct Response {
  int status = 200;
  // Sent as given, in order. Content-Length is added unless given here; a given Content-Length
  // that differs from body.size() is sent as is (a truncated body) and the connection closes.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;    // bytes; not sent for HEAD requests
  int latency_ms = 0;  // delay before anything is sent, with every fault too
  Fault fault = Fault::None;
  std::size_t bytes_per_tick = 1024;  // SlowBody
  int tick_ms = 10;                   // SlowBody

  static Response ok(std::string body, std::string content_type = "application/octet-stream");
  // 301/302/303/307/308 with a Location header; the test picks where it points.
  static Response redirect(int status, std::string location);
};

struct Request {
  std::string method;                          // as sent: GET, HEAD (others are routed too)
  std::string target;                          // as sent: path plus "?query"
  std::string path;                            // target without the query
  std::string query;                           // after '?', not decoded; "" when absent
  std::string version;                         // "HTTP/1.1" or "HTTP/1.0"
  std::map<std::string, std::string> headers;  // names lower-cased; repeats joined with ", "
  std::string body;                            // from Content-Length (at most 8 MiB)
  int connection = 0;                          // 1-based number of the connection it came on

  std::string header(const std::string& lower_name) const;  // "" when absent
};

using Handler = std::function<Response(const Request&)>;

struct HttpServerOptions {
  int max_connections = 256;      // more are accepted and closed at once (not counted as accepted)
  int keep_alive_idle_ms = 5000;  // an idle persistent connection is closed after this
};

// Routing: an exact path set with set()/set_sequence() first, then the handler with the longest
// matching prefix, else 404 with a small HTML body. Routes may change while clients are served.
class HttpServer {
 public:
  // Binds 127.0.0.1 on an ephemeral port and starts accepting; throws std::system_error.
  explicit HttpServer(HttpServerOptions options = {});
  // Stops: wakes every waiting connection, closes them, joins all threads. Returns promptly unless a
  // handler blocks.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  std::string url(std::string_view path) const;  // "http://127.0.0.1:PORT/path"

  void set(std::string path, Response response);
  // The n-th request to `path` gets responses[n] (counting from this call); the last one repeats.
  // Throws std::invalid_argument when empty.
  void set_sequence(std::string path, std::vector<Response> responses);
  // For paths starting with `prefix`. Runs on the connection's thread without the server's lock,
  // so possibly on several connections at once; an exception becomes a 500 with what() as the body.
  // A handler that blocks delays stop().
  void set_handler(std::string prefix, Handler handler);

  // Counters count requests whose head was read completely (also those answered with a fault).
  int request_count(std::string_view path) const;  // path without query
  int total_requests() const;
  int connections_accepted() const;
  int max_concurrent_requests() const;  // peak of requests between "read" and "response done"
  int open_connections() const;
  Request last_request(std::string_view path) const;  // empty Request when none
  void reset_stats();                                 // counters and logs; routes stay

  // Waits until no connection is open (e.g. after a client hung up on an endless body).
  bool wait_for_idle(std::chrono::milliseconds timeout) const;
  void stop();  // idempotent; what the destructor does

 private:
  struct Route {
    std::vector<Response> sequence;
    std::size_t served = 0;
  };
  struct PathLog {
    int count = 0;
    Request last;
  };
  struct Worker {
    std::thread thread;
    bool done = false;  // guarded by mu_
  };

  template <class T>
  T locked(const T& field) const {
    std::lock_guard lock(mu_);
    return field;
  }
  void accept_loop();
  void reap_workers();
  void serve(int fd, int connection);
  Response route(const Request& request);
  bool send_response(int fd, const Request& request, const Response& response);  // true: keep alive
  void begin_request(const Request& request);
  void end_request();

  HttpServerOptions options_;
  int listen_fd_ = -1;
  int wake_rd_ = -1;  // a byte written to wake_wr_ at stop keeps this readable for every poll()
  int wake_wr_ = -1;
  int port_ = 0;
  std::thread acceptor_;

  mutable std::mutex mu_;
  mutable std::condition_variable idle_cv_;
  std::map<std::string, Route, std::less<>> routes_;
  std::vector<std::pair<std::string, Handler>> handlers_;
  std::map<std::string, PathLog, std::less<>> logs_;
  std::list<Worker> workers_;
  int open_ = 0, accepted_ = 0, total_ = 0, active_ = 0, peak_ = 0;
  int next_connection_ = 0;  // not reset by reset_stats(), so Request::connection stays unique
  bool stopped_ = false;
};

}  // namespace thumbflow::test
