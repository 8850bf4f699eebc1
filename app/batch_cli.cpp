#include "batch_cli.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

#include "failure_summary.hpp"
#include "human.hpp"
#include "progress.hpp"
#include "thumbflow/geometry.hpp"
#include "thumbflow/naming.hpp"
#include "thumbflow/pipeline.hpp"
#include "thumbflow/printable.hpp"
#include "thumbflow/report.hpp"

namespace thumbflow::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void on_signal(int) {
  g_cancel.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C kills at once
  std::signal(SIGTERM, SIG_DFL);
}

void write_stderr(std::string_view text) { std::cerr << text << std::flush; }

// The contact sheet's default name in the output folder.
constexpr const char* kDefaultHtml = "index.html";

// While a batch runs, lines go above its progress line (print_line may come from any thread).
std::mutex g_progress_mutex;
Progress* g_progress = nullptr;

const std::map<std::string, OutputFormat> kFormats = {{"same", OutputFormat::Same},
                                                      {"jpg", OutputFormat::Jpeg},
                                                      {"jpeg", OutputFormat::Jpeg},
                                                      {"png", OutputFormat::Png},
                                                      {"webp", OutputFormat::Webp}};

// The report and the contact sheet are written at the end; a path that cannot work is a usage
// error before anything is written, not a surprise after the batch. The output folder itself may
// not exist yet: the batch creates it (or fails, saying why) before these are written.
void check_result_path(const std::string& path, const std::string& what, const std::string& output_dir) {
  if (path.empty()) return;
  namespace fs = std::filesystem;
  const fs::path parent = fs::absolute(path).parent_path().lexically_normal();
  if (parent == fs::absolute(output_dir).lexically_normal() && !fs::exists(parent)) return;
  if (!fs::is_directory(parent))
    throw std::invalid_argument(what + " folder " + parent.string() + " does not exist");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw std::invalid_argument(what + " folder " + parent.string() + " is not writable");
  if (fs::is_directory(path)) throw std::invalid_argument(what + " path " + path + " is a folder");
}

// An .html name keeps the page out of every folder scan (not an image extension) and apart from
// any thumbnail name.
void check_html_name(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext != ".html" && ext != ".htm")
    throw std::invalid_argument("--html " + path + ": the contact sheet's name must end in .html or .htm");
}

// Where the contact sheet goes, "" for none. The default page replaces only a page of its own:
// an index.html of the user's in the output folder is left alone (with a note).
std::string html_path(const BatchArgs& args, const std::string& output_dir) {
  if (args.no_html) return {};
  if (!args.html.empty()) return args.html;
  const std::string path = (std::filesystem::path(output_dir) / kDefaultHtml).string();
  if (std::filesystem::exists(path) && !is_contact_sheet(path)) {
    print_line("thumbflow: " + path + " was not made by thumbflow; leaving it alone (use --html FILE)");
    return {};
  }
  return path;
}

void print_summary(const Summary& s, const ProgressCounts& counts, std::size_t with_warnings,
                   const std::string& report_path, const std::string& html) {
  std::cerr << "thumbflow: " << s.thumbnails << " thumbnail" << (s.thumbnails == 1 ? "" : "s");
  if (s.thumbnails != s.done) std::cerr << " of " << count_of(s.done, "image");  // several sizes
  std::cerr << " written to " << s.output_dir << "/";
  if (s.skipped) std::cerr << ", " << s.skipped << " already there";
  if (s.failed) std::cerr << ", " << s.failed << " failed";
  if (s.cancelled) std::cerr << ", " << s.cancelled << " not done (interrupted)";
  std::cerr << " in " << human_duration(s.seconds);
  if (s.done && s.seconds > 0)
    std::cerr << " (" << human_number(double(s.done) / s.seconds) << " images/s, "
              << (s.serial ? "serial" : count_of(std::size_t(s.threads), "thread")) << ")";
  if (counts.bytes_downloaded) std::cerr << ", " << human_bytes(counts.bytes_downloaded) << " downloaded";
  std::cerr << "\n";
  if (with_warnings)
    std::cerr << "thumbflow: " << count_of(with_warnings, "item")
              << " with warnings (-v or --report lists them)\n";
  if (s.temp_files_removed)
    std::cerr << "thumbflow: removed " << s.temp_files_removed << " temporary file"
              << (s.temp_files_removed == 1 ? "" : "s") << " left by an interrupted run\n";
  if (!html.empty()) std::cerr << "thumbflow: contact sheet in " << html << "\n";
  if (!report_path.empty()) std::cerr << "thumbflow: report in " << report_path << "\n";
}

