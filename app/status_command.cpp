// `thumbflow status`: what a Redis queue holds and who works on it (as `rq info`).
#include <cstdio>
#include <iostream>
#include <memory>

#include "batch_cli.hpp"
#include "commands.hpp"
#include "queue_cli.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow::cli {
namespace {

struct StatusArgs : QueueArgs {
  bool json = false;
};

void print_status(const QueueStatus& s, const RedisAddress& redis) {
  char line[256];
  std::cout << "queue " << s.queue << " at " << describe(redis) << "\n";
  std::snprintf(line, sizeof line, "  waiting      %8zu\n  in progress  %8zu\n", s.waiting, s.in_progress);
  std::cout << line;
  for (const ConsumerStatus& c : s.consumers) {
    std::snprintf(line, sizeof line, "    %-32s %6zu  idle %.1f s\n", c.name.c_str(), c.in_progress,
                  double(c.idle_ms) / 1000.0);
    std::cout << line;
  }
  std::snprintf(
      line, sizeof line,
      "  done         %8llu\n  already there%8llu\n  failed       %8llu  attempts (retried, or then dead)\n"
      "  dead         %8llu  (XRANGE %s:dead - +)\n  rate         %8.1f  jobs/s over 10 s, %llu in the last "
      "minute\n",
      static_cast<unsigned long long>(s.done), static_cast<unsigned long long>(s.skipped),
      static_cast<unsigned long long>(s.failed), static_cast<unsigned long long>(s.dead), s.queue.c_str(),
      s.rate, static_cast<unsigned long long>(s.last_minute));
  std::cout << line;
}

}  // namespace

void add_status_command(CLI::App& app, std::function<int()>& command) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* cmd =
      app.add_subcommand("status", "Show a Redis queue: waiting, in progress per worker, done, dead, rate.");
  add_queue_options(*cmd, *args);
  cmd->add_flag("--json", args->json, "Print it as JSON");
  cmd->callback([&command, args] {
    command = [args] {
      try {
        const RedisAddress redis = parse_redis_url(args->redis);
        const QueueStatus s = queue_status(redis, args->queue);
        if (args->json)
          std::cout << queue_status_to_json(s) << "\n";
        else
          print_status(s, redis);
        return 0;
      } catch (const std::exception& e) {
        print_line(std::string("thumbflow: ") + e.what());
        return 1;
      }
    };
  });
}

}  // namespace thumbflow::cli
