#include "http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <system_error>

namespace thumbflow::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kMaxHeadBytes = 64 * 1024;
constexpr std::size_t kMaxBodyBytes = 8 << 20;
constexpr std::size_t kEndlessChunk = 64 * 1024;
constexpr std::uint64_t kEndlessCap = std::uint64_t{1} << 30;
constexpr milliseconds kRequestTimeout{10000};  // for the rest of a request once its first byte came
constexpr milliseconds kSendTimeout{60000};     // for one whole response, even to a slow reader
constexpr milliseconds kFaultTimeout{60000};    // NeverRespond and EndlessBody
constexpr milliseconds kDrainTimeout{1000};     // reading what is left before closing after an error
constexpr int kMaxRequestsPerConnection = 100000;

enum class Wait { Ready, Timeout, Stopped };

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
}

// Waits for `events` on fd (fd < 0: only for the deadline) and for the stop signal on `wake`,
// whichever comes first. A poll() failure other than EINTR counts as a stop: the caller gives up.
Wait wait_for(int fd, short events, int wake, Clock::time_point deadline) {
  for (;;) {
    pollfd fds[2] = {{wake, POLLIN, 0}, {fd, events, 0}};
    const int n = ::poll(fds, 2, ms_left(deadline));
    if ((n < 0 && errno != EINTR) || fds[0].revents != 0) return Wait::Stopped;
    if (n > 0 && fds[1].revents != 0) return Wait::Ready;
    if (Clock::now() >= deadline) return Wait::Timeout;
  }
}

// Sleeps for `ms`; false when the server stops meanwhile.
bool pause(int wake, int ms) {
  return wait_for(-1, 0, wake, Clock::now() + milliseconds(ms)) == Wait::Timeout;
}

bool send_all(int fd, int wake, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (wait_for(fd, POLLOUT, wake, deadline) != Wait::Ready) return false;
    } else {
      return false;
    }
  }
  return true;
}

// Appends what arrives next; false when the peer closed or failed, at the deadline, or at stop.
bool recv_more(int fd, int wake, std::string& buf, Clock::time_point deadline) {
  for (;;) {
    if (wait_for(fd, POLLIN, wake, deadline) != Wait::Ready) return false;
    char chunk[16384];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      buf.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) return false;
  }
}

