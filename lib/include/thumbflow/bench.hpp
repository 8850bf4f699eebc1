// `thumbflow bench`: the same workload in several modes (serial, threads, concurrent downloads,
// the full pipeline) and sweeps over threads and connections, measured in this process.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "thumbflow/options.hpp"

namespace thumbflow {

struct BenchOptions {
  std::string folder;  // the images; also what the embedded gallery serves with `gallery`
  // Serve the folder from the embedded gallery (127.0.0.1) with latency_ms per response, so the
  // download side is realistic; otherwise the local folder is read and download modes are skipped.
  bool gallery = false;
  int latency_ms = 100;
  int repeat = 3;  // measured runs per figure (1..100), after one warm-up run unless !warmup
  bool warmup = true;
  int max_threads = 0;  // the thread sweep goes 1..max_threads (0: the cores of this machine)
  std::vector<int> connections = {1, 4, 16, 64};  // the connection sweep (gallery only)
  int pipeline_connections = 16;                  // connections of the download modes
  ThumbnailOptions thumbnail{};
  std::function<void(const std::string&)> progress;  // one line per round; may be empty
};

// One figure: `repeat` runs of one configuration.
struct BenchFigure {
  std::string name;  // "serial", "threads", "downloads", "pipeline", "threads=2", "connections=16"
  std::string description;
  int threads = 1, connections = 0;  // connections 0: no downloads
  bool serial = false;
  std::vector<double> seconds;  // every measured run
  double median_s = 0, min_s = 0, max_s = 0;
  double spread = 0;                     // (max_s - min_s) / min_s: 0.1 means the slowest run took 10% longer
  std::size_t images = 0, failed = 0;    // of the last run
  std::size_t thumbnails = 0;            // files written by the last run (images x sizes)
  double megapixels = 0, megabytes = 0;  // input of the last run
  double images_per_s = 0, mp_per_s = 0, mb_per_s = 0;  // from the median
  double speedup = 0;                                   // serial median / this median
  double efficiency = 0;                                // speedup / threads
  double cpu_cores = 0;                                 // (user + system CPU time) / wall time, median run
  long peak_rss_kb = 0;                                 // highest of the runs (VmHWM, reset before each run)
};

struct BenchResult {
  std::string folder;
  bool gallery = false;
  int latency_ms = 0, repeat = 0, cores = 0;
  std::string cpu_model, thumbflow_version, library_versions;
  // 1-minute load average before and after the runs (-1 if unknown): other work on the machine.
  double load_before = -1, load_after = -1;
  std::vector<BenchFigure> modes;             // serial first
  std::vector<BenchFigure> thread_sweep;      // threads 1..N
  std::vector<BenchFigure> connection_sweep;  // gallery only
};

// Runs everything. Output goes to temporary folders that are removed. Throws std::invalid_argument
// for bad options or a folder without images, std::runtime_error when a run fails as a whole.
BenchResult run_bench(const BenchOptions& options);

std::string bench_table(const BenchResult& result);  // aligned text tables for a terminal
// Why the figures may not be trusted, in words, one line each ("" none): a figure whose runs
// spread over more than kBenchMaxSpread, the same configuration measured twice (a mode and its
// sweep point) differing by more, or a load average above half the cores before the runs.
inline constexpr double kBenchMaxSpread = 0.10;
std::vector<std::string> bench_warnings(const BenchResult& result);
std::string bench_json(const BenchResult& result);  // every number, the machine and the versions
// A self-contained SVG: speedup vs threads, and (gallery) vs connections, with the ideal line.
std::string bench_svg(const BenchResult& result);

}  // namespace thumbflow
