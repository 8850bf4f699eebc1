// A throw-away redis-server for tests: 127.0.0.1, a free port, its own data folder, optionally
// a password and AOF; stopped (and its folder removed) when the object goes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "logged_process.hpp"
#include "test_support.hpp"

namespace thumbflow::test {

struct RedisServerOptions {
  bool append_only = false;  // AOF on (appendfsync everysec), so data survives a restart
  std::string password;      // requirepass, "" = none
};

class RedisServer {
 public:
  // Starts and waits (at most 10 s) until it answers. Throws std::runtime_error.
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();

  int port() const { return port_; }
  // redis://127.0.0.1:PORT (with the password when there is one).
  std::string url() const;
  // Shuts it down cleanly (SIGTERM: AOF flushed), waiting at most 10 s.
  void stop();
  // Starts it again on the same port and folder; waits until it has loaded its data.
  void start();
  // Runs redis-cli with these arguments; returns its stdout (one reply per line).
  std::string cli(const std::vector<std::string>& args) const;

  // A TCP port on 127.0.0.1 nobody listens on right now.
  static int free_port();

 private:
  RedisServerOptions options_;
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<LoggedProcess> process_;
};

}  // namespace thumbflow::test
