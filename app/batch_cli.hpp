// What `run` and `fetch` share: the thumbnail options, running the batch, and reporting it.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "thumbflow/gallery.hpp"
#include "thumbflow/options.hpp"
#include "thumbflow/pipeline.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::cli {

struct BatchArgs {
  std::string output, size = "128x128", format = "same";
  std::string name;         // --name, when name_given
  bool name_given = false;  // else the default of name_template()
  std::string background = "white", decode = "fast", report;
  std::string colour = "srgb";
  std::string html;  // contact sheet; "" = OUTPUT/index.html
  bool no_html = false;
  int quality = 85, threads = 0, in_flight = 0;
  std::uint64_t max_pixels = 100'000'000;
  bool serial = false, force = false, enlarge = false;
  bool quiet = false, verbose = false, json = false;
  bool animated = false;                         // --animated
  std::uint64_t max_frame_pixels = 250'000'000;  // --max-frame-pixels
  bool no_fsync = false;
  std::string crop = "none", gravity;  // gravity "" = none
};

// Registers -o, -s, --name, --format, ... on `cmd`, storing into `args`.
void add_batch_options(CLI::App& cmd, BatchArgs& args);

// Registers only what decides a thumbnail's look and name (-s, --name, --format, --quality,
// --background, --enlarge, --max-pixels, --decode, --colour): part of add_batch_options, and what
// `enqueue` puts into each job.
void add_thumbnail_options(CLI::App& cmd, BatchArgs& args);

// Those options; throws std::invalid_argument with a clear message (also for a bad --name).
ThumbnailOptions to_thumbnail_options(const BatchArgs& args);

// --name, or its default: "{stem}_thumbnail.{ext}" for one size, "{stem}_{size}.{ext}" for a list.
std::string name_template(const BatchArgs& args);

// The text of a URL list file, or of standard input for "-". Throws std::invalid_argument.
std::string read_url_list(const std::string& path);

// First SIGINT/SIGTERM sets the flag that to_batch_options hands to the batch (finish what is in
// flight, start nothing new); a second one kills at once.
void install_signal_handlers();
// The flag install_signal_handlers' first signal sets.
const std::atomic<bool>& stop_requested();

// Turns the parsed arguments into options; throws std::invalid_argument with a clear message.
BatchOptions to_batch_options(const BatchArgs& args);

// Turns `args` into options (then `adjust` adds what only one command sets), lists the items
// (both may throw std::invalid_argument for usage errors), runs the batch with Ctrl-C handling,
// prints errors/summary/JSON, writes the report. Returns the exit status: 0 all done, 1 usage or
// setup error (nothing written), 2 some items failed, 130 interrupted.
int run_batch_command(const BatchArgs& args, const std::function<void(BatchOptions&)>& adjust,
                      const std::function<std::vector<Item>(const BatchOptions&)>& list_items);

// run_batch_command for a source that lists while the batch runs (run_batch_stream); make_source
// may throw std::invalid_argument for usage errors (exit 1, nothing written).
int run_stream_command(const BatchArgs& args, const std::function<void(BatchOptions&)>& adjust,
                       const std::function<NextItem(const BatchOptions&)>& make_source);

// Registers --connections, --per-host, --retries, --backoff-ms, --retry-after-max, --connect-timeout,
// --stall-timeout, --timeout, --max-bytes, --keep-originals, --user-agent and --header on `cmd`,
// storing into `d`.
void add_download_options(CLI::App& cmd, DownloadOptions& d);

// Registers --section, --sort, --window, --pages and --limit of a gallery listing on `cmd`.
void add_gallery_listing_options(CLI::App& cmd, GalleryOptions& g);

// One line on stderr, written at once, so lines never interleave with other output mid-line.
void print_line(const std::string& line);

}  // namespace thumbflow::cli
