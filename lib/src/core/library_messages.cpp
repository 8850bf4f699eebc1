#include "core/library_messages.hpp"

#include <fcntl.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <streambuf>
#include <utility>

#include "thumbflow/pipeline.hpp"

namespace thumbflow {
namespace {

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report a failing stderr
    data += n;
    size -= std::size_t(n);
  }
}

// Set while this thread runs a library call under capture_stderr_of: what it writes to std::cerr
// is then the library's (OpenCV prints its imdecode failures and its log lines there).
thread_local bool t_in_library_call = false;

// std::cerr's new target: the terminal's stderr, duplicated before fd 2 could be a pipe, except on
// a thread inside a library call, where it is the capture's pipe, as for what goes to fd 2.
class FdBuffer : public std::streambuf {
 public:
  void set_fds(int terminal, int capture) {
    fd_ = terminal;
    capture_fd_ = capture;
  }

 protected:
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    write_all(target(), &ch, 1);
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    write_all(target(), s, std::size_t(n));
    return n;
  }

 private:
  int target() const { return t_in_library_call && capture_fd_ >= 0 ? capture_fd_ : fd_; }
  int fd_ = 2;
  int capture_fd_ = -1;
};

// A line read while several calls ran: it is one of theirs.
struct SharedLine {
  std::string text;
  std::vector<std::vector<std::string>*> candidates;  // those still running
  std::size_t running_when_read = 0;
};

struct Capture {
  int terminal = -1;                               // the original fd 2
  int read_end = -1;                               // non-blocking
  int write_end = -1;                              // non-blocking: a flood is cut, never blocks the library
  std::mutex mutex;                                // guards everything below and the switching of fd 2
  std::vector<std::vector<std::string>*> running;  // the lines of each call running now
  std::vector<SharedLine> shared;                  // lines not yet pinned on one call
  std::string partial;                             // a line read without its end yet
  FdBuffer cerr_buffer;
};

std::atomic<Capture*> g_capture{nullptr};

void trim_end(std::string& line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
}

// Empties the pipe: a complete line (and, when `whole`, the unfinished one) goes to the call
// running now, or waits in c.shared when several run. Holds c.mutex.
void distribute(Capture& c, bool whole) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(c.read_end, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    c.partial.append(buffer, std::size_t(n));
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t end = c.partial.find('\n', start);
    if (end == std::string::npos) {
      if (!whole || start >= c.partial.size()) break;
      end = c.partial.size();
    }
    std::string line = c.partial.substr(start, end - start);
    start = end + 1;
    trim_end(line);
    if (line.empty()) continue;
    if (c.running.size() == 1) {
      c.running.front()->push_back(std::move(line));
    } else if (c.running.empty()) {  // not expected: fd 2 is a pipe only while a call runs
      const std::string text = "thumbflow: a library printed: " + line + "\n";
      write_all(c.terminal, text.data(), text.size());
    } else {
      c.shared.push_back({std::move(line), c.running, c.running.size()});
    }
  }
  c.partial.erase(0, std::min(start, c.partial.size()));
}

// The call owning `lines` ends. A failed call claims the shared lines it may have printed (a
// library complains most about the input it fails on); a successful one leaves them to the
// others, and the last candidate to end takes what nobody claimed, marked as uncertain.
void settle_shared(Capture& c, std::vector<std::string>* lines, bool failed) {
  auto keep = c.shared.begin();
  for (auto it = c.shared.begin(); it != c.shared.end(); ++it) {
    auto& candidates = it->candidates;
    const auto self = std::find(candidates.begin(), candidates.end(), lines);
    if (self == candidates.end()) {
      if (keep != it) *keep = std::move(*it);
      ++keep;
      continue;
    }
    if (failed) {
      lines->push_back(std::move(it->text));
    } else if (candidates.size() == 1) {
      lines->push_back(it->text + " (printed while " + std::to_string(it->running_when_read) +
                       " items were decoding)");
    } else {
      candidates.erase(self);
      if (keep != it) *keep = std::move(*it);
      ++keep;
    }
  }
  c.shared.erase(keep, c.shared.end());
}

}  // namespace

void capture_library_messages() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto* c = new Capture;  // lives as long as the process: fd 2 may be switched at any later time
    int ends[2];
    c->terminal = ::fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (c->terminal < 0 || ::pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0) {
      delete c;  // stderr stays as it is: library messages then reach it raw, as before
      return;
    }
    c->read_end = ends[0];
    c->write_end = ends[1];
    (void)::fcntl(c->write_end, F_SETPIPE_SZ, 1 << 20);  // best effort: 64 KiB otherwise
    std::cerr.flush();
    c->cerr_buffer.set_fds(c->terminal, c->write_end);
    std::cerr.rdbuf(&c->cerr_buffer);
    std::clog.rdbuf(&c->cerr_buffer);
    g_capture.store(c);
  });
}

namespace detail {

void capture_stderr_of(const std::function<void()>& call, std::vector<std::string>& lines) {
  Capture* c = g_capture.load();
  if (c == nullptr) {
    call();
    return;
  }
  {
    const std::lock_guard lock(c->mutex);
    if (c->running.empty()) {
      std::fflush(stderr);
      ::dup2(c->write_end, 2);
    } else {
      distribute(*c, false);  // what is waiting was printed before this call began
    }
    c->running.push_back(&lines);
  }
  const auto leave = [c, &lines](bool failed) {
    const std::lock_guard lock(c->mutex);
    std::fflush(stderr);
    distribute(*c, true);
    settle_shared(*c, &lines, failed);
    c->running.erase(std::find(c->running.begin(), c->running.end(), &lines));
    if (c->running.empty()) ::dup2(c->terminal, 2);
  };
  const bool outer = std::exchange(t_in_library_call, true);
  try {
    // Isolated: a library that waits inside TBB (OpenCV's parallel_for_) must not run other tasks
    // of the batch on this thread meanwhile, whose own lines would then look like the library's.
    tbb::this_task_arena::isolate([&] { call(); });
  } catch (...) {
    t_in_library_call = outer;
    leave(true);
    throw;
  }
  t_in_library_call = outer;
  leave(false);
}

}  // namespace detail
}  // namespace thumbflow
