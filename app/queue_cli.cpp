#include "queue_cli.hpp"

namespace thumbflow::cli {

void add_queue_options(CLI::App& cmd, QueueArgs& args) {
  cmd.add_option("--redis", args.redis, "Redis: redis://[user:password@]host[:port][/db]")
      ->envname("THUMBFLOW_REDIS")
      ->capture_default_str();
  cmd.add_option("--queue", args.queue, "Queue (stream) name")->capture_default_str();
}

}  // namespace thumbflow::cli
