#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace thumbflow::cli {

// Each add_*_command registers a subcommand; when it is chosen, `command` is set to the function
// that runs it and returns the process exit status.
void add_run_command(CLI::App& app, std::function<int()>& command);
void add_fetch_command(CLI::App& app, std::function<int()>& command);
void add_gallery_command(CLI::App& app, std::function<int()>& command);
void add_serve_gallery_command(CLI::App& app, std::function<int()>& command);
void add_bench_command(CLI::App& app, std::function<int()>& command);
void add_enqueue_command(CLI::App& app, std::function<int()>& command);
void add_worker_command(CLI::App& app, std::function<int()>& command);
void add_status_command(CLI::App& app, std::function<int()>& command);
void add_requeue_command(CLI::App& app, std::function<int()>& command);

}  // namespace thumbflow::cli
