#include "background_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <thread>

#include "test_support.hpp"

namespace thumbflow::test {

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]), ::close(out_pipe[1]);
    throw std::runtime_error("pipe failed");
  }
  pid_ = ::fork();
  if (pid_ == 0) exec_child(argv, "/dev/null", out_pipe[1], err_pipe[1]);  // dup2 clears O_CLOEXEC
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (pid_ < 0) {
    ::close(out_fd_), ::close(err_fd_);
    throw std::runtime_error("fork failed");
  }
}

BackgroundProcess::~BackgroundProcess() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool BackgroundProcess::pump(std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return false;
  if (::poll(fds, 2, static_cast<int>(timeout.count())) <= 0) return true;
  for (pollfd& f : fds) {
    if (f.fd < 0 || !(f.revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buffer[4096];
    const ssize_t n = ::read(f.fd, buffer, sizeof buffer);
    int& fd = f.fd == out_fd_ ? out_fd_ : err_fd_;
    if (n > 0) {
      (fd == out_fd_ ? out_ : err_).append(buffer, static_cast<std::size_t>(n));
    } else {
      ::close(fd);
      fd = -1;
    }
  }
  return true;
}

std::optional<std::string> BackgroundProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::size_t newline = out_.find('\n');
    if (newline != std::string::npos) {
      std::string line = out_.substr(0, newline);
      out_.erase(0, newline + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || out_fd_ < 0) return std::nullopt;
    pump(std::min(left, std::chrono::milliseconds(50)));
  }
}

void BackgroundProcess::send_signal(int signal) {
  if (!status_) ::kill(pid_, signal);
}

std::optional<int> BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!status_) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    if (!pump(std::chrono::milliseconds(20))) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // What it wrote last (bounded: a grandchild may hold the pipes open).
  for (int i = 0; i < 1000 && (out_fd_ >= 0 || err_fd_ >= 0); ++i) pump(std::chrono::milliseconds(0));
  return status_;
}

}  // namespace thumbflow::test
