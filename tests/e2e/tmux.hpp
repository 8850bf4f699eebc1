// A tmux server of the test's own (-L), without the user's configuration, killed at the end: to run
// thumbflow in a real terminal of a fixed size and capture its screen. Captures join wrapped lines
// (-J), so a long line is one line as printed. Header-only (tests/CMakeLists.txt compiles only
// tests/e2e/*_test.cpp).
#pragma once

#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace thumbflow::e2e {

class Tmux {
 public:
  explicit Tmux(std::string program) : program_(std::move(program)) {}
  ~Tmux() { run({"kill-server"}); }
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;
  CommandResult run(std::vector<std::string> args) const {
    std::vector<std::string> argv = {program_, "-L", socket_, "-f", "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_command(argv, 10);
  }
  std::string capture() const { return run({"capture-pane", "-p", "-J", "-t", "tf"}).out; }

 private:
  std::string program_;
  // One server per instance: a test that starts a second one right after killing the first would
  // otherwise race the old server's exit on the same socket ("server exited unexpectedly").
  static inline std::atomic<int> instances_{0};
  std::string socket_ = "thumbflow-test-" + std::to_string(::getpid()) + "-" + std::to_string(instances_++);
};

}  // namespace thumbflow::e2e