// Reads and discards until the peer closes, `limit` passes, `max_bytes` came, or stop.
void drain(int fd, int wake, milliseconds limit, std::size_t max_bytes) {
  const auto deadline = Clock::now() + limit;
  std::string sink;
  for (std::size_t total = 0; total < max_bytes && recv_more(fd, wake, sink, deadline); sink.clear()) {
    total += sink.size();
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Any phrase is valid (RFC 9112 4); clients only read the code.
std::string reason(int status) {
  static constexpr std::string_view kTable =
      "100 Continue|200 OK|204 No Content|206 Partial Content|301 Moved Permanently|302 Found|303 See Other|"
      "304 Not Modified|307 Temporary Redirect|308 Permanent Redirect|400 Bad Request|401 Unauthorized|"
      "403 Forbidden|404 Not Found|408 Request Timeout|413 Content Too Large|429 Too Many Requests|"
      "431 Request Header Fields Too Large|500 Internal Server Error|501 Not Implemented|502 Bad Gateway|"
      "503 Service Unavailable|504 Gateway Timeout|";
  const std::size_t at = kTable.find(std::to_string(status) + " ");
  if (at == std::string_view::npos || (at > 0 && kTable[at - 1] != '|')) return "Status";
  return std::string(kTable.substr(at + 4, kTable.find('|', at) - at - 4));
}

// Parses the head without its final blank line; false when malformed.
bool parse_head(std::string_view head, Request& r) {
  std::size_t eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  const std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  r.method = line.substr(0, sp1);
  r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  r.version = line.substr(sp2 + 1);
  if (r.method.empty() || !r.version.starts_with("HTTP/1.")) return false;
  std::string_view target = r.target;
  if (target.starts_with("http://")) {  // absolute form, as sent to proxies
    const std::size_t slash = target.find('/', 7);
    target = slash == std::string_view::npos ? "/" : target.substr(slash);
  }
  const std::size_t q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  if (!r.path.starts_with('/')) return false;
  while (eol != std::string_view::npos) {
    const std::size_t start = eol + 2;
    eol = head.find("\r\n", start);
    const std::string_view field = head.substr(start, eol == std::string_view::npos ? eol : eol - start);
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const std::string value(trim(field.substr(colon + 1)));
    auto [it, fresh] = r.headers.emplace(lower(field.substr(0, colon)), value);
    if (!fresh) it->second += ", " + value;
  }
  return true;
}

// Reads one request into `r`, keeping any pipelined bytes in `buf`. Returns 0 for a request, -1
// when the peer left, went idle or the server stops, else the error status to answer before closing.
int read_request(int fd, int wake, std::string& buf, Request& r, milliseconds idle) {
  auto deadline = Clock::now() + (buf.empty() ? idle : kRequestTimeout);
  bool started = !buf.empty();
  std::size_t end = 0;
  for (;;) {
    while (buf.starts_with("\r\n")) buf.erase(0, 2);  // tolerated between requests (RFC 9112 2.2)
    if ((end = buf.find("\r\n\r\n")) != std::string::npos) break;
    if (buf.size() > kMaxHeadBytes) return 431;
    if (!recv_more(fd, wake, buf, deadline)) return -1;
    if (!started) {
      deadline = Clock::now() + kRequestTimeout;
      started = true;
    }
  }
  if (end > kMaxHeadBytes) return 431;
  if (!parse_head(std::string_view(buf).substr(0, end), r)) return 400;
  buf.erase(0, end + 4);
  if (!r.header("transfer-encoding").empty()) return 501;  // chunked uploads: not needed by any test
  const std::string length_text = r.header("content-length");
  if (length_text.empty()) return 0;
  std::size_t length = 0;
  const auto [ptr, ec] = std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (ec != std::errc() || ptr != length_text.data() + length_text.size()) return 400;
  if (length > kMaxBodyBytes) return 413;
  if (buf.size() < length && lower(r.header("expect")) == "100-continue" &&
      !send_all(fd, wake, "HTTP/1.1 100 Continue\r\n\r\n", deadline)) {
    return -1;
  }
  while (buf.size() < length) {
    if (!recv_more(fd, wake, buf, deadline)) return -1;
  }
  r.body = buf.substr(0, length);
  buf.erase(0, length);
  return 0;
}

bool wants_keep_alive(const Request& r) {
  const std::string connection = lower(r.header("connection"));
  if (r.version == "HTTP/1.0") return connection.find("keep-alive") != std::string::npos;
  return connection.find("close") == std::string::npos;
}

// Answers a request that could not be read, then reads what the client still sends (so that
// closing does not reset the connection before the client saw the answer).
void send_error(int fd, int wake, int status) {
  const std::string body = std::string(reason(status)) + "\n";
  const std::string text = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
                           "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nConnection: close\r\n\r\n" + body;
  if (!send_all(fd, wake, text, Clock::now() + kDrainTimeout)) return;
  ::shutdown(fd, SHUT_WR);
  drain(fd, wake, kDrainTimeout, std::size_t{1} << 20);
}

// Waits (bounded) until the kernel sent everything queued, so an RST does not discard the bytes.
void wait_until_sent(int fd, int wake) {
  for (int tick = 0; tick < 100; ++tick) {
    int queued = 0;
    if (::ioctl(fd, SIOCOUTQ, &queued) != 0 || queued == 0 || !pause(wake, 5)) return;
  }
}

}  // namespace

std::string Request::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

Response Response::ok(std::string body, std::string content_type) {
  Response r;
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Response Response::redirect(int status, std::string location) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

HttpServer::HttpServer(HttpServerOptions options) : options_(options) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe2");
  wake_rd_ = fds[0];
  wake_wr_ = fds[1];
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0 || ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr) != 1 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, SOMAXCONN) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int error = errno;
    stop();
    throw std::system_error(error, std::generic_category(), "HttpServer: listening on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  const char byte = 1;
  if (wake_wr_ >= 0 && ::write(wake_wr_, &byte, 1) != 1) std::terminate();  // threads would never end
  if (acceptor_.joinable()) acceptor_.join();
  std::list<Worker> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);  // iterators stay valid: workers still mark their own node done
  }
  for (Worker& w : workers) w.thread.join();
  for (int* fd : {&listen_fd_, &wake_rd_, &wake_wr_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

std::string HttpServer::url(std::string_view path) const {
  std::string u = "http://127.0.0.1:" + std::to_string(port_);
  if (!path.starts_with('/')) u += '/';
  return u.append(path);
}

void HttpServer::set(std::string path, Response response) {
  set_sequence(std::move(path), std::vector<Response>{std::move(response)});
}

void HttpServer::set_sequence(std::string path, std::vector<Response> responses) {
  if (responses.empty()) throw std::invalid_argument("HttpServer::set_sequence: no responses");
  std::lock_guard lock(mu_);
  routes_[std::move(path)] = Route{std::move(responses), 0};
}

void HttpServer::set_handler(std::string prefix, Handler handler) {
  std::lock_guard lock(mu_);
  for (auto& [p, h] : handlers_) {
    if (p == prefix) {
      h = std::move(handler);
      return;
    }
  }
  handlers_.emplace_back(std::move(prefix), std::move(handler));
}

int HttpServer::request_count(std::string_view path) const {
  std::lock_guard lock(mu_);
  const auto it = logs_.find(path);
  return it == logs_.end() ? 0 : it->second.count;
}

Request HttpServer::last_request(std::string_view path) const {
  std::lock_guard lock(mu_);
  const auto it = logs_.find(path);
  return it == logs_.end() ? Request{} : it->second.last;
}

int HttpServer::total_requests() const { return locked(total_); }

int HttpServer::connections_accepted() const { return locked(accepted_); }

int HttpServer::max_concurrent_requests() const { return locked(peak_); }

int HttpServer::open_connections() const { return locked(open_); }

void HttpServer::reset_stats() {
  std::lock_guard lock(mu_);
  logs_.clear();
  accepted_ = total_ = 0;
  peak_ = active_;
}

bool HttpServer::wait_for_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [this] { return open_ == 0; });
}