// Writes the JSON report and the contact sheet; false (after one line on stderr) if one failed,
// whose path is then cleared.
bool write_results(const BatchReport& report, std::string& report_path, std::string& html) {
  bool ok = true;
  const auto attempt = [&](const std::function<void()>& write) {
    try {
      write();
    } catch (const std::exception& e) {
      print_line(std::string("thumbflow: ") + e.what());
      ok = false;
      return false;
    }
    return true;
  };
  if (!report_path.empty() && !attempt([&] { write_report_file(report, report_path); })) report_path.clear();
  if (!html.empty() && !attempt([&] { write_contact_sheet(report, html); })) html.clear();
  return ok;
}

// A CLI11 check made of a library check that throws std::invalid_argument: the same rule, one
// line of usage error.
CLI::Validator library_check(void (*check)(const std::string&)) {
  return CLI::Validator(
      [check](const std::string& value) {
        try {
          check(value);
        } catch (const std::invalid_argument& e) {
          return std::string(e.what());
        }
        return std::string();
      },
      "");
}

}  // namespace

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked call returns EINTR instead of waiting on
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>& stop_requested() { return g_cancel; }

void add_batch_options(CLI::App& cmd, BatchArgs& a) {
  cmd.add_option("-o,--output", a.output, "Output folder")->required();
  add_thumbnail_options(cmd, a);
  cmd.add_option("-j,--threads", a.threads, "Worker threads (0 = all cores)")->check(CLI::Range(0, 1024));
  cmd.add_flag("--serial", a.serial, "One image at a time on one thread (baseline)");
  cmd.add_option("--in-flight", a.in_flight,
                 "Images in flight at once (0 = 2 x threads, + 2 x connections for URLs)")
      ->check(CLI::Range(0, 4096));
  cmd.add_flag("--force", a.force, "Redo thumbnails that are already up to date");
  cmd.add_flag("--no-fsync", a.no_fsync,
               "Do not flush the thumbnails to the disk at the end of the batch (a power cut may lose the "
               "last ones, and the next run will not know)");
  cmd.add_option("--report", a.report, "Write a JSON report of every item to this file");
  auto* html =
      cmd.add_option("--html", a.html, "Write the HTML contact sheet here (default: OUTPUT/index.html)");
  cmd.add_flag("--no-html", a.no_html, "Write no contact sheet")->excludes(html);
  cmd.add_flag("-q,--quiet", a.quiet, "No progress line nor summary on stderr (errors are still printed)");
  cmd.add_flag("-v,--verbose", a.verbose, "Log every item");
  cmd.add_flag("--json", a.json, "Print the summary as JSON on stdout");
}

void add_thumbnail_options(CLI::App& cmd, BatchArgs& a) {
  cmd.add_option("-s,--size", a.size,
                 "Box to fit: WxH, N (NxN), Wx or xH; several sizes from one decode as a list: 128,512,1024")
      ->capture_default_str();
  cmd.add_option_function<std::string>(
      "--name",
      [&a](const std::string& name) {
        a.name = name;
        a.name_given = true;
      },
      "Output name template: {stem} {ext} {srcext} {w} {h} {size} (default {stem}_thumbnail.{ext}; "
      "with several sizes {stem}_{size}.{ext})");
  cmd.add_option("--format", a.format, "Output format")
      ->check(CLI::IsMember({"same", "jpg", "jpeg", "png", "webp"}))
      ->capture_default_str();
  cmd.add_option("--quality", a.quality, "JPEG/WebP quality")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd.add_option("--background", a.background, "Colour under transparency for JPEG: white, #RRGGBB, R,G,B")
      ->capture_default_str();
  cmd.add_flag("--enlarge", a.enlarge, "Also enlarge images smaller than the box");
  cmd.add_option(
         "--max-pixels", a.max_pixels,
         "Refuse images needing more pixels in memory (a sequential JPEG: at its DCT scale; 0 = no limit)")
      ->capture_default_str();
  cmd.add_option("--decode", a.decode, "fast: decode only what the box needs; full: every pixel")
      ->check(CLI::IsMember({"fast", "full"}))
      ->capture_default_str();
  cmd.add_flag("--animated", a.animated,
               "Animated GIF/WebP to animated WebP thumbnails (with --format same or webp)");
  cmd.add_option("--max-frame-pixels", a.max_frame_pixels,
                 "With --animated: refuse animations of more frames x pixels (0 = no limit)")
      ->capture_default_str();
  cmd.add_option("--colour", a.colour,
                 "srgb: convert colour profiles to sRGB; keep: embed the source profile")
      ->check(CLI::IsMember({"srgb", "keep"}))
      ->capture_default_str();
  cmd.add_option("--crop", a.crop,
                 "Fill the box exactly, cutting: none (fit inside), centre, attention, entropy, face")
      ->check(CLI::IsMember({"none", "centre", "center", "attention", "entropy", "face"}))
      ->capture_default_str();
  cmd.add_option("--gravity", a.gravity, "Focal point X,Y (fractions 0..1) to centre the crop on");
}

