// `thumbflow bench`: serial vs parallel on a folder (or on the embedded gallery), with tables,
// JSON and an SVG chart.
#include <filesystem>
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
  std::string size = "128x128", output = "bench-results", json_path, chart_path;
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
    const std::vector<Dimensions> boxes = parse_size_list(a.size);
    o.thumbnail.box_width = boxes.front().width;
    o.thumbnail.box_height = boxes.front().height;
    if (boxes.size() > 1) o.thumbnail.sizes = boxes;
    if (!a.quiet) o.progress = [](const std::string& line) { print_line("thumbflow bench: " + line); };
    // Named files go where named; the others into the output folder.
    const auto in_output = [&a](const std::string& given, const char* name) {
      if (!given.empty()) return given;
      std::filesystem::create_directories(a.output);
      return (std::filesystem::path(a.output) / name).string();
    };
    const BenchResult result = run_bench(o);
    std::cout << bench_table(result) << std::flush;
    const std::string json_path = in_output(a.json_path, "bench.json");
    const std::string chart_path = in_output(a.chart_path, "bench.svg");
    write_text(json_path, bench_json(result));
    write_text(chart_path, bench_svg(result));
    for (const std::string& w : bench_warnings(result)) print_line("thumbflow bench: warning: " + w);
    if (!a.quiet) print_line("thumbflow bench: JSON in " + json_path + ", chart in " + chart_path);
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
      "Each figure is the median of --repeat runs (in rounds, after a warm-up), with its spread; a\n"
      "warning says when the spread, or the machine's load, is too high to trust. Thumbnails go to\n"
      "temporary folders; bench.json and bench.svg to the output folder (or to --json and --chart).\n"
      "Examples:\n"
      "  thumbflow bench                               the sample images\n"
      "  thumbflow bench photos/ -o results/            results/bench.json and results/bench.svg\n"
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
  cmd->add_option("-s,--size", args->size, "Box to fit (WxH or N), or several: 128,512,1024")
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Folder for bench.json and bench.svg")->capture_default_str();
  cmd->add_option("--json", args->json_path,
                  "Write every number, the machine and the versions here (default: OUTPUT/bench.json)");
  cmd->add_option(
      "--chart", args->chart_path,
      "Write an SVG chart of speedup vs threads and connections here (default: OUTPUT/bench.svg)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress lines");
  cmd->callback([&command, args] { command = [args] { return run_bench_command(*args); }; });
}

}  // namespace thumbflow::cli
