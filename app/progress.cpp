#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "human.hpp"
#include "thumbflow/printable.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::cli {
namespace {

std::string fixed(double value, const char* format) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string duration(double seconds) {
  const long s = std::lround(seconds);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + fixed(double(s % 60), "%02.0f") + "s";
  return std::to_string(s / 3600) + "h" + fixed(double(s % 3600 / 60), "%02.0f") + "m";
}

}  // namespace

std::string progress_text(const ProgressCounts& c, double elapsed_s) {
  std::string t = std::to_string(c.finished()) + "/" + std::to_string(c.total);
  if (!c.total_final)
    t += "+ (more coming)";
  else if (c.total > 0)
    t += " " + std::to_string(c.finished() * 100 / c.total) + "%";
  if (c.failed) t += " | " + std::to_string(c.failed) + " failed";
  const std::size_t worked = c.done + c.failed;
  const double rate = elapsed_s > 0 ? double(worked) / elapsed_s : 0;
  if (worked > 0) t += " | " + fixed(rate, rate < 10 ? "%.1f" : "%.0f") + " img/s";
  if (c.total_final && elapsed_s >= 1 && rate > 0 && c.finished() < c.total)
    t += " | ETA " + duration(double(c.total - c.finished()) / rate);
  if (c.bytes_downloaded) t += " | " + human_bytes(c.bytes_downloaded) + " downloaded";
  return t;
}

Progress::Progress(Mode mode, std::function<void(std::string_view)> write, std::function<int()> columns,
                   Clock::time_point start)
    : mode_(mode), write_(std::move(write)), columns_(std::move(columns)), start_(start), last_draw_(start) {}

Progress::~Progress() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void Progress::set_total(std::size_t total, bool final, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  changed_ |= total != counts_.total || final != counts_.total_final;
  counts_.total = total;
  counts_.total_final = final;
  maybe_draw_locked(now);
}

void Progress::add(const ItemResult& r, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  switch (r.status) {
    case ItemStatus::Done:
      ++counts_.done;
      break;
    case ItemStatus::Skipped:
      ++counts_.skipped;
      break;
    case ItemStatus::Failed:
      ++counts_.failed;
      break;
    case ItemStatus::Cancelled:
      ++counts_.cancelled;
      break;
  }
  if (is_remote(r.input)) counts_.bytes_downloaded += r.bytes_in;
  changed_ = true;
  maybe_draw_locked(now);
}

void Progress::print(const std::string& raw_line) {
  const std::string line = printable(raw_line);  // lines quote names from outside
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::Terminal && shown_) {
    // Replace the progress line by the message, then put the progress line back under it.
    write_(clear_code() + line + "\n");
    shown_ = false;
    draw_locked(Clock::now());
  } else {
    write_(line + "\n");
  }
}

void Progress::tick(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::Terminal && now - last_draw_ >= std::chrono::seconds(1)) changed_ = true;
  maybe_draw_locked(now);
}

void Progress::start_ticker() {
  if (mode_ == Mode::Off || ticker_.joinable()) return;
  ticker_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      wake_.wait_for(lock, std::chrono::milliseconds(200));
      if (stop_) break;
      lock.unlock();
      tick();
      lock.lock();
    }
  });
}

void Progress::finish() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    if (mode_ == Mode::Terminal && shown_) write_(clear_code());
    shown_ = false;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

ProgressCounts Progress::counts() {
  std::lock_guard lock(mutex_);
  return counts_;
}

std::string Progress::clear_code() const { return "\r\x1b[K"; }

void Progress::maybe_draw_locked(Clock::time_point now) {
  if (mode_ == Mode::Off || stop_ || !changed_) return;
  const auto every = mode_ == Mode::Terminal ? Clock::duration(kTerminalEvery) : Clock::duration(kLogEvery);
  if (now - last_draw_ >= every) draw_locked(now);
}

void Progress::draw_locked(Clock::time_point now) {
  if (mode_ == Mode::Off || stop_) return;
  std::string text =
      "thumbflow: " + progress_text(counts_, std::chrono::duration<double>(now - start_).count());
  last_draw_ = now;
  changed_ = false;
  if (mode_ == Mode::Log) {
    write_(text + "\n");
    return;
  }
  // Never as wide as the terminal: a line that wraps cannot be redrawn in place.
  const int columns = columns_ ? columns_() : 0;
  if (columns > 1 && text.size() >= std::size_t(columns)) text.resize(std::size_t(columns - 1));
  write_("\r" + text + "\x1b[K");
  shown_ = true;
}

Progress::Mode progress_mode_for_stderr(bool quiet) {
  if (quiet) return Progress::Mode::Off;
  // A dumb terminal cannot erase a line: it gets the plain lines of a log.
  const char* term = std::getenv("TERM");
  const bool dumb = term != nullptr && std::string_view(term) == "dumb";
  return ::isatty(STDERR_FILENO) && !dumb ? Progress::Mode::Terminal : Progress::Mode::Log;
}

int stderr_columns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace thumbflow::cli