void HttpServer::accept_loop() {
  for (;;) {
    reap_workers();
    const Wait w = wait_for(listen_fd_, POLLIN, wake_rd_, Clock::now() + milliseconds(1000));
    if (w == Wait::Stopped) return;
    if (w == Wait::Timeout) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors or memory: the socket stays readable, so back off instead of spinning.
      if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) &&
          !pause(wake_rd_, 50)) {
        return;
      }
      continue;
    }
    const int one = 1;  // responses go out in several send()s; Nagle would hold the last behind an ACK
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    if (open_ >= options_.max_connections) {
      ::close(fd);
      continue;
    }
    const int id = ++next_connection_;
    ++open_;
    ++accepted_;
    Worker& worker = workers_.emplace_back();
    try {
      // Created under mu_, so the worker cannot mark itself done before it is listed.
      worker.thread = std::thread([this, fd, id, &worker] {
        serve(fd, id);
        std::lock_guard done_lock(mu_);
        worker.done = true;
        --open_;
        idle_cv_.notify_all();
      });
    } catch (const std::system_error&) {
      workers_.pop_back();
      --open_;
      --accepted_;
      ::close(fd);
    }
  }
}

void HttpServer::reap_workers() {
  std::list<Worker> finished;
  {
    std::lock_guard lock(mu_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      const auto next = std::next(it);
      if (it->done) finished.splice(finished.end(), workers_, it);
      it = next;
    }
  }
  for (Worker& w : finished) w.thread.join();
}

void HttpServer::serve(int fd, int connection) {
  std::string buf;
  for (int n = 0; n < kMaxRequestsPerConnection; ++n) {
    Request request;
    const int error = read_request(fd, wake_rd_, buf, request, milliseconds(options_.keep_alive_idle_ms));
    if (error > 0) send_error(fd, wake_rd_, error);
    if (error != 0) break;
    request.connection = connection;
    begin_request(request);
    const Response response = route(request);
    const bool keep_alive = send_response(fd, request, response);
    end_request();
    if (!keep_alive) break;
  }
  ::close(fd);
}

