#include "redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace thumbflow::test {
namespace {

constexpr double kStartTimeoutS = 10;

// True when something on the port answers PING with PONG (a server still loading its AOF answers
// -LOADING, which is not ready yet).
bool answers_ping(int port, const std::string& password) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = (password.empty() ? "" : "AUTH " + password + "\r\n") + "PING\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      std::string reply;
      char buf[256];
      for (int i = 0; i < 4 && reply.find("PONG") == std::string::npos; ++i) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
      }
      ok = reply.find("+PONG") != std::string::npos;
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

int RedisServer::free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("cannot find a free port");
  ::close(fd);
  return ntohs(addr.sin_port);
}

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  // Another process may take the port between free_port() and the server's bind: try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    try {
      start();
      return;
    } catch (const std::runtime_error&) {
      if (attempt == 2) throw;
    }
  }
}

RedisServer::~RedisServer() {
  if (process_) stop();
}

std::string RedisServer::url() const {
  return "redis://" + (options_.password.empty() ? "" : ":" + options_.password + "@") +
         "127.0.0.1:" + std::to_string(port_);
}

void RedisServer::start() {
  std::vector<std::string> argv = {"redis-server",
                                   "--bind",
                                   "127.0.0.1",
                                   "--port",
                                   std::to_string(port_),
                                   "--dir",
                                   dir_.path().string(),
                                   "--save",
                                   "",
                                   "--appendonly",
                                   options_.append_only ? "yes" : "no",
                                   "--daemonize",
                                   "no"};
  if (!options_.password.empty()) argv.insert(argv.end(), {"--requirepass", options_.password});
  process_ = std::make_unique<LoggedProcess>(argv, dir_ / "redis");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kStartTimeoutS);
  while (!answers_ping(port_, options_.password)) {
    if (!process_->running() || std::chrono::steady_clock::now() >= deadline) {
      const std::string log = process_->out() + process_->err();
      process_.reset();
      throw std::runtime_error("redis-server did not start on port " + std::to_string(port_) + ": " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void RedisServer::stop() {
  process_->signal(SIGTERM);
  process_->wait(kStartTimeoutS);
  process_.reset();
}

std::string RedisServer::cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", std::to_string(port_)};
  if (!options_.password.empty()) argv.insert(argv.end(), {"--no-auth-warning", "-a", options_.password});
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, 10).out;
}

}  // namespace thumbflow::test
