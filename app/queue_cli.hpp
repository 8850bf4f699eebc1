// What `enqueue`, `worker` and `status` share: where the queue is.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace thumbflow::cli {

struct QueueArgs {
  std::string redis = "redis://127.0.0.1:6379";
  std::string queue = "thumbflow";
};

// Registers --redis (also from $THUMBFLOW_REDIS, which keeps a password out of `ps`) and --queue.
void add_queue_options(CLI::App& cmd, QueueArgs& args);

}  // namespace thumbflow::cli
