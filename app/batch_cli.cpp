#include "batch_cli.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>

#include "thumbflow/geometry.hpp"
#include "thumbflow/naming.hpp"
#include "thumbflow/pipeline.hpp"
#include "thumbflow/report.hpp"

namespace thumbflow::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void on_signal(int) {
  g_cancel.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C kills at once
  std::signal(SIGTERM, SIG_DFL);
}

// First SIGINT/SIGTERM: finish the images in flight, write the report, exit 130.
void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked call returns EINTR instead of waiting on
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const std::map<std::string, OutputFormat> kFormats = {{"same", OutputFormat::Same},
                                                      {"jpg", OutputFormat::Jpeg},
                                                      {"jpeg", OutputFormat::Jpeg},
                                                      {"png", OutputFormat::Png},
                                                      {"webp", OutputFormat::Webp}};

// The report is written at the end; a path that cannot work is a usage error before anything
// is written, not a surprise after the batch.
void check_report_path(const std::string& report) {
  if (report.empty()) return;
  namespace fs = std::filesystem;
  const fs::path parent = fs::absolute(report).parent_path();
  if (!fs::is_directory(parent))
    throw std::invalid_argument("report folder " + parent.string() + " does not exist");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw std::invalid_argument("report folder " + parent.string() + " is not writable");
  if (fs::is_directory(report)) throw std::invalid_argument("report path " + report + " is a folder");
}

void print_summary(const Summary& s, const std::string& report_path) {
  std::cerr << "thumbflow: " << s.done << " thumbnail" << (s.done == 1 ? "" : "s") << " written to "
            << s.output_dir << "/";
  if (s.skipped) std::cerr << ", " << s.skipped << " already there";
  if (s.failed) std::cerr << ", " << s.failed << " failed";
  if (s.cancelled) std::cerr << ", " << s.cancelled << " not done (interrupted)";
  std::cerr.precision(3);
  std::cerr << " in " << s.seconds << " s";
  if (s.done && s.seconds > 0)
    std::cerr << " (" << double(s.done) / s.seconds << " images/s, "
              << (s.serial ? "serial" : std::to_string(s.threads) + " threads") << ")";
  std::cerr << "\n";
  if (!report_path.empty()) std::cerr << "thumbflow: report in " << report_path << "\n";
}

}  // namespace

void add_batch_options(CLI::App& cmd, BatchArgs& a) {
  cmd.add_option("-o,--output", a.output, "Output folder")->required();
  cmd.add_option("-s,--size", a.size, "Box to fit: WxH, N (NxN), Wx or xH")->capture_default_str();
  cmd.add_option("--name", a.name, "Output name template: {stem} {ext} {srcext} {w} {h}")
      ->capture_default_str();
  cmd.add_option("--format", a.format, "Output format")
      ->check(CLI::IsMember({"same", "jpg", "jpeg", "png", "webp"}))
      ->capture_default_str();
  cmd.add_option("--quality", a.quality, "JPEG/WebP quality")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd.add_option("--background", a.background, "Colour under transparency for JPEG: white, #RRGGBB, R,G,B")
      ->capture_default_str();
  cmd.add_flag("--enlarge", a.enlarge, "Also enlarge images smaller than the box");
  cmd.add_option("--max-pixels", a.max_pixels, "Refuse images declaring more pixels (0 = no limit)")
      ->capture_default_str();
  cmd.add_option("--decode", a.decode, "fast: decode only what the box needs; full: every pixel")
      ->check(CLI::IsMember({"fast", "full"}))
      ->capture_default_str();
  cmd.add_option("-j,--threads", a.threads, "Worker threads (0 = all cores)")->check(CLI::Range(0, 1024));
  cmd.add_flag("--serial", a.serial, "One image at a time on one thread (baseline)");
  cmd.add_option("--in-flight", a.in_flight,
                 "Images in flight at once (0 = 2 x threads, + connections for URLs)")
      ->check(CLI::Range(0, 4096));
  cmd.add_flag("--force", a.force, "Redo thumbnails that are already up to date");
  cmd.add_option("--report", a.report, "Write a JSON report of every item to this file");
  cmd.add_flag("-q,--quiet", a.quiet, "No summary on stderr (errors are still printed)");
  cmd.add_flag("-v,--verbose", a.verbose, "Log every item");
  cmd.add_flag("--json", a.json, "Print the summary as JSON on stdout");
}

