// A child process running in the background (a worker, a server) that a test can signal and
// wait for with a time limit. Its stdout and stderr go to files, readable at any time.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace thumbflow::test {

class BackgroundProcess {
 public:
  // Starts argv[0] (no shell) with stdin from /dev/null; output to `log_stem`.out / .err.
  BackgroundProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_stem);
  // Kills it (SIGKILL) if it is still running.
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // Waits at most timeout_s; returns the exit code (128 + signal if killed by one), or -1 after
  // killing it when it did not end in time.
  int wait(double timeout_s);
  bool running();
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  bool reaped_ = false;
  std::filesystem::path out_, err_;
};

}  // namespace thumbflow::test
