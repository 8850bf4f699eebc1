// thumbflow_fetch_bench [--images N] [--latency-ms MS] [--size WxH] [--repeat R] [--json FILE]
//                       [--sweep] [--fetch-args "ARGS"] [--serve SECONDS]
// The speed bar of issue 4, measured side by side in one run against the loopback test server
// (tests/support/http_server, every response delayed by --latency-ms): `thumbflow fetch --serial`,
// `thumbflow fetch` (concurrent, overlapped), `curl --parallel --parallel-max 16 --parallel-immediate`
// and `aria2c -j16` (downloads alone; aria2c skipped with a note if not installed), fetch's own
// downloader without the thumbnails (thumbflow_download_alone: fetch's download options, loading
// every library the CLI loads, and again loading libcurl's alone), `thumbflow run` on the same
// originals (thumbnails alone) and, with --sweep, `fetch --connections 1/4/16/64`. Wall time around
// the whole process; one warm-up round, then R rounds with the modes interleaved (rotated each round) so that
// noise hits all of them alike. Every run writes into a fresh folder that is removed afterwards.
// --fetch-args: more options (space-separated) for every `thumbflow fetch` run, e.g. "--in-flight 64
// --per-host 0".
// --serve S: measure nothing; serve the set for S seconds (at most 3600) and print where its URL list and
// curl/aria2c inputs are, for runs by hand (perf, strace, a report) against the same server.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_server.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using thumbflow::test::CommandResult;
using thumbflow::test::HttpServer;
using thumbflow::test::Response;
using thumbflow::test::run_command;
using thumbflow::test::TempDir;

