// A child process that runs while the test talks to it (e.g. `thumbflow serve-gallery`): its
// standard output read line by line, signals, and an exit status, every wait bounded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace thumbflow::test {

class BackgroundProcess {
 public:
  // Starts argv[0] with the arguments (no shell), stdin from /dev/null, stdout and stderr piped.
  // Throws std::runtime_error when it cannot.
  explicit BackgroundProcess(const std::vector<std::string>& argv);
  // Kills (SIGKILL) and reaps the child if it still runs.
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // The next line of standard output without its '\n'; nullopt at end of output or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  void send_signal(int signal);
  // The exit status (128 + signal number when a signal ended it), or nullopt if the child still
  // runs after `timeout` (it is then left running; the destructor kills it).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // What the child wrote to stderr so far (read while waiting or reading lines).
  const std::string& err() const { return err_; }

 private:
  // Reads what is available on both pipes for at most `timeout`; false when both are closed.
  bool pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  std::optional<int> status_;
};

}  // namespace thumbflow::test
