// `thumbflow gallery`: list an Imgur-compatible gallery, download its images and make their
// thumbnails, all overlapped; `--demo` runs it against the embedded gallery.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "batch_cli.hpp"
#include "commands.hpp"
#include "samples.hpp"
#include "thumbflow/gallery.hpp"

namespace thumbflow::cli {
namespace {

struct GalleryArgs : BatchArgs {
  GalleryOptions gallery;
  DownloadOptions download;
  std::string nsfw = "skip",
              types = "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,image/avif,image/jxl";
  std::uint64_t min_bytes = 0;
  bool demo = false, dry_run = false, skip_animated = false, pages_given = false;
  int latency_ms = 0;
  std::string samples;                    // --demo: the folder served (default: the sample images)
  std::shared_ptr<GalleryServer> server;  // the embedded gallery of --demo, for the whole run
};

std::vector<std::string> split_types(const std::string& list) {
  std::vector<std::string> types;
  std::stringstream in(list);
  for (std::string t; std::getline(in, t, ',');)
    if (t == "jpg" || t == "jpeg")
      types.push_back("image/jpeg");
    else if (!t.empty())
      types.push_back(t.find('/') == std::string::npos ? "image/" + t : t);
  return types;
}

void log_line(const std::string& line) { print_line("thumbflow: " + line); }

std::string size_text(const std::optional<std::uint64_t>& size) {
  return size ? std::to_string(*size) : std::string("?");
}

// Sets up everything but the thumbnail options; starts the embedded gallery for --demo.
GalleryOptions gallery_options(GalleryArgs& a) {
  GalleryOptions g = a.gallery;
  if (g.client_id.empty())
    if (const char* id = std::getenv("IMGUR_CLIENT_ID")) g.client_id = id;
  g.types = split_types(a.types);
  g.allow_animated = !a.skip_animated;
  g.allow_nsfw = a.nsfw == "allow";
  if (a.min_bytes > 0) g.min_bytes = a.min_bytes;
  g.max_bytes = a.download.max_bytes;
  g.retries = a.download.retries;
  g.backoff_ms = a.download.backoff_ms;
  g.max_wait_s = a.download.retry_after_max_s;
  // An API request is never allowed longer than an image download.
  if (a.download.timeout_s > 0) g.timeout_s = std::min(g.timeout_s, a.download.timeout_s);
  g.user_agent = a.download.user_agent;
  g.headers = a.download.headers;
  g.allow_private_addresses = a.download.allow_private_addresses;
  if (a.demo) {
    GalleryServerOptions s;
    s.folder = a.samples.empty() ? sample_folder() : a.samples;
    s.latency_ms = a.latency_ms;
    s.client_id = g.client_id.empty() ? "thumbflow-local" : g.client_id;
    a.server = std::make_shared<GalleryServer>(s);
    g.api = a.server->url();
    if (!a.pages_given) g.pages = 100000;  // the whole gallery: the listing stops at the first empty page
    print_line("thumbflow: demo gallery of " + std::to_string(a.server->image_count()) + " images (" +
               std::to_string(a.server->album_count()) + " albums) from " + s.folder + " at " + g.api +
               (a.latency_ms > 0 ? ", " + std::to_string(a.latency_ms) + " ms latency" : ""));
  }
  return g;
}

int dry_run(GalleryArgs& a) {
  try {
    const GalleryOptions g = gallery_options(a);
    std::cout << "id\ttype\tbytes\twidth\theight\talbum\tlink\n";
    const NextItem next = gallery_source(g, nullptr, log_line, [](const GalleryEntry& e) {
      std::cout << e.id << '\t' << e.type << '\t' << size_text(e.size) << '\t' << e.width << '\t' << e.height
                << '\t' << (e.album.empty() ? "-" : e.album) << '\t' << e.link << '\n';
    });
    int failed = 0;
    while (const std::optional<Item> item = next())
      if (!item->error.empty()) {
        print_line("thumbflow: " + item->input + ": " + item->error);
        ++failed;
      }
    return failed > 0 ? 2 : 0;
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
}

}  // namespace

void add_gallery_command(CLI::App& app, std::function<int()>& command) {
  auto args = std::make_shared<GalleryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "gallery",
      "Thumbnails of the images of an Imgur-compatible gallery (listing, downloads, thumbnails overlap).");
  cmd->footer(
      "Reads GET {api}/3/gallery/{section}/{sort}/{window}/{page} with 'Authorization: Client-ID <id>'.\n"
      "Albums are expanded; nsfw and non-image entries are left out unless asked for.\n"
      "Examples:\n"
      "  thumbflow gallery --demo -o thumbs/                   the embedded gallery of the sample images\n"
      "  thumbflow gallery --demo --latency-ms 100 --dry-run   what would be downloaded\n"
      "  IMGUR_CLIENT_ID=abc123 thumbflow gallery -o thumbs/ --section top --window week --pages 3\n"
      "  thumbflow gallery --api http://127.0.0.1:8080 -o thumbs/   a gallery started by 'thumbflow "
      "serve-gallery'\n"
      "--header values go on API and image requests, to their own scheme, host and port only (never after\n"
      "a redirect elsewhere). Proxies: libcurl's http_proxy, https_proxy, all_proxy and no_proxy are "
      "honoured;\n"
      "behind one, the address guard checks each link's own host.");
  GalleryOptions& g = args->gallery;
  cmd->add_flag("--demo", args->demo, "Start the embedded gallery of the sample images and use it");
  cmd->add_option("--latency-ms", args->latency_ms, "With --demo: latency the embedded gallery adds")
      ->check(CLI::Range(0, 60000));
  cmd->add_option("--samples", args->samples,
                  "With --demo: the folder the embedded gallery serves (default: data/)");
  cmd->add_option("--api", g.api, "Base URL of the API")->capture_default_str();
  cmd->add_option("--client-id", g.client_id, "Imgur client id (default: $IMGUR_CLIENT_ID)");
  add_gallery_listing_options(*cmd, g);
  cmd->add_option("--types", args->types, "Mime types to keep, comma-separated (jpeg, png, webp, gif, ...)")
      ->capture_default_str();
  cmd->add_flag("--skip-animated", args->skip_animated, "Leave out animated entries (kept by default)");
  cmd->add_option("--nsfw", args->nsfw, "skip (also unknown) or allow")
      ->check(CLI::IsMember({"skip", "allow"}))
      ->capture_default_str();
  cmd->add_option("--min-bytes", args->min_bytes, "Leave out images listed smaller than this");
  cmd->add_flag("--dry-run", args->dry_run,
                "List id, type, size and link of what would be downloaded; download nothing");
  add_download_options(*cmd, args->download);
  cmd->add_flag("--allow-private-urls", args->download.allow_private_addresses,
                "Let listed links reach loopback, private and link-local addresses (refused by default)");
  add_batch_options(*cmd, *args);
  // --dry-run needs no output folder.
  cmd->get_option("--output")->required(false);
  cmd->callback([&command, args, cmd] {
    args->pages_given = cmd->count("--pages") > 0;
    if (args->dry_run) {
      command = [args] { return dry_run(*args); };
      return;
    }
    if (args->output.empty()) throw CLI::RequiredError("--output");
    command = [args] {
      return run_stream_command(
          *args,
          [&](BatchOptions& o) {
            o.download = args->download;
            // The embedded gallery serves the user's own folder. A gallery API the user names is
            // trusted (its host and port); the other links it lists are not.
            if (args->demo)
              o.download.allow_private_addresses = true;
            else
              o.download.trusted_origins.push_back(args->gallery.api);
          },
          [&](const BatchOptions& o) { return gallery_source(gallery_options(*args), o.cancel, log_line); });
    };
  });
}

}  // namespace thumbflow::cli
