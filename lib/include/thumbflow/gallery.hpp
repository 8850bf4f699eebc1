// Gallery sources: an Imgur v3 API (or any Imgur-compatible server) as a source of items, and the
// embedded Imgur-compatible gallery that serves a folder of images on 127.0.0.1.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "thumbflow/pipeline.hpp"

namespace thumbflow {

struct GalleryOptions {
  // Base URL of the API; "/3/gallery/..." and "/3/album/..." are appended. Default: Imgur's.
  std::string api = "https://api.imgur.com";
  // Sent as "Authorization: Client-ID <id>". Required unless the API is on loopback (127.0.0.1,
  // localhost, [::1]), where "thumbflow-local" is used when empty.
  std::string client_id;
  std::string section = "hot";  // hot | top | user
  std::string sort = "viral";   // viral | top | time | rising
  std::string window = "day";   // day | week | month | year | all
  // Pages to read, numbered from 0; the listing stops earlier at the first empty page. 1..100000.
  int pages = 1;
  // At most this many images are listed (0: no limit).
  std::size_t limit = 0;
  // Accepted mime types (lower case); empty accepts any. Default: the images thumbflow reads.
  std::vector<std::string> types = {"image/jpeg", "image/png",  "image/webp", "image/gif",
                                    "image/heic", "image/heif", "image/avif", "image/jxl"};
  // Animated entries are kept (their image link: first frame, or all with --animated) unless false.
  bool allow_animated = true;
  bool allow_nsfw = false;                            // nsfw true AND unknown (null) are skipped unless true
  std::optional<std::uint64_t> min_bytes, max_bytes;  // bounds on the listed `size`, inclusive
  // Per page or album: retries on HTTP 429, Imgur's "over capacity" 403/500, other 5xx, timeouts
  // and network errors, with exponential backoff from backoff_ms (Retry-After honoured). 0..20.
  int retries = 4;
  int backoff_ms = 1000;
  // Longest single wait (for a backoff or a rate-limit reset); a page that would need longer fails.
  int max_wait_s = 120;
  int timeout_s = 30;  // per request: connect + whole response
  // User-Agent and extra headers of the API requests, as DownloadOptions::user_agent and
  // ::headers (checked the same way). An extra header named like one the client sends
  // (Authorization, Accept) replaces it. Default: "thumbflow/<version>", none.
  std::string user_agent;
  std::vector<std::string> headers;
  // API requests redirected (3xx) to loopback, private or link-local addresses are refused, except
  // to the API's own host and port, unless true (as DownloadOptions::allow_private_addresses, which
  // the CLI's --allow-private-urls sets too). Default false.
  bool allow_private_addresses = false;
  // Largest API response (a page or an album listing) read; a larger one fails that page or album
  // ("page 3: gallery page is larger than 8 MiB"). Default 8 MiB. 1 KiB..1 GiB.
  std::size_t max_response_bytes = std::size_t{8} << 20;
  // Entries kept per API response (inline album images included); those past it are left out and
  // named as one skipped entry. Default 5000. 1..1000000.
  std::size_t max_entries = 5000;
};

// One image as the listing found it (for --dry-run and logs).
struct GalleryEntry {
  std::string id, title, type, link;
  std::optional<std::uint64_t> size;  // bytes, when the API says
  int width = 0, height = 0;          // 0 when unknown
  std::string album;                  // id of the album it came from, "" for a gallery entry
};

// One line of what the listing is doing: waits for rate limits, filtered entries, retries.
using GalleryLog = std::function<void(const std::string&)>;

// Throws std::invalid_argument with a one-line message when the options cannot work (e.g. no
// client id for a remote API: the message says how to get one).
void validate_gallery_options(const GalleryOptions& options);

// A NextItem that lists the gallery page by page, as run_batch_stream asks for items: page k+1 is
// requested only when the images of page k have been handed out, so thumbnails of page 0 are made
// while page 1 is listed. Albums are expanded with /3/album/{id}/images. Each item: input = the
// image link, relative_path = "<id>.<ext>" (ext from the type or the link), tag = the image id;
// an id seen before is skipped. A page or album that fails for good becomes one item with an error
// ("page 2: HTTP 500 ..."), and the listing goes on with the next page, except after an
// authentication error (HTTP 401/403), which ends it. Returns std::nullopt soon after *cancel
// becomes true. `log` and `on_entry` (each accepted image) may be empty; they are called on the
// thread calling next(). validate_gallery_options is called first (and may throw).
NextItem gallery_source(const GalleryOptions& options, const std::atomic<bool>* cancel, GalleryLog log,
                        std::function<void(const GalleryEntry&)> on_entry = {});

struct GalleryServerOptions {
  std::string folder;  // images to serve (jpg, png, webp, gif, bmp, tif); each sub-folder is an album
  int port = 0;        // 0: any free port
  int latency_ms = 0;  // added to every response (0..60000), to make a loopback network realistic
  int per_page = 10;   // gallery entries per page (1..1000)
  // The "Authorization: Client-ID <id>" value required; "" accepts any non-empty id. Requests
  // without one get Imgur's 403 error envelope.
  std::string client_id;
  // Requests each client id may make in a window of `rate_window_s` seconds before getting 429, as
  // X-RateLimit-ClientLimit (the X-RateLimit-*Remaining headers count down, UserReset says when
  // the window ends, as a Unix time). Windows follow each other from the server's start.
  int rate_limit = 12500;
  int rate_window_s = 3600;  // 1..604800
};

// The embedded Imgur-compatible gallery, on 127.0.0.1 only:
//   GET /3/gallery/{section}/{sort}/{window}/{page}  pages of images and albums (albums without
//                                                    their images, so clients expand them)
//   GET /3/album/{id}/images                         an album's images
//   GET /i/{id}.{ext}                                an image file
// sort "time" orders by file time, newest first; other sorts by name. Serves on threads of its own.
class GalleryServer {
 public:
  // Lists the folder and starts serving. Throws std::runtime_error naming the folder or port.
  explicit GalleryServer(const GalleryServerOptions& options);
  ~GalleryServer();  // stops serving
  GalleryServer(const GalleryServer&) = delete;
  GalleryServer& operator=(const GalleryServer&) = delete;

  int port() const;
  std::string url() const;          // "http://127.0.0.1:<port>", the value for GalleryOptions::api
  std::size_t image_count() const;  // files served, in albums or not
  std::size_t album_count() const;
  // Blocks until stop() is called (from another thread or a signal-safe flag watcher).
  void wait();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace thumbflow