ThumbnailOptions to_thumbnail_options(const BatchArgs& a) {
  ThumbnailOptions t;
  const std::vector<Dimensions> boxes = parse_size_list(a.size);
  t.box_width = boxes.front().width;
  t.box_height = boxes.front().height;
  if (boxes.size() > 1) t.sizes = boxes;
  t.allow_enlarge = a.enlarge;
  t.format = kFormats.at(a.format);
  t.quality = a.quality;
  t.background = parse_rgb(a.background);
  t.max_pixels = a.max_pixels;
  t.decode = a.decode == "full" ? DecodeMode::Full : DecodeMode::Fast;
  t.animated = a.animated;
  t.max_frame_pixels = a.max_frame_pixels;
  t.colour = a.colour == "keep" ? ColourMode::Keep : ColourMode::Srgb;
  t.crop = parse_crop_mode(a.crop);
  if (!a.gravity.empty()) t.gravity = parse_gravity(a.gravity);
  validate_name_template(name_template(a), t);
  return t;
}

std::string name_template(const BatchArgs& a) {
  if (a.name_given) return a.name;
  return a.size.find(',') == std::string::npos ? "{stem}_thumbnail.{ext}" : "{stem}_{size}.{ext}";
}

BatchOptions to_batch_options(const BatchArgs& a) {
  BatchOptions o;
  o.thumbnail = to_thumbnail_options(a);
  o.output_dir = a.output;
  o.name_template = name_template(a);
  o.threads = a.threads;
  o.serial = a.serial;
  o.max_in_flight = a.in_flight;
  o.skip_existing = !a.force;
  o.fsync = a.no_fsync ? Fsync::Off : Fsync::Batch;
  o.cancel = &g_cancel;
  return o;
}