void HttpServer::begin_request(const Request& request) {
  std::lock_guard lock(mu_);
  PathLog& log = logs_[request.path];
  ++log.count;
  log.last = request;
  ++total_;
  peak_ = std::max(peak_, ++active_);
}

void HttpServer::end_request() {
  std::lock_guard lock(mu_);
  --active_;
}

Response HttpServer::route(const Request& request) {
  Handler handler;
  {
    std::lock_guard lock(mu_);
    if (const auto it = routes_.find(request.path); it != routes_.end()) {
      Route& r = it->second;
      return r.sequence[std::min(r.served++, r.sequence.size() - 1)];
    }
    std::size_t best = 0;
    for (const auto& [prefix, h] : handlers_) {
      if (request.path.starts_with(prefix) && (!handler || prefix.size() > best)) {
        handler = h;
        best = prefix.size();
      }
    }
  }
  Response r;
  if (handler) {
    try {
      return handler(request);
    } catch (const std::exception& e) {
      r.body = e.what();
    } catch (...) {
      r.body = "unknown exception";
    }
    r.status = 500;
    return r;
  }
  r.status = 404;
  r.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
  r.body =
      "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not "
      "Found</h1></body></html>\n";
  return r;
}

bool HttpServer::send_response(int fd, const Request& request, const Response& response) {
  if (response.latency_ms > 0 && !pause(wake_rd_, response.latency_ms)) return false;
  const Fault fault = response.fault;
  if (fault == Fault::CloseBeforeResponse) return false;
  if (fault == Fault::NeverRespond) {
    drain(fd, wake_rd_, kFaultTimeout, std::size_t{64} << 20);
    return false;
  }
  const std::string& body = response.body;
  const bool head_only = request.method == "HEAD";
  std::string given_length;
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
  for (const auto& [name, value] : response.headers) {
    if (lower(name) == "content-length") given_length = value;
    head += name + ": " + value + "\r\n";
  }
  const bool keep_alive = wants_keep_alive(request) && (fault == Fault::None || fault == Fault::SlowBody) &&
                          (given_length.empty() || given_length == std::to_string(body.size()));
  if (fault == Fault::EndlessBody) {
    head += "Transfer-Encoding: chunked\r\n";
  } else if (given_length.empty()) {
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (!keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
  const auto deadline = Clock::now() + kSendTimeout;
  if (head_only) return send_all(fd, wake_rd_, head, deadline) && keep_alive;

  switch (fault) {
    case Fault::ResetMidBody: {
      if (!send_all(fd, wake_rd_, head + body.substr(0, body.size() / 2), deadline)) return false;
      wait_until_sent(fd, wake_rd_);
      const linger reset{1, 0};  // close() then sends RST instead of FIN
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      return false;
    }
    case Fault::EndlessBody: {
      std::string data(kEndlessChunk, 'x');
      for (std::size_t i = 0; i < data.size() && !body.empty(); ++i) data[i] = body[i % body.size()];
      char size_hex[32];
      const auto [end, ec] = std::to_chars(size_hex, size_hex + sizeof size_hex, data.size(), 16);
      const std::string chunk = std::string(size_hex, end) + "\r\n" + data + "\r\n";
      const auto stop_at = Clock::now() + kFaultTimeout;
      if (!send_all(fd, wake_rd_, head, stop_at)) return false;
      for (std::uint64_t sent = 0; sent < kEndlessCap && send_all(fd, wake_rd_, chunk, stop_at);)
        sent += data.size();
      return false;
    }
    case Fault::SlowBody: {
      if (!send_all(fd, wake_rd_, head, deadline)) return false;
      const std::size_t step = std::max<std::size_t>(response.bytes_per_tick, 1);
      for (std::size_t at = 0; at < body.size(); at += step) {
        if (!pause(wake_rd_, response.tick_ms) || !send_all(fd, wake_rd_, body.substr(at, step), deadline)) {
          return false;
        }
      }
      return keep_alive;
    }
    default:
      return send_all(fd, wake_rd_, head + body, deadline) && keep_alive;
  }
}

}  // namespace thumbflow::test
