#include "status_view.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "human.hpp"
#include "thumbflow/printable.hpp"

namespace thumbflow::cli {
namespace {

std::string format(const char* pattern, auto... values) {
  char line[512];
  std::snprintf(line, sizeof line, pattern, values...);
  return line;
}

std::string clock_time(std::int64_t unix_ms) {
  const std::time_t t = std::time_t(unix_ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

// "  done         %8llu", or "unreadable" in place of the number when NAME:stats holds no number
// for `field`.
std::string count_line(const char* label, unsigned long long n, const QueueStatus& s, const char* field) {
  for (const UnreadableCounter& u : s.unreadable)
    if (u.field == field) return format("  %-13s%10s", label, "unreadable");
  return format("  %-13s%8llu", label, n);
}

}  // namespace

std::string eta_text(std::size_t left, double rate) {
  if (left == 0) return "";
  if (!(rate > 0)) return "unknown";
  const double seconds = double(left) / rate;
  if (seconds < 60) return format("%.0f s", std::ceil(seconds));
  if (seconds < 3600) return human_duration(seconds);
  const long minutes = std::lround(seconds / 60);
  return format("%ld h %02ld min", minutes / 60, minutes % 60);
}

std::vector<std::string> status_lines(const QueueStatus& s, const std::string& where) {
  using ull = unsigned long long;
  std::vector<std::string> out;
  out.push_back("queue " + printable(s.queue) + " at " + where +
                (!s.stream_exists  ? " (no such stream yet: nothing enqueued)"
                 : !s.group_exists ? " (no consumer group yet: no worker has read it)"
                                   : ""));
  out.push_back(format("  waiting      %8zu", s.waiting));
  out.push_back(format("  in progress  %8zu", s.in_progress));
  for (const ConsumerStatus& c : s.consumers)
    out.push_back(format("    %-32s %6zu  idle %.1f s", printable(c.name).c_str(), c.in_progress,
                         double(c.idle_ms) / 1000.0));
  out.push_back(count_line("done", ull(s.done), s, "done"));
  out.push_back(count_line("already there", ull(s.skipped), s, "skipped"));
  out.push_back(count_line("failed", ull(s.failed), s, "failed") + "  attempts (retried, or then dead)");
  out.push_back(
      format("  dead         %8llu", ull(s.dead)) +
      (s.dead > 0 ? "  (once fixed: thumbflow requeue --queue " + printable(s.queue) + " --dead)" : ""));
  out.push_back(
      format("  rate         %8.1f  jobs/s over 10 s, %llu in the last minute", s.rate, ull(s.last_minute)));
  const std::size_t left = s.waiting + s.in_progress;
  const std::string eta = eta_text(left, s.rate);
  out.push_back("  eta          " +
                (eta.empty() ? std::string("       -  nothing left")
                             : format("%8s", eta.c_str()) + "  for " + std::to_string(left) + " jobs left" +
                                   (eta == "unknown" ? " (none finished in the last 10 full seconds)" : "")));
  for (const UnreadableCounter& u : s.unreadable)
    out.push_back("  unreadable   " + printable(u.key) + (u.field.empty() ? "" : " " + printable(u.field)) +
                  " holds '" + printable(u.value) + "', not a number (counted as 0)");
  for (const WrongTypeKey& w : s.wrong_type)
    out.push_back("  unreadable   key '" + printable(w.key) + "' holds a " + printable(w.type) + ", not a " +
                  w.expected + " (left out)");
  if (!s.last_dead.empty()) out.push_back("  last dead jobs (id, when, deliveries, input: reason):");
  for (const DeadJob& d : s.last_dead)
    out.push_back("    " + printable(d.id) + "  " + clock_time(d.dead_ms) + "  " +
                  std::to_string(d.deliveries) + "x  " + printable(d.input.empty() ? "(no input)" : d.input) +
                  ": " + printable(d.error));
  return out;
}

}  // namespace thumbflow::cli
