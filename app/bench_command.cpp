// `thumbflow bench`: serial vs parallel on a folder (or on the embedded gallery), with tables,
// JSON and an SVG chart.
#include <fstream>
#include <iostream>
#include <memory>

#include "batch_cli.hpp"
#include "commands.hpp"
#include "samples.hpp"
#include "thumbflow/bench.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow::cli {
namespace {

struct BenchArgs {
  BenchOptions bench;
  std::string size = "128x128", json_path, chart_path;
  bool quiet = false;
};

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

int run_bench_command(BenchArgs& a) {
  try {
    BenchOptions o = a.bench;
    if (o.folder.empty()) o.folder = sample_folder();
    const Dimensions box = parse_box(a.size);
    o.thumbnail.box_width = box.width;
    o.thumbnail.box_height = box.height;
    if (!a.quiet) o.progress = [](const std::string& line) { print_line("thumbflow bench: " + line); };
    const BenchResult result = run_bench(o);
    std::cout << bench_table(result) << std::flush;
    if (!a.json_path.empty()) write_text(a.json_path, bench_json(result));
    if (!a.chart_path.empty()) write_text(a.chart_path, bench_svg(result));
    return 0;
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
}

}  // namespace

void add_bench_command(CLI::App& app, std::function<int()>& command) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand("bench", "Serial vs parallel on the same images: modes, sweeps, chart.");
  cmd->footer(
      "Modes: serial (one download, one image at a time), threads (thumbnails on all threads), and with\n"
      "--gallery also downloads (concurrent downloads, one thumbnail thread) and pipeline (both,\n"
      "overlapped). Sweeps: threads 1..cores, and with --gallery connections 1, 4, 16, 64.\n"
      "Each figure is the median of --repeat runs (in rounds, after a warm-up); outputs go to temporary "
      "folders.\n"
      "Examples:\n"
      "  thumbflow bench                               the sample images\n"
      "  thumbflow bench photos/ --json bench.json --chart bench.svg\n"
      "  thumbflow bench --gallery --latency-ms 100    the sample images served with 100 ms latency");
  BenchOptions& b = args->bench;
  cmd->add_option("folder", b.folder, "Images to use (default: the sample images)");
  cmd->add_flag("--gallery", b.gallery, "Serve the folder from the embedded gallery and download it");
  cmd->add_option("--latency-ms", b.latency_ms, "With --gallery: latency of each response")
      ->check(CLI::Range(0, 60000))
      ->capture_default_str();
  cmd->add_option("--repeat", b.repeat, "Measured runs per figure")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--max-threads", b.max_threads, "Thread sweep goes 1..N (0 = cores)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd->add_option("--connections", b.connections, "Connection sweep (with --gallery), e.g. 1,4,16,64")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("-s,--size", args->size, "Box to fit (WxH or N)")->capture_default_str();
  cmd->add_option("--json", args->json_path, "Write every number, the machine and the versions to this file");
  cmd->add_option("--chart", args->chart_path, "Write an SVG chart of speedup vs threads and connections");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress lines");
  cmd->callback([&command, args] { command = [args] { return run_bench_command(*args); }; });
}

}  // namespace thumbflow::cli
