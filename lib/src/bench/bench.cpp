// Measuring one configuration at a time, in this process: wall time, CPU time and peak RSS.
#include "thumbflow/bench.hpp"

#include <stdlib.h>  // getloadavg
#include <sys/resource.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "thumbflow/gallery.hpp"
#include "thumbflow/pipeline.hpp"
#include "thumbflow/version.hpp"

namespace thumbflow {
namespace {
namespace fs = std::filesystem;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// Peak RSS since the last reset_peak_rss(), from /proc (0 where it cannot be read).
long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

std::string cpu_model() {
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "thumbflow-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary folder");
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

class Bench {
 public:
  explicit Bench(const BenchOptions& o) : o_(o) {
    if (o.repeat < 1 || o.repeat > 100) throw std::invalid_argument("--repeat must be 1..100");
    items_ = collect_local_items({o.folder}, {});
    std::erase_if(items_, [](const Item& i) { return !i.error.empty(); });
    if (items_.empty()) throw std::invalid_argument("no images in " + o.folder);
    if (o.gallery) {
      GalleryServerOptions s;
      s.folder = o.folder;
      s.latency_ms = o.latency_ms;
      s.per_page = 50;
      s.rate_limit = 1 << 30;
      server_ = std::make_unique<GalleryServer>(s);
    }
  }

  static BenchFigure figure(std::string name, std::string description, int threads, int connections,
                            bool serial, bool gallery) {
    BenchFigure f;
    f.name = std::move(name);
    f.description = std::move(description);
    f.threads = serial ? 1 : threads;
    f.connections = gallery ? (serial ? 1 : connections) : 0;
    f.serial = serial;
    return f;
  }

  // Runs every figure once per round, round after round, so that a machine that gets slower or
  // faster during the bench shifts all figures alike instead of favouring the ones measured first.
  void measure(const std::vector<BenchFigure*>& figures) {
    if (o_.warmup)
      for (BenchFigure* f : figures) run_once(*f, nullptr);
    std::vector<std::vector<double>> cpu(figures.size());
    for (int round = 0; round < o_.repeat; ++round) {
      for (std::size_t i = 0; i < figures.size(); ++i) {
        double cores = 0;
        figures[i]->seconds.push_back(run_once(*figures[i], &cores));
        cpu[i].push_back(cores);
      }
      if (o_.progress)
        o_.progress("round " + std::to_string(round + 1) + " of " + std::to_string(o_.repeat) + " done");
    }
    for (std::size_t i = 0; i < figures.size(); ++i) {
      BenchFigure& f = *figures[i];
      f.median_s = median(f.seconds);
      f.min_s = *std::min_element(f.seconds.begin(), f.seconds.end());
      f.max_s = *std::max_element(f.seconds.begin(), f.seconds.end());
      f.spread = f.min_s > 0 ? (f.max_s - f.min_s) / f.min_s : 0;
      f.cpu_cores = median(cpu[i]);
      if (f.median_s > 0) {
        f.images_per_s = double(f.images) / f.median_s;
        f.mp_per_s = f.megapixels / f.median_s;
        f.mb_per_s = f.megabytes / f.median_s;
      }
    }
  }

 private:
  // One run into a fresh temporary folder; returns its wall time.
  double run_once(BenchFigure& f, double* cpu_cores) {
    TempFolder out;
    BatchOptions b;
    b.thumbnail = o_.thumbnail;
    if (b.thumbnail.sizes.size() > 1) b.name_template = "{stem}_{size}.{ext}";
    b.output_dir = out.path() + "/out";
    b.threads = f.threads;
    b.serial = f.serial;
    b.skip_existing = false;
    b.download.connections = std::max(1, f.connections);
    b.download.retries = 0;
    b.download.allow_private_addresses = true;  // its own embedded gallery, on loopback
    reset_peak_rss();
    const double cpu_before = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    BatchReport report;
    if (server_) {
      GalleryOptions g;
      g.api = server_->url();
      g.pages = 100000;
      g.types.clear();  // every file the folder has; the pipeline reports what it cannot read
      g.allow_animated = true;
      report = run_batch_stream(gallery_source(g, nullptr, {}), b);
    } else {
      report = run_batch(items_, b);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (cpu_cores) *cpu_cores = seconds > 0 ? (cpu_seconds() - cpu_before) / seconds : 0;
    f.peak_rss_kb = std::max(f.peak_rss_kb, peak_rss_kb());
    f.images = report.summary.done;
    f.thumbnails = report.summary.thumbnails;
    f.failed = report.summary.failed;
    f.megapixels = report.summary.megapixels_in;
    f.megabytes = double(report.summary.bytes_in) / 1e6;
    if (report.summary.done == 0) throw std::runtime_error(f.name + ": no image was thumbnailed");
    return seconds;
  }

  const BenchOptions& o_;
  std::vector<Item> items_;
  std::unique_ptr<GalleryServer> server_;
};

double load_average() {
  double load[1];
  return ::getloadavg(load, 1) == 1 ? load[0] : -1;
}

void add_ratios(std::vector<BenchFigure>& figures, double serial_s) {
  for (BenchFigure& f : figures) {
    f.speedup = f.median_s > 0 ? serial_s / f.median_s : 0;
    f.efficiency = f.speedup / std::max(1, f.threads);
  }
}

}  // namespace

BenchResult run_bench(const BenchOptions& o) {
  Bench bench(o);
  BenchResult r;
  r.folder = o.folder;
  r.gallery = o.gallery;
  r.latency_ms = o.gallery ? o.latency_ms : 0;
  r.repeat = o.repeat;
  r.cores = tbb::info::default_concurrency();
  r.cpu_model = cpu_model();
  r.thumbflow_version = version();
  r.library_versions = library_versions();
  r.load_before = load_average();
  const int n = o.max_threads > 0 ? o.max_threads : r.cores;
  const int c = o.pipeline_connections;
  const bool g = o.gallery;
  r.modes.push_back(Bench::figure("serial", "one download at a time, one image at a time", 1, 1, true, g));
  if (g) {
    r.modes.push_back(
        Bench::figure("threads", "thumbnails on all threads, downloads one at a time", n, 1, false, g));
    r.modes.push_back(
        Bench::figure("downloads", "concurrent downloads, thumbnails on one thread", 1, c, false, g));
    r.modes.push_back(
        Bench::figure("pipeline", "concurrent downloads and all threads, overlapped", n, c, false, g));
  } else {
    r.modes.push_back(Bench::figure("threads", "thumbnails on all threads (flow graph)", n, 0, false, g));
  }
  for (int t = 1; t <= n; ++t)
    r.thread_sweep.push_back(Bench::figure("threads=" + std::to_string(t), "flow graph", t, c, false, g));
  if (g)
    for (int conn : o.connections)
      r.connection_sweep.push_back(
          Bench::figure("connections=" + std::to_string(conn), "flow graph", n, conn, false, g));
  std::vector<BenchFigure*> all;
  for (auto* list : {&r.modes, &r.thread_sweep, &r.connection_sweep})
    for (BenchFigure& f : *list) all.push_back(&f);
  bench.measure(all);
  r.load_after = load_average();
  const double serial_s = r.modes.front().median_s;
  add_ratios(r.modes, serial_s);
  add_ratios(r.thread_sweep, serial_s);
  add_ratios(r.connection_sweep, serial_s);
  return r;
}

}  // namespace thumbflow
