// The API half of the embedded gallery, without HTTP: what GET /3/... answers, given the path and
// the Authorization header, and which file GET /i/<id>.<ext> names. Thread-safe; the catalog must
// outlive it.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gallery/catalog.hpp"

namespace thumbflow::detail {

struct ApiReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // the X-RateLimit-* set
  std::string body;                                          // JSON
};

class GalleryApi {
 public:
  // `client_id`: the id required ("" accepts any non-empty one). `rate_limit`: requests each
  // client id may make per window of `rate_window_s` seconds (then 429 until the window ends);
  // the first window starts now.
  GalleryApi(const GalleryCatalog& catalog, int per_page, std::string client_id, int rate_limit,
             int rate_window_s);

  // `path` is decoded and without its query. Under /3/: 403 without a valid "Client-ID <id>",
  // 429 once the id used its requests (every authenticated request counts, also 400s and 404s),
  // 400 for a bad section, sort, window or page, 404 for unknown endpoints and albums; all with
  // the X-RateLimit-* headers. Elsewhere: 404 without them.
  ApiReply answer(std::string_view path, std::string_view authorization);

  // The file of "<id>.<ext>", or nullptr when no image has that id and extension.
  const ServedFile* file_for(std::string_view name) const;

  // The web page an album's `link` points to (HTML listing its images, as imgur.com/a/<id> is a
  // page and not a file), or "" when no album has that id.
  std::string album_page(std::string_view id) const;

 private:
  ApiReply route(const std::vector<std::string_view>& segments) const;
  ApiReply gallery_page(std::string_view section, std::string_view sort, std::string_view window,
                        std::string_view page) const;

  const GalleryCatalog& catalog_;
  std::size_t per_page_;
  std::string client_id_;
  int rate_limit_;
  std::chrono::seconds rate_window_;
  std::mutex mu_;
  std::chrono::system_clock::time_point window_end_;  // guarded by mu_
  std::map<std::string, int, std::less<>> used_;      // guarded by mu_: requests per client id
};

}  // namespace thumbflow::detail
