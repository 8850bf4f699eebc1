// The JSON layer of the Imgur API v3 client and of the embedded Imgur-compatible gallery: parsing
// (defensive: any body, any status, never a crash), filtering, and rendering the same envelope.
// Pure functions, no I/O, thread-safe. nlohmann_json stays inside imgur_json.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace thumbflow::detail {

// A response that cannot be used as a whole: not JSON, an error envelope, no usable `data`.
// what() is one line without the page's URL (the caller knows it and prefixes it).
class GalleryError : public std::runtime_error {
 public:
  GalleryError(const std::string& message, long status) : std::runtime_error(message), status_(status) {}
  // The envelope's `status` if it had one, else the HTTP status; lets the caller tell a 429 or an
  // "over capacity" 403/500 (worth retrying) from the rest.
  long status() const { return status_; }

 private:
  long status_;
};

// One image file. Parsed fields that were missing, null or of the wrong type are "unknown".
struct GalleryImage {
  // Always [A-Za-z0-9_-]{1,64}: ids go into URLs and file names. A missing or other id is replaced
  // by the link's file stem if that qualifies; otherwise the entry is skipped.
  std::string id;
  std::string title;                     // "" when missing
  std::string type;                      // lower-case mime type without parameters; guessed from the link's
                                         // extension when missing; "" when unknown
  bool animated = false;                 // missing: true for video/* and image/gif, else false
  std::optional<bool> nsfw = false;      // nullopt: unknown (null or missing on the wire)
  std::optional<std::uint64_t> size;     // bytes; nullopt when unknown
  int width = 0;                         // pixels; 0 when unknown
  int height = 0;                        // pixels; 0 when unknown
  std::string link;                      // absolute http(s) URL of the file itself
  std::optional<std::int64_t> datetime;  // Unix seconds of the upload; negative counts as unknown
  bool operator==(const GalleryImage&) const = default;
};

// An entry that was dropped by the parser (not by the filter), and why.
struct SkippedEntry {
  std::string id;      // the entry's id, or "#<index>" when it has none
  std::string reason;  // one line, e.g. "no link", "link is a number, not a string", "not an object but null"
};

// An album entry whose images must be fetched with /3/album/{id}/images.
struct AlbumRef {
  std::string id;
  std::string title;
  std::optional<bool> nsfw;  // the album's flag; pass it to parse_album_images
};

struct GalleryPage {
  std::vector<GalleryImage> images;   // image entries and the images of albums listed inline
  std::vector<AlbumRef> albums;       // albums to expand (no inline `images`, or fewer than
                                      // `images_count`)
  std::vector<SkippedEntry> skipped;  // entries without a usable link or id, ads, non-objects
  bool empty = false;                 // `data` was []: the caller stops paginating
};

// Largest API response read and parsed by default (GalleryOptions::max_response_bytes). Imgur
// pages are a few hundred KiB.
inline constexpr std::size_t kMaxResponseBytes = std::size_t{8} << 20;

// Entries of one response kept by default (GalleryOptions::max_entries): gallery entries and the
// images of albums listed inline together. Imgur pages hold 60; the embedded gallery at most 1000.
inline constexpr std::size_t kMaxEntries = 5000;

// The bounds of one response (GalleryOptions::max_response_bytes and ::max_entries).
struct ResponseLimits {
  std::size_t max_bytes = kMaxResponseBytes;
  std::size_t max_entries = kMaxEntries;
};

// Parses GET /3/gallery/... Only the fields read are kept while parsing, strings cut at 2 KiB, at
// most limits.max_entries entries (inline album images included; one skipped entry names the
// rest), so memory stays bounded whatever the body holds. Throws GalleryError for: an empty,
// oversized (> limits.max_bytes), non-JSON or too deeply nested (> 64 levels) body; an error envelope
// ({"data":{"error":..}} or {"errors":[..]}, or success:false); any non-2xx status; `data` missing, null or
// not an array. The Content-Type only sharpens the messages: a JSON body sent as text/html is still parsed.
GalleryPage parse_gallery_page(std::string_view body, long http_status, std::string_view content_type,
                               const ResponseLimits& limits = {});

// Parses GET /3/album/{id}/images (same errors). Images with unknown nsfw take `album_nsfw`.
// Entries that cannot be used are appended to `skipped` when it is not null.
std::vector<GalleryImage> parse_album_images(std::string_view body, long http_status,
                                             std::string_view content_type,
                                             std::optional<bool> album_nsfw = std::nullopt,
                                             std::vector<SkippedEntry>* skipped = nullptr,
                                             const ResponseLimits& limits = {});

struct GalleryFilter {
  // Accepted mime types, lower case; empty accepts any type, including an unknown one.
  std::vector<std::string> types = {"image/jpeg", "image/png", "image/webp", "image/gif"};
  bool allow_animated = true;  // their `link` is the image (an Imgur GIF also lists an mp4 beside it)
  // Skip drops nsfw true AND unknown (null) nsfw: Imgur leaves it null on many album images, and
  // "skip" should not let through what it cannot vouch for. Allow keeps all three.
  enum Nsfw { Skip, Allow } nsfw = Skip;
  // Bounds on `size`, inclusive. An image of unknown size passes them (the downloader has its own cap).
  std::optional<std::uint64_t> min_bytes, max_bytes;
};

// True if `image` passes `filter`; otherwise false and, if `why` is not null, a short reason.
bool accept(const GalleryImage& image, const GalleryFilter& filter, std::string* why);

// An album as the embedded gallery lists it.
struct GalleryAlbum {
  std::string id;
  std::string title;
  std::string link;                  // web page of the album, not a file
  std::vector<GalleryImage> images;  // all of its images
  bool inline_images = true;         // false: omit `images`, so clients must fetch the album
  std::optional<std::int64_t> datetime;
};

// The Imgur envelope {"data":[...],"success":true,"status":200} of a gallery page (images, then
// albums) and of an album's images. Unknown nsfw, size and datetime are written as null, so that
// parse(render(x)) == x for images with a valid id and link.
std::string render_gallery_page(const std::vector<GalleryImage>& images_on_page,
                                const std::vector<GalleryAlbum>& albums_on_page = {});
std::string render_album_images(const std::vector<GalleryImage>& images);
// {"data":{"error":message,...},"success":false,"status":status}, as Imgur's v3 errors.
std::string render_error(int status, std::string_view message);
// {"errors":[{"code":...,"status":"429","detail":...}]}, the shape of Imgur's rate-limit replies.
std::string render_errors(int status, std::string_view code, std::string_view detail);

// A stable 7-character [A-Za-z0-9] id for a file name (FNV-1a, base 62). Different names can
// collide (about n^2 / 7e12 for n files): a server listing many files must check for duplicates.
std::string image_id_for(std::string_view file_name);

}  // namespace thumbflow::detail
