// A child process running in the background (a worker, a redis-server) that a test can signal,
// poll and wait for with a time limit; unlike BackgroundProcess (pipes, line by line) its output
// goes to files, so a long-running child never blocks on a full pipe.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace thumbflow::test {

class LoggedProcess {
 public:
  // Starts argv[0] (no shell) with stdin from /dev/null; output to `log_stem`.out / .err.
  LoggedProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_stem);
  // Kills it (SIGKILL) if it is still running.
  ~LoggedProcess();
  LoggedProcess(const LoggedProcess&) = delete;
  LoggedProcess& operator=(const LoggedProcess&) = delete;

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