namespace {

constexpr const char* kRunMode = "run (thumbnails alone)";
constexpr const char* kAloneMode = "downloader alone";            // the CLI's libraries loaded
constexpr const char* kAloneLightMode = "downloader, curl libs";  // libcurl's libraries alone
constexpr int kRunTimeoutS = 600;  // one command; a hang ends the bench with an error
const std::string kCurl = "/usr/bin/curl";
const std::string kAria2c = "/usr/bin/aria2c";  // Debian package aria2

struct Config {
  int images = 200, latency_ms = 100, repeat = 3, serve_s = 0;
  std::string size = "1600x1200", json_path, fetch_args;
  bool sweep = false;
};

struct Mode {
  std::string name;
  std::vector<std::string> argv;  // "{out}" is replaced by the run's output folder
  bool thumbflow = true;          // prints the JSON summary (done, seconds)
  std::vector<double> wall, cli_seconds;
  int peak_requests = 0, connections = 0;  // from the server, last measured run
  bool writes_files = true;                // one file per image in the run's folder
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

int to_int(const std::string& flag, const char* value, int lo, int hi) {
  const int v = std::stoi(value);
  if (v < lo || v > hi)
    throw std::invalid_argument(flag + " must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

Config parse_args(int argc, char** argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--sweep")
      c.sweep = true;
    else if (a == "--images" && has_value)
      c.images = to_int(a, argv[++i], 1, 100000);
    else if (a == "--latency-ms" && has_value)
      c.latency_ms = to_int(a, argv[++i], 0, 60000);
    else if (a == "--repeat" && has_value)
      c.repeat = to_int(a, argv[++i], 1, 100);
    else if (a == "--serve" && has_value)
      c.serve_s = to_int(a, argv[++i], 1, 3600);
    else if (a == "--fetch-args" && has_value)
      c.fetch_args = argv[++i];
    else if (a == "--size" && has_value)
      c.size = argv[++i];
    else if (a == "--json" && has_value)
      c.json_path = argv[++i];
    else
      throw std::invalid_argument(
          "usage: thumbflow_fetch_bench [--images 200] [--latency-ms 100] [--size 1600x1200] "
          "[--repeat 3] [--json FILE] [--sweep] [--fetch-args \"ARGS\"] [--serve SECONDS]");
  }
  return c;
}

// Files the run produced, without the hidden settings stamp thumbflow keeps next to them.
std::size_t count_files(const fs::path& dir) {
  if (!fs::is_directory(dir)) return 0;
  return static_cast<std::size_t>(
      std::count_if(fs::directory_iterator(dir), fs::directory_iterator{}, [](const fs::directory_entry& e) {
        return e.is_regular_file() && e.path().filename().string().rfind('.', 0) != 0;
      }));
}

// Runs one mode once into a fresh `out`; records wall time and the server's view of it.
void measure(Mode& mode, HttpServer& server, const fs::path& out, int images, bool keep) {
  fs::remove_all(out);
  fs::create_directories(out);
  std::vector<std::string> argv = mode.argv;
  for (auto& a : argv)
    if (a == "{out}") a = out.string();
  server.reset_stats();
  const auto start = std::chrono::steady_clock::now();
  const CommandResult r = run_command(argv, kRunTimeoutS);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::size_t files = count_files(out);
  fs::remove_all(out);
  if (r.exit_code != 0 || (mode.writes_files && files != static_cast<std::size_t>(images)))
    throw std::runtime_error(mode.name + ": exit " + std::to_string(r.exit_code) + ", " +
                             std::to_string(files) + " files of " + std::to_string(images) + "\n" + r.err);
  if (!keep) return;
  mode.wall.push_back(wall);
  if (mode.thumbflow) mode.cli_seconds.push_back(json::parse(r.out).at("seconds").get<double>());
  mode.peak_requests = server.max_concurrent_requests();
  mode.connections = server.connections_accepted();
}

std::vector<Mode> make_modes(const Config& c, const std::string& cli, const fs::path& tools,
                             const fs::path& list, const fs::path& originals, const fs::path& curl_config,
                             const fs::path& aria2_input) {
  auto fetch = [&](std::string name, std::vector<std::string> extra) {
    std::vector<std::string> argv = {cli, "fetch", list.string(), "-o", "{out}", "--json", "-q", "--no-html"};
    std::istringstream more(c.fetch_args);
    for (std::string word; more >> word;) extra.push_back(word);
    argv.insert(argv.end(), extra.begin(), extra.end());
    return Mode{std::move(name), std::move(argv), true, {}, {}, 0, 0};
  };
  std::vector<Mode> modes;
  modes.push_back(fetch("fetch --serial", {"--serial"}));
  modes.push_back(fetch("fetch (default)", {}));
  // --parallel-immediate: open connections at once instead of waiting to multiplex on busy ones
  // (thumbflow does the same, see curl_downloader.cpp); without it curl is handicapped.
  modes.push_back(Mode{"curl -Z --parallel-max 16",
                       {kCurl, "--parallel", "--parallel-max", "16", "--parallel-immediate", "--fail", "-sS",
                        "--config", curl_config.string()},
                       false,
                       {},
                       {},
                       0,
                       0});
  if (fs::exists(kAria2c))
    modes.push_back(
        Mode{"aria2c -j16",
             {kAria2c, "-j16", "--quiet=true", "--file-allocation=none", "--allow-overwrite=true",
              "--auto-file-renaming=false", "--max-tries=1", "-d", "{out}", "-i", aria2_input.string()},
             false,
             {},
             {},
             0,
             0});
  else
    std::printf("note: %s not installed (apt-get install aria2): aria2c peer skipped\n", kAria2c.c_str());
  for (const auto& [name, tool] :
       {std::pair{kAloneMode, "download_alone_full"}, {kAloneLightMode, "download_alone"}}) {
    Mode alone{name, {(tools / tool).string(), list.string()}, true, {}, {}, 0, 0};
    alone.writes_files = false;
    modes.push_back(std::move(alone));
  }
  modes.push_back(Mode{kRunMode,
                       {cli, "run", originals.string(), "-o", "{out}", "--json", "-q", "--no-html"},
                       true,
                       {},
                       {},
                       0,
                       0});
  if (c.sweep)
    for (const int n : {1, 4, 16, 64})
      modes.push_back(
          fetch("fetch --connections " + std::to_string(n), {"--connections", std::to_string(n)}));
  return modes;
}

// The curl config names outputs inside the run's folder, which is always `out`.
void write_curl_config(const fs::path& path, const std::vector<std::string>& urls,
                       const std::vector<std::string>& names, const fs::path& out) {
  std::ofstream f(path);
  for (std::size_t i = 0; i < urls.size(); ++i)
    f << "url = \"" << urls[i] << "\"\noutput = \"" << (out / names[i]).string() << "\"\n";
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

// aria2c's input file: each URL, then its output name (relative to -d) on an indented line.
void write_aria2_input(const fs::path& path, const std::vector<std::string>& urls,
                       const std::vector<std::string>& names) {
  std::ofstream f(path);
  for (std::size_t i = 0; i < urls.size(); ++i) f << urls[i] << "\n  out=" << names[i] << "\n";
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

json ratio(const char* what, double value, double bar, bool at_least) {
  const bool pass = at_least ? value >= bar : value <= bar;
  std::printf("  %-58s %7.2f   bar %s %.2f   %s\n", what, value, at_least ? ">=" : "<=", bar,
              pass ? "PASS" : "FAIL");
  return {{"what", what}, {"value", value}, {"bar", bar}, {"at_least", at_least}, {"pass", pass}};
}

int bench(const Config& c) {
  TempDir work;
  const fs::path originals = work / "originals", out = work / "out";
  const CommandResult gen = run_command(
      {THUMBFLOW_MAKE_IMAGES, originals.string(), std::to_string(c.images), c.size}, kRunTimeoutS);
  if (gen.exit_code != 0) throw std::runtime_error("thumbflow_make_images failed:\n" + gen.err);

  HttpServer server;
  std::vector<std::string> names, urls;
  for (const auto& e : fs::directory_iterator(originals)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  double total_mb = 0;
  for (const auto& name : names) {
    const auto bytes = thumbflow::test::read_bytes(originals / name);
    total_mb += static_cast<double>(bytes.size()) / 1e6;
    Response r = Response::ok(std::string(bytes.begin(), bytes.end()), "image/jpeg");
    r.latency_ms = c.latency_ms;
    server.set("/img/" + name, std::move(r));
    urls.push_back(server.url("/img/" + name));
  }
  std::string list_text;
  for (const auto& u : urls) list_text += u + "\n";
  thumbflow::test::write_text(work / "urls.txt", list_text);
  write_curl_config(work / "curl.cfg", urls, names, out);
  write_aria2_input(work / "aria2.txt", urls, names);

  if (c.serve_s > 0) {
    std::printf(
        "serving %d images on %s for %d s\nURL list: %s\ncurl config: %s (outputs in %s)\naria2c input: %s\n",
        c.images, server.url("").c_str(), c.serve_s, (work / "urls.txt").c_str(), (work / "curl.cfg").c_str(),
        out.c_str(), (work / "aria2.txt").c_str());
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(c.serve_s));
    return 0;
  }
  const unsigned cores = std::thread::hardware_concurrency();
  std::printf(
      "thumbflow_fetch_bench: %d images of %s (%.1f MB), %d ms latency per request, %u cores, "
      "median of %d runs after 1 warm-up\n",
      c.images, c.size.c_str(), total_mb, c.latency_ms, cores, c.repeat);
  std::fflush(stdout);

  // A private copy: others may relink the build tree's binary while the bench runs.
  fs::copy_file(THUMBFLOW_CLI, work / "thumbflow");
  fs::copy_file(THUMBFLOW_DOWNLOAD_ALONE, work / "download_alone");
  fs::copy_file(THUMBFLOW_DOWNLOAD_ALONE_FULL, work / "download_alone_full");
  std::vector<Mode> modes = make_modes(c, (work / "thumbflow").string(), work.path(), work / "urls.txt",
                                       originals, work / "curl.cfg", work / "aria2.txt");
  for (int round = 0; round <= c.repeat; ++round)
    for (std::size_t k = 0; k < modes.size(); ++k)
      measure(modes[(k + static_cast<std::size_t>(round)) % modes.size()], server, out, c.images, round > 0);

  const double serial = median(modes[0].wall);
  std::printf("\n%-26s %8s %8s %8s %9s %8s %8s %6s %6s\n", "mode", "median s", "min", "max", "images/s",
              "vs serial", "self s", "peak", "conns");
  json jmodes = json::array();
  for (const Mode& m : modes) {
    const double med = median(m.wall);
    const auto [lo, hi] = std::minmax_element(m.wall.begin(), m.wall.end());
    const double self = median(m.cli_seconds);
    std::printf("%-26s %8.3f %8.3f %8.3f %9.1f %8.2fx ", m.name.c_str(), med, *lo, *hi, c.images / med,
                serial / med);
    if (m.thumbflow)
      std::printf("%8.3f", self);
    else
      std::printf("%8s", "-");
    std::printf(" %6d %6d\n", m.peak_requests, m.connections);
    jmodes.push_back({{"mode", m.name},
                      {"argv", m.argv},
                      {"wall_s", m.wall},
                      {"cli_seconds", m.cli_seconds},
                      {"median_s", med},
                      {"min_s", *lo},
                      {"max_s", *hi},
                      {"images_per_s", c.images / med},
                      {"speedup_vs_serial", serial / med},
                      {"peak_concurrent_requests", m.peak_requests},
                      {"connections_accepted", m.connections}});
  }
  std::printf(
      "(self s: the CLI's own \"seconds\"; peak: most requests in flight at the server; conns: "
      "connections it accepted; both from the last run)\n\nSpeed bar (issues 4 and 19):\n");
  auto median_of = [&](const std::string& name) {
    const auto m = std::find_if(modes.begin(), modes.end(), [&](const Mode& x) { return x.name == name; });
    return m == modes.end() ? 0.0 : median(m->wall);
  };
  const double concurrent = median(modes[1].wall), curl = median(modes[2].wall),
               aria2 = median_of("aria2c -j16"), thumbs = median_of(kRunMode), alone = median_of(kAloneMode),
               alone_light = median_of(kAloneLightMode);
  const double best_download = aria2 > 0 ? std::min(curl, aria2) : curl;
  json ratios = json::array();
  ratios.push_back(ratio("fetch --serial / fetch (concurrent)", serial / concurrent, 10.0, true));
  ratios.push_back(ratio("fetch (concurrent) / curl --parallel-max 16", concurrent / curl, 1.0, false));
  if (aria2 > 0) ratios.push_back(ratio("fetch (concurrent) / aria2c -j16", concurrent / aria2, 1.0, false));
  ratios.push_back(ratio("fetch (concurrent) / faster download-only peer (issue 19)",
                         concurrent / best_download, 1.0, false));
  ratios.push_back(ratio("fetch (overlapped) / max(curl alone, run alone)",
                         concurrent / std::max(curl, thumbs), 1.2, false));
  std::printf(
      "\nWhere fetch's time goes (medians):\n"
      "  fetch's downloader alone / faster download-only peer             %7.2f\n"
      "  fetch - downloader alone (thumbnail work the network does not hide) %5.0f ms\n"
      "  downloader alone - with libcurl's libraries only (start cost)    %7.0f ms\n",
      alone / best_download, (concurrent - alone) * 1000, (alone - alone_light) * 1000);

  if (!c.json_path.empty()) {
    const json doc = {{"images", c.images},
                      {"size", c.size},
                      {"latency_ms", c.latency_ms},
                      {"repeat", c.repeat},
                      {"cores", cores},
                      {"total_mb", total_mb},
                      {"fetch_args", c.fetch_args},
                      {"modes", jmodes},
                      {"ratios", ratios},
                      {"downloader_alone_vs_best_peer", alone / best_download},
                      {"fetch_minus_downloader_alone_s", concurrent - alone},
                      {"downloader_alone_minus_light_start_s", alone - alone_light}};
    std::ofstream f(c.json_path);
    f << doc.dump(2) << "\n";
    if (!f) throw std::runtime_error("cannot write " + c.json_path);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return bench(parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "thumbflow_fetch_bench: %s\n", e.what());
    return 1;
  }
}