BatchOptions to_batch_options(const BatchArgs& a) {
  BatchOptions o;
  const Dimensions box = parse_box(a.size);
  o.thumbnail.box_width = box.width;
  o.thumbnail.box_height = box.height;
  o.thumbnail.allow_enlarge = a.enlarge;
  o.thumbnail.format = kFormats.at(a.format);
  o.thumbnail.quality = a.quality;
  o.thumbnail.background = parse_rgb(a.background);
  o.thumbnail.max_pixels = a.max_pixels;
  o.thumbnail.decode = a.decode == "full" ? DecodeMode::Full : DecodeMode::Fast;
  o.output_dir = a.output;
  o.name_template = a.name;
  validate_name_template(o.name_template);
  o.threads = a.threads;
  o.serial = a.serial;
  o.max_in_flight = a.in_flight;
  o.skip_existing = !a.force;
  o.cancel = &g_cancel;
  return o;
}

namespace {

// What runs the batch once the options are known: run_batch over a list, or run_batch_stream.
using Runner = std::function<BatchReport(const BatchOptions&, const ItemCallback&)>;

int run_with(const BatchArgs& args, const std::function<void(BatchOptions&)>& adjust,
             const std::function<Runner(const BatchOptions&)>& prepare) {
  BatchOptions options;
  Runner run;
  try {
    options = to_batch_options(args);
    adjust(options);
    run = prepare(options);
    check_report_path(args.report);
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
  install_signal_handlers();
  const auto on_item = [&](const ItemResult& r) {
    if (r.status == ItemStatus::Failed)
      print_line("thumbflow: " + r.input + ": " + r.error);
    else if (args.verbose)
      print_line("thumbflow: " + r.input + ": " + to_string(r.status) + " -> " + r.output);
  };
  BatchReport report;
  try {
    report = run(options, on_item);
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
  bool report_failed = false;
  if (!args.report.empty()) {
    try {
      write_report_file(report, args.report);
    } catch (const std::exception& e) {
      print_line(std::string("thumbflow: ") + e.what());
      report_failed = true;
    }
  }
  if (!args.quiet) print_summary(report.summary, report_failed ? std::string() : args.report);
  if (args.json) std::cout << summary_to_json(report.summary) << "\n";
  if (report.summary.cancelled > 0) return 130;
  return report.summary.failed > 0 || report_failed ? 2 : 0;
}

}  // namespace

int run_batch_command(const BatchArgs& args, const std::function<void(BatchOptions&)>& adjust,
                      const std::function<std::vector<Item>(const BatchOptions&)>& list_items) {
  return run_with(args, adjust, [&](const BatchOptions& options) -> Runner {
    auto items = std::make_shared<std::vector<Item>>(list_items(options));
    return
        [items](const BatchOptions& o, const ItemCallback& on_item) { return run_batch(*items, o, on_item); };
  });
}

int run_stream_command(const BatchArgs& args, const std::function<void(BatchOptions&)>& adjust,
                       const std::function<NextItem(const BatchOptions&)>& make_source) {
  return run_with(args, adjust, [&](const BatchOptions& options) -> Runner {
    NextItem next = make_source(options);
    return [next](const BatchOptions& o, const ItemCallback& on_item) {
      return run_batch_stream(next, o, on_item);
    };
  });
}

void add_download_options(CLI::App& cmd, DownloadOptions& d) {
  cmd.add_option("--connections", d.connections, "Transfers at once")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd.add_option("--per-host", d.per_host, "Connections to one host at once (0 = no cap)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd.add_option("--retries", d.retries, "Retries on timeouts, resets, 408/429/5xx")
      ->check(CLI::Range(0, 20))
      ->capture_default_str();
  cmd.add_option("--backoff-ms", d.backoff_ms, "First retry delay, doubled each time (with jitter)")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  cmd.add_option("--retry-after-max", d.retry_after_max_s, "Longest Retry-After honoured, seconds")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  cmd.add_option("--connect-timeout", d.connect_timeout_s, "Seconds allowed to connect")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  cmd.add_option("--stall-timeout", d.stall_timeout_s,
                 "Abort a transfer slower than 1 KB/s for this many seconds")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd.add_option("--max-bytes", d.max_bytes, "Largest body accepted")
      ->check(CLI::Range(1.0, 1e12))
      ->capture_default_str();
  cmd.add_option("--keep-originals", d.keep_originals_dir, "Also save each downloaded file in this folder");
}

void print_line(const std::string& line) { std::cerr << (line + "\n") << std::flush; }

}  // namespace thumbflow::cli
