// `thumbflow serve-gallery`: the embedded Imgur-compatible gallery, until Ctrl-C.
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "samples.hpp"
#include "thumbflow/gallery.hpp"

namespace thumbflow::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop.store(true); }

int serve(GalleryServerOptions options) {
  if (options.folder.empty()) options.folder = sample_folder();
  std::unique_ptr<GalleryServer> server;
  try {
    server = std::make_unique<GalleryServer>(options);
  } catch (const std::exception& e) {
    std::cerr << "thumbflow: " << e.what() << "\n";
    return 1;
  }
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  std::cerr << "thumbflow: gallery of " << server->image_count() << " images (" << server->album_count()
            << " albums) at " << server->url() << "  (Ctrl-C stops)\n";
  std::cout << server->url() << std::endl;  // flushed: scripts read it before the server ends

  // A signal handler may only set a flag; this thread turns the flag into stop().
  std::atomic<bool> ended{false};
  std::thread watcher([&] {
    while (!g_stop && !ended) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server->stop();
  });
  server->wait();
  ended = true;
  watcher.join();
  return 0;
}

}  // namespace

void add_serve_gallery_command(CLI::App& app, std::function<int()>& command) {
  auto options = std::make_shared<GalleryServerOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve-gallery", "Serve a folder of images as an Imgur-compatible gallery API on 127.0.0.1.");
  cmd->footer(
      "Serves GET /3/gallery/{hot|top|user}/{viral|top|time|rising}/{day|week|month|year|all}/{page},\n"
      "GET /3/album/{id}/images and the image files (/i/{id}.{ext}). Sub-folders are albums. API\n"
      "requests need the header 'Authorization: Client-ID <id>' and get X-RateLimit-* headers.\n"
      "Prints the server's URL on standard output; Ctrl-C (or SIGTERM) stops it (exit status 0).\n"
      "Examples:\n"
      "  thumbflow serve-gallery                        the sample images, on a free port\n"
      "  thumbflow serve-gallery photos/ --port 8080 --latency-ms 100\n"
      "  curl -H 'Authorization: Client-ID demo' http://127.0.0.1:PORT/3/gallery/hot/viral/day/0");
  cmd->add_option("folder", options->folder,
                  "Folder of images (default: ./data if present, else the sample images)");
  cmd->add_option("--port", options->port, "Port on 127.0.0.1 (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--latency-ms", options->latency_ms, "Delay before every response")
      ->check(CLI::Range(0, 60000))
      ->capture_default_str();
  cmd->add_option("--per-page", options->per_page, "Gallery entries per page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--client-id", options->client_id, "Client id required (default: any non-empty one)");
  cmd->add_option("--rate-limit", options->rate_limit, "API requests per client id and window before 429")
      ->check(CLI::Range(0, 1'000'000'000))
      ->capture_default_str();
  cmd->add_option("--rate-window", options->rate_window_s,
                  "Seconds after which every rate limit is whole again")
      ->check(CLI::Range(1, 604800))
      ->capture_default_str();
  cmd->callback([&command, options] { command = [options] { return serve(*options); }; });
}

}  // namespace thumbflow::cli
