// `thumbflow status`: what a Redis queue holds and who works on it (as `rq info`); with --watch,
// again every few seconds (as `watch`): redrawn in place on a terminal, frame after frame when piped.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <thread>

#include "batch_cli.hpp"
#include "commands.hpp"
#include "human.hpp"
#include "queue_cli.hpp"
#include "status_view.hpp"
#include "thumbflow/printable.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow::cli {
namespace {

struct StatusArgs : QueueArgs {
  bool json = false;
  double watch_s = 0;  // 0: once
  int dead_shown = 5;
};

std::string now_text() {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

// Rows and columns of the terminal on stdout; 0 when unknown.
std::pair<std::size_t, std::size_t> terminal_size() {
  winsize w{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) != 0) return {0, 0};
  return {w.ws_row, w.ws_col};
}

// In one write where the system allows: a terminal's stdout is line-buffered, and a frame written
// line by line would show half-drawn.
void write_out(const std::string& text) {
  std::cout << std::flush;
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += std::size_t(n);
  }
}

// One frame in place: from the top left, each line cut to the width (a wrapped line would push
// the next frame down) and cleared to its end, then what is below the frame cleared.
void draw_in_place(const std::vector<std::string>& lines) {
  const auto [rows, cols] = terminal_size();
  std::string frame = "\033[H";
  for (std::size_t i = 0; i < lines.size() && (rows == 0 || i + 1 < rows); ++i)
    frame += (cols > 0 && lines[i].size() >= cols ? lines[i].substr(0, cols - 1) : lines[i]) + "\033[K\n";
  frame += "\033[J";
  write_out(frame);
}

int watch(const StatusArgs& a, const RedisAddress& redis) {
  install_signal_handlers();
  const bool terminal = !a.json && ::isatty(STDOUT_FILENO) != 0;  // JSON lines are for programs
  const std::string title = "every " + human_number(a.watch_s) + " s: thumbflow status --queue " +
                            printable(a.queue) + " (Ctrl-C to stop)";
  if (terminal) write_out("\033[?25l\033[H\033[2J");  // cursor hidden, screen cleared
  const auto period = std::chrono::duration<double>(a.watch_s);
  for (bool first = true; !stop_requested().load(); first = false) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::string> lines;
    try {
      const QueueStatus s = queue_status(redis, a.queue, a.dead_shown);
      if (a.json) {
        std::cout << queue_status_to_json(s, -1) << std::endl;
      } else {
        lines = status_lines(s, describe(redis));
      }
    } catch (const std::exception& e) {
      // Not even once: a setup error. Later: shown, and tried again (Redis may be restarting).
      if (first) {
        if (terminal) write_out("\033[?25h");
        throw;
      }
      lines = {"cannot read the queue: " + printable(e.what())};
      if (a.json) print_line("thumbflow: " + lines.front());
    }
    if (!a.json) {
      lines.insert(lines.begin(), {now_text() + "  " + title, ""});
      if (terminal) {
        draw_in_place(lines);
      } else {
        for (const std::string& line : lines) std::cout << line << "\n";
        std::cout << std::endl;
      }
    }
    while (!stop_requested().load() && std::chrono::steady_clock::now() - started < period)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (terminal) write_out("\033[?25h");
  return 0;
}

int show(const StatusArgs& a) {
  try {
    const RedisAddress redis = parse_redis_url(a.redis);
    if (a.watch_s > 0) return watch(a, redis);
    const QueueStatus s = queue_status(redis, a.queue, a.dead_shown);
    if (a.json) {
      std::cout << queue_status_to_json(s) << "\n";
    } else {
      for (const std::string& line : status_lines(s, describe(redis))) std::cout << line << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
}

}  // namespace

void add_status_command(CLI::App& app, std::function<int()>& command) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* cmd =
      app.add_subcommand("status", "Show a Redis queue: waiting, in progress per worker, done, dead, rate.");
  // Its own footer: without one, CLI11 shows the top-level footer (run and fetch examples).
  cmd->footer(
      "With --watch: shown again every SECONDS (default 2), in place on a terminal, one frame after the\n"
      "other when piped (--json: one line of JSON each); Ctrl-C ends it (exit 0).\n"
      "Exit status: 0 shown, 1 when the queue cannot be read (with --watch: at the first look).\n"
      "Examples:\n"
      "  thumbflow status --queue photos\n"
      "  thumbflow status --queue photos --watch\n"
      "  THUMBFLOW_REDIS=redis://:secret@queue-host:6379 thumbflow status --queue photos --json");
  add_queue_options(*cmd, *args);
  cmd->add_flag("--json", args->json, "Print it as JSON");
  cmd->add_option("--watch", args->watch_s, "Show it again every SECONDS until Ctrl-C")
      ->type_name("[SECONDS]")
      ->expected(0, 1)
      ->default_str("2")
      ->check(CLI::Range(0.1, 3600.0).description(""));
  cmd->add_option("--last-dead", args->dead_shown, "Dead jobs listed (newest first) with their reasons")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  cmd->callback([&command, args] { command = [args] { return show(*args); }; });
}

}  // namespace thumbflow::cli
