// The live progress line on stderr: done/total, failures, images/s, bytes downloaded, ETA.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "thumbflow/report.hpp"

namespace thumbflow::cli {

// What the line shows; finished = done + skipped + failed + cancelled.
struct ProgressCounts {
  std::size_t total = 0;    // items known so far
  bool total_final = true;  // false while a source may still add items
  std::size_t done = 0, skipped = 0, failed = 0, cancelled = 0;
  std::uint64_t bytes_downloaded = 0;  // bodies of remote items
  std::size_t finished() const { return done + skipped + failed + cancelled; }
};

// One line of text, without terminal codes, e.g.
//   "120/500 24% | 3 failed | 45.2 img/s | ETA 9s | 12.3 MB downloaded"
//   "120/500+ (more coming) | 45.2 img/s"    (total not final: no percentage, no ETA)
// The rate counts the items worked on (done and failed, not skipped) over `elapsed_s`; the ETA
// needs a final total and at least a second of history. The least useful parts come last, as a
// narrow terminal cuts the end.
std::string progress_text(const ProgressCounts& counts, double elapsed_s);

// Draws progress_text on a stream. Terminal mode redraws one line in place (at most 10 times a
// second) and clears it at the end; Log mode (a pipe, CI) writes a plain line every 5 s at most;
// Off draws nothing. Lines printed through print() appear above the progress line.
// Thread-safe: add() comes from run_batch's callback, the ticker from its own thread.
class Progress {
 public:
  enum class Mode { Off, Terminal, Log };
  using Clock = std::chrono::steady_clock;
  static constexpr auto kTerminalEvery = std::chrono::milliseconds(100);
  static constexpr auto kLogEvery = std::chrono::seconds(5);

  // `write` receives text exactly as it goes to the stream; `columns` gives the terminal width
  // (0 when unknown), read at every draw so that a resized terminal never wraps the line.
  Progress(Mode mode, std::function<void(std::string_view)> write, std::function<int()> columns = {},
           Clock::time_point start = Clock::now());
  ~Progress();  // stops the ticker; call finish() first to clear the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // The number of items known so far; `final` once no more can come.
  void set_total(std::size_t total, bool final, Clock::time_point now = Clock::now());
  // One finished item, any status.
  void add(const ItemResult& result, Clock::time_point now = Clock::now());
  // A whole line (an error, a -v log line), printed above the progress line.
  void print(const std::string& line);
  // Redraws if it is time to, so that the rate, elapsed time and ETA move while no item finishes.
  void tick(Clock::time_point now = Clock::now());
  // Starts a thread that calls tick() every 200 ms until finish().
  void start_ticker();
  // Clears the line (Terminal) and stops the ticker. Idempotent.
  void finish();
  // What was counted so far (also in Off mode).
  ProgressCounts counts();

 private:
  void draw_locked(Clock::time_point now);
  void maybe_draw_locked(Clock::time_point now);
  std::string clear_code() const;

  const Mode mode_;
  const std::function<void(std::string_view)> write_;
  const std::function<int()> columns_;
  const Clock::time_point start_;
  std::mutex mutex_;
  ProgressCounts counts_;
  Clock::time_point last_draw_;
  bool shown_ = false;    // Terminal: a progress line is on screen
  bool changed_ = false;  // counts changed since the last draw
  bool stop_ = false;
  std::condition_variable wake_;
  std::thread ticker_;
};

// The mode for stderr: Off when quiet, Terminal when stderr is a terminal (but TERM=dumb), else Log.
Progress::Mode progress_mode_for_stderr(bool quiet);
// Width of the terminal on stderr, 0 when unknown.
int stderr_columns();

}  // namespace thumbflow::cli
