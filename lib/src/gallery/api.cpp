#include "gallery/api.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include "core/text.hpp"
#include "report/html_text.hpp"

namespace thumbflow::detail {
namespace {

constexpr std::array<std::string_view, 3> kSections = {"hot", "top", "user"};
constexpr std::array<std::string_view, 4> kSorts = {"viral", "top", "time", "rising"};
constexpr std::array<std::string_view, 5> kWindows = {"day", "week", "month", "year", "all"};

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

template <std::size_t N>
std::string listed(const std::array<std::string_view, N>& allowed) {
  std::string out;
  for (std::string_view v : allowed) out.append(out.empty() ? "" : ", ").append(v);
  return out;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// The id of "Client-ID <id>" (scheme case-insensitive), "" when the header is anything else.
std::string client_id_of(std::string_view authorization) {
  constexpr std::string_view kScheme = "client-id ";
  if (authorization.size() <= kScheme.size() ||
      ascii_lower(authorization.substr(0, kScheme.size())) != kScheme)
    return "";
  std::string_view id = authorization.substr(kScheme.size());
  while (!id.empty() && id.front() == ' ') id.remove_prefix(1);
  while (!id.empty() && id.back() == ' ') id.remove_suffix(1);
  return std::string(id);
}

ApiReply error(int status, const std::string& message) { return {status, {}, render_error(status, message)}; }

}  // namespace

GalleryApi::GalleryApi(const GalleryCatalog& catalog, int per_page, std::string client_id, int rate_limit,
                       int rate_window_s)
    : catalog_(catalog),
      per_page_(static_cast<std::size_t>(per_page)),
      client_id_(std::move(client_id)),
      rate_limit_(rate_limit),
      rate_window_(rate_window_s),
      window_end_(std::chrono::system_clock::now() + rate_window_) {}

ApiReply GalleryApi::answer(std::string_view path, std::string_view authorization) {
  const std::vector<std::string_view> segments = split_path(path);
  if (segments.empty() || segments[0] != "3") return error(404, "no such endpoint: " + std::string(path));

  const std::string id = client_id_of(authorization);
  const bool authorized = !id.empty() && (client_id_.empty() || id == client_id_);
  int remaining = rate_limit_;
  bool exhausted = false;
  std::chrono::system_clock::time_point reset_at;
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::system_clock::now();
    if (now >= window_end_) {  // a new window: every budget is whole again
      used_.clear();
      window_end_ += ((now - window_end_) / rate_window_ + 1) * rate_window_;
    }
    reset_at = window_end_;
    if (authorized) {
      int& used = used_[id];
      exhausted = used >= rate_limit_;
      if (!exhausted) ++used;
      remaining = rate_limit_ - used;
    }
  }
  ApiReply reply;
  if (!authorized)
    reply = error(403, "Authentication required");
  else if (exhausted)
    reply = {429,
             {},
             render_errors(429, "429",
                           "Too Many Requests: client id '" + id + "' has used its " +
                               std::to_string(rate_limit_) + " requests")};
  else
    reply = route(segments);
  const std::string limit = std::to_string(rate_limit_), left = std::to_string(remaining);
  // Unix time, rounded up: a client that waits until then finds the new window.
  const auto reset_s = std::chrono::ceil<std::chrono::seconds>(reset_at.time_since_epoch()).count();
  const std::string reset = std::to_string(reset_s);
  reply.headers = {{"X-RateLimit-ClientLimit", limit},
                   {"X-RateLimit-ClientRemaining", left},
                   {"X-RateLimit-UserLimit", limit},
                   {"X-RateLimit-UserRemaining", left},
                   {"X-RateLimit-UserReset", reset}};
  return reply;
}

ApiReply GalleryApi::route(const std::vector<std::string_view>& s) const {
  if (s.size() == 6 && s[1] == "gallery") return gallery_page(s[2], s[3], s[4], s[5]);
  if (s.size() == 4 && s[1] == "album" && s[3] == "images") {
    for (const GalleryAlbum& album : catalog_.albums)
      if (album.id == s[2]) return {200, {}, render_album_images(album.images)};
    return error(404, "Unable to find an album with the id, " + std::string(s[2]));
  }
  std::string path;
  for (std::string_view part : s) path.append("/").append(part);
  return error(404, "no such endpoint: " + path);
}

ApiReply GalleryApi::gallery_page(std::string_view section, std::string_view sort, std::string_view window,
                                  std::string_view page) const {
  if (!one_of(section, kSections))
    return error(400, "invalid section '" + std::string(section) + "' (" + listed(kSections) + ")");
  if (!one_of(sort, kSorts))
    return error(400, "invalid sort '" + std::string(sort) + "' (" + listed(kSorts) + ")");
  if (!one_of(window, kWindows))
    return error(400, "invalid window '" + std::string(window) + "' (" + listed(kWindows) + ")");
  if (page.empty() || !std::all_of(page.begin(), page.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return error(400, "invalid page '" + std::string(page) + "' (a number from 0)");

  const auto& order = catalog_.order(sort);
  // More than 9 digits is past the end of any folder (and would overflow).
  const std::size_t index = page.size() > 9 ? order.size() : std::stoul(std::string(page));
  const std::size_t begin = std::min(order.size(), index * per_page_);
  const std::size_t end = std::min(order.size(), begin + per_page_);
  std::vector<GalleryImage> images;
  std::vector<GalleryAlbum> albums;
  for (std::size_t i = begin; i < end; ++i) {
    if (order[i].album)
      albums.push_back(catalog_.albums[order[i].index]);
    else
      images.push_back(catalog_.images[order[i].index]);
  }
  return {200, {}, render_gallery_page(images, albums)};
}

const ServedFile* GalleryApi::file_for(std::string_view name) const {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  const auto it = catalog_.files.find(name.substr(0, dot));
  return it != catalog_.files.end() && it->second.ext == name.substr(dot + 1) ? &it->second : nullptr;
}

std::string GalleryApi::album_page(std::string_view id) const {
  // Titles are file and folder names, links hold them: escaped, they cannot break the page.
  for (const GalleryAlbum& album : catalog_.albums) {
    if (album.id != id) continue;
    std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                       html_escape(album.title) + "</title></head><body>\n<h1>" + html_escape(album.title) +
                       "</h1>\n";
    for (const GalleryImage& img : album.images)
      html += "<p><a href=\"" + html_escape(img.link) + "\"><img src=\"" + html_escape(img.link) +
              "\" alt=\"" + html_escape(img.title) + "\"></a></p>\n";
    return html + "</body></html>\n";
  }
  return "";
}

}  // namespace thumbflow::detail