namespace {

// What runs the batch once the options are known: run_batch over a list, or run_batch_stream. It
// says how many items are known (and whether that is all of them) as it learns it.
using TotalCallback = std::function<void(std::size_t total, bool final)>;
using Runner = std::function<BatchReport(const BatchOptions&, const ItemCallback&, const TotalCallback&)>;

int run_with(const BatchArgs& args, const std::function<void(BatchOptions&)>& adjust,
             const std::function<Runner(const BatchOptions&)>& prepare) {
  // First thing, so that a Ctrl-C while a big folder is listed stops cleanly too.
  install_signal_handlers();
  BatchOptions options;
  Runner run;
  try {
    options = to_batch_options(args);
    adjust(options);
    run = prepare(options);
    check_result_path(args.report, "report", options.output_dir);
    if (!args.html.empty()) {
      check_html_name(args.html);
      check_result_path(args.html, "contact sheet", options.output_dir);
      if (!args.report.empty() && std::filesystem::absolute(args.html).lexically_normal() ==
                                      std::filesystem::absolute(args.report).lexically_normal())
        throw std::invalid_argument("--html and --report name the same file " + args.html);
    }
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
  Progress progress(progress_mode_for_stderr(args.quiet), write_stderr, stderr_columns);
  {
    const std::lock_guard lock(g_progress_mutex);
    g_progress = &progress;
  }
  const auto forget_progress = [&progress] {
    progress.finish();
    const std::lock_guard lock(g_progress_mutex);
    g_progress = nullptr;
  };
  // Failures are summed up by reason at the end (failure_summary); -v lists each as it comes, with
  // the warnings libraries gave about it (-q silences them).
  std::size_t with_warnings = 0;
  const auto on_item = [&](const ItemResult& r) {
    with_warnings += r.warnings.empty() ? 0u : 1u;
    if (args.verbose && r.status == ItemStatus::Failed)
      progress.print("thumbflow: " + r.input + ": " + r.error);
    else if (args.verbose)
      progress.print("thumbflow: " + r.input + ": " + to_string(r.status) + " -> " + r.output);
    // A library may print dozens of trace lines about one broken file (libjxl does): the first few
    // on the terminal, all of them in the report.
    constexpr std::size_t kShownWarnings = 3;
    if (args.verbose && !args.quiet) {
      for (std::size_t i = 0; i < r.warnings.size() && i < kShownWarnings; ++i)
        progress.print("thumbflow: " + r.input + ": warning: " + r.warnings[i]);
      if (r.warnings.size() > kShownWarnings)
        progress.print("thumbflow: " + r.input + ": " + std::to_string(r.warnings.size() - kShownWarnings) +
                       " more warnings (--report lists them)");
    }
    progress.add(r);
  };
  progress.start_ticker();
  BatchReport report;
  try {
    report = run(options, on_item, [&](std::size_t total, bool final) { progress.set_total(total, final); });
  } catch (const std::exception& e) {
    forget_progress();
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
  forget_progress();
  if (!args.verbose)
    for (const std::string& line : failure_summary(report.items)) print_line("thumbflow: " + line);
  const std::string& flush_error = report.summary.flush_error;
  if (!flush_error.empty()) print_line("thumbflow: thumbnails may not be on the disk: " + flush_error);
  std::string report_path = args.report, html = html_path(args, options.output_dir);
  const bool written = write_results(report, report_path, html);
  if (!args.quiet)
    print_summary(report.summary, progress.counts(), args.verbose ? 0 : with_warnings, report_path, html);
  if (args.json) std::cout << summary_to_json(report.summary) << "\n";
  if (report.summary.cancelled > 0) return 130;
  return report.summary.failed > 0 || !written || !flush_error.empty() ? 2 : 0;
}

}  // namespace

int run_batch_command(const BatchArgs& args, const std::function<void(BatchOptions&)>& adjust,
                      const std::function<std::vector<Item>(const BatchOptions&)>& list_items) {
  return run_with(args, adjust, [&](const BatchOptions& options) -> Runner {
    auto items = std::make_shared<std::vector<Item>>(list_items(options));
    return [items](const BatchOptions& o, const ItemCallback& on_item, const TotalCallback& on_total) {
      on_total(items->size(), true);
      return run_batch(*items, o, on_item);
    };
  });
}

int run_stream_command(const BatchArgs& args, const std::function<void(BatchOptions&)>& adjust,
                       const std::function<NextItem(const BatchOptions&)>& make_source) {
  return run_with(args, adjust, [&](const BatchOptions& options) -> Runner {
    NextItem source = make_source(options);
    return [source](const BatchOptions& o, const ItemCallback& on_item, const TotalCallback& on_total) {
      std::size_t listed = 0;
      on_total(0, false);
      const NextItem counted = [&]() -> std::optional<Item> {
        std::optional<Item> item = source();
        if (item) ++listed;
        on_total(listed, !item.has_value());
        return item;
      };
      return run_batch_stream(counted, o, on_item);
    };
  });
}

void add_gallery_listing_options(CLI::App& cmd, GalleryOptions& g) {
  cmd.add_option("--section", g.section, "Gallery section: hot, top or user")
      ->check(CLI::IsMember({"hot", "top", "user"}))
      ->capture_default_str();
  cmd.add_option("--sort", g.sort, "Gallery sort: viral, top, time or rising")
      ->check(CLI::IsMember({"viral", "top", "time", "rising"}))
      ->capture_default_str();
  cmd.add_option("--window", g.window, "Gallery window: day, week, month, year or all")
      ->check(CLI::IsMember({"day", "week", "month", "year", "all"}))
      ->capture_default_str();
  cmd.add_option("--pages", g.pages, "Gallery pages to read from page 0 (stops at the first empty page)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd.add_option("--limit", g.limit, "At most this many gallery images (0 = no limit)")
      ->capture_default_str();
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
  cmd.add_option("--timeout", d.timeout_s,
                 "Seconds one download may take in all, tries and redirects included (0 = no limit)")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  cmd.add_option("--max-bytes", d.max_bytes, "Largest body accepted, in bytes (1 to 10^12)")
      ->type_name("BYTES")
      ->check(CLI::Range(1.0, 1e12).description(""))
      ->capture_default_str();
  cmd.add_option("--keep-originals", d.keep_originals_dir, "Also save each downloaded file in this folder");
  cmd.add_option("--user-agent", d.user_agent, "User-Agent of every request (default: thumbflow/VERSION)")
      ->check(library_check(check_user_agent));
  cmd.add_option("--header", d.headers,
                 "Extra request header 'Name: value' (repeatable); not sent after a redirect to another host")
      ->type_name("'NAME: VALUE'")
      ->check(library_check(check_request_header));
}

std::string read_url_list(const std::string& path) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) throw std::invalid_argument("cannot read URL list '" + path + "': " + std::strerror(errno));
    in = &file;
  }
  std::string text;
  for (std::string line; std::getline(*in, line);) text.append(line).push_back('\n');
  return text;
}

void print_line(const std::string& line) {
  const std::lock_guard lock(g_progress_mutex);
  if (g_progress != nullptr)
    g_progress->print(line);
  else
    std::cerr << (printable(line) + "\n") << std::flush;  // lines quote names from outside
}

}  // namespace thumbflow::cli
