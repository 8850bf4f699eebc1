// thumbflow_download_alone LIST [--connections N]
// thumbflow's own downloader without the thumbnails: every http(s) URL of LIST (one per line, as
// `thumbflow fetch` reads it) through the CurlDownloader that `fetch` uses, with fetch's download
// options (--connections default 16), bodies kept in memory and dropped. The process links the
// same libraries as the CLI, so its start costs what fetch's does. Prints {"seconds", "bytes",
// "failed"} (seconds: from the first request to the last body) and exits 1 if a download failed.
// The fetch bench (fetch_bench.cpp) runs it beside `thumbflow fetch` and the download-only peers,
// which splits fetch's time into downloading and the thumbnail work that the network cannot hide.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/curl_downloader.hpp"
#include "thumbflow/options.hpp"

namespace {

std::vector<std::string> read_urls(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> urls;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') urls.push_back(line);
  return urls;
}

int run(int argc, char** argv) {
  if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--connections"))
    throw std::invalid_argument("usage: thumbflow_download_alone LIST [--connections N]");
  thumbflow::DownloadOptions options;
  options.allow_private_addresses = true;  // as `thumbflow fetch` sets it
  if (argc == 4) options.connections = std::stoi(argv[3]);
  const std::vector<std::string> urls = read_urls(argv[1]);

  std::mutex mutex;
  std::condition_variable all_done;
  std::size_t left = urls.size(), failed = 0;
  std::uint64_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  {
    thumbflow::detail::CurlDownloader downloader(options, nullptr);
    for (const std::string& url : urls)
      downloader.fetch(url, [&](thumbflow::detail::FetchResult r) {
        const std::lock_guard lock(mutex);
        bytes += r.body.size();
        if (!r.ok()) {
          ++failed;
          std::fprintf(stderr, "%s: %s\n", url.c_str(), r.error.c_str());
        }
        if (--left == 0) all_done.notify_one();
      });
    std::unique_lock lock(mutex);
    all_done.wait(lock, [&] { return left == 0; });
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"seconds\": %.6f, \"bytes\": %llu, \"failed\": %zu}\n", seconds,
              static_cast<unsigned long long>(bytes), failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "thumbflow_download_alone: %s\n", e.what());
    return 1;
  }
}
