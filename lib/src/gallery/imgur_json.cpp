#include "gallery/imgur_json.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "core/url_segment.hpp"
#include "gallery/imgur_json_filter.hpp"

namespace thumbflow::detail {
namespace {

using nlohmann::json;

// Server-supplied text inside a one-line message: no control characters, bounded length.
std::string one_line(std::string_view s, std::size_t max = 200) {
  std::string out;
  for (char c : s.substr(0, max)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
  if (s.size() > max) out += "...";
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_2xx(long status) { return status >= 200 && status <= 299; }

const json* field(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// A field of the wrong type is as good as a missing one.
template <class T>
std::optional<T> get(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (v && (std::is_same_v<T, bool> ? v->is_boolean() : v->is_string())) return v->get<T>();
  return std::nullopt;
}

// Non-negative integers only; integral floats (1024.0) are accepted, anything else is unknown.
std::optional<std::uint64_t> get_count(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<std::uint64_t>();
  if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::isfinite(d) && d >= 0 && d < 1.8e19 && std::floor(d) == d) return static_cast<std::uint64_t>(d);
  }
  return std::nullopt;
}

std::string text_of(const json* v) {
  if (!v || v->is_null()) return "";
  return one_line(v->is_string() ? v->get_ref<const std::string&>()
                                 : v->dump(-1, ' ', false, json::error_handler_t::replace));
}

// Ids end up in URLs (/3/album/{id}/images) and file names, so only Imgur's alphabet is trusted.
bool is_safe_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
  });
}

// Why the `link` of entry `e` cannot be downloaded, or "" when it can: one short reason, the
// link quoted (cut) where it helps.
std::string link_problem(const json& e) {
  const json* v = field(e, "link");
  if (!v || v->is_null()) return "no link";
  if (!v->is_string()) return std::string("link is a ") + v->type_name() + ", not a string";
  const std::string& link = v->get_ref<const std::string&>();
  const std::string l = lower(std::string_view(link).substr(0, 8));
  const std::size_t scheme = l.starts_with("https://") ? 8 : l.starts_with("http://") ? 7 : 0;
  if (scheme == 0) return "link is not http(s): '" + one_line(link, 60) + "'";
  if (link.size() == scheme) return "link has no host";
  if (link.size() > 2048) return "link longer than 2048 bytes";
  if (std::any_of(link.begin(), link.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }))
    return "link holds spaces or control characters";
  return "";
}

std::string type_from_extension(std::string_view link) {
  const std::string_view name = url_last_segment(link);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  const std::string ext = lower(name.substr(dot + 1));
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "png" || ext == "webp" || ext == "gif" || ext == "avif") return "image/" + ext;
  if (ext == "mp4" || ext == "webm") return "video/" + ext;
  return "";
}

std::optional<GalleryImage> to_image(const json& e, std::optional<bool> inherited_nsfw, std::string* why) {
  GalleryImage img;
  if (std::string problem = link_problem(e); !problem.empty()) {
    *why = std::move(problem);
    return std::nullopt;
  }
  img.link = get<std::string>(e, "link").value_or("");
  img.id = get<std::string>(e, "id").value_or("");
  if (!is_safe_id(img.id)) {
    const std::string_view name = url_last_segment(img.link);
    img.id = std::string(name.substr(0, name.find('.')));
    if (!is_safe_id(img.id)) {
      *why = "no usable id (1 to 64 of A-Z a-z 0-9 _ -), nor a link file name that is one";
      return std::nullopt;
    }
  }
  img.title = get<std::string>(e, "title").value_or("");
  img.type = lower(get<std::string>(e, "type").value_or(""));
  img.type = img.type.substr(0, img.type.find(';'));
  std::erase(img.type, ' ');
  if (img.type.empty()) img.type = type_from_extension(img.link);
  img.animated = get<bool>(e, "animated").value_or(img.type.starts_with("video/") || img.type == "image/gif");
  img.nsfw = get<bool>(e, "nsfw");
  if (!img.nsfw) img.nsfw = inherited_nsfw;
  img.size = get_count(e, "size");
  const auto dim = [&](const char* key) {
    const auto v = get_count(e, key);
    return v && *v <= std::uint64_t{std::numeric_limits<int>::max()} ? static_cast<int>(*v) : 0;
  };
  img.width = dim("width");
  img.height = dim("height");
  if (const auto t = get_count(e, "datetime"); t && *t <= std::uint64_t{1} << 62)
    img.datetime = static_cast<std::int64_t>(*t);
  return img;
}

[[noreturn]] void throw_error(const std::string& message, long status) {
  throw GalleryError(message, status);
}

std::string entry_name(const json& e, std::size_t index) {
  const auto id = e.is_object() ? get<std::string>(e, "id") : std::nullopt;
  if (id && !id->empty()) return one_line(*id, 64);
  std::string name = "#";  // appended, not "#" + ...: GCC 12 warns falsely (-Wrestrict) on that
  return name.append(std::to_string(index));
}

struct Envelope {
  json data;                    // an array
  std::size_t dropped = 0;      // entries past max_entries, left out
  std::size_t max_entries = 0;  // the limit they were past
};

// Checks the status and the envelope; returns `data` or throws GalleryError.
Envelope parse_envelope(std::string_view body, long http_status, std::string_view content_type,
                        const ResponseLimits& limits) {
  const std::string http = is_2xx(http_status) ? "" : "HTTP " + std::to_string(http_status) + ": ";
  const auto fail = [&http](const std::string& msg, long status) { throw_error(http + msg, status); };
  if (body.size() > limits.max_bytes)
    fail("body too large (" + std::to_string(body.size()) + " bytes)", http_status);
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) fail("empty body", http_status);

  ImgurJsonReader reader(limits.max_entries);
  try {
    json::sax_parse(body.begin(), body.end(), &reader);
  } catch (const TooDeep&) {
    fail("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels", http_status);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
    const bool html = body[first] == '<' || lower(content_type).find("html") != std::string::npos;
    const auto* syntax = dynamic_cast<const json::parse_error*>(&e);
    const std::string what =
        syntax ? "syntax error at byte " + std::to_string(syntax->byte) : "number out of range";
    fail(html ? "not JSON (looks like HTML)"
              : "not JSON (" + (content_type.empty() ? "" : one_line(content_type, 60) + ", ") + what + ")",
         http_status);
  }
  json& doc = reader.document();
  if (!doc.is_object()) fail(std::string("expected a JSON object, got ") + doc.type_name(), http_status);

  long status = http_status;
  if (const json* s = field(doc, "status"); s && s->is_number_integer() && *s >= 100 && *s <= 599)
    status = s->get<long>();
  if (const json* errors = field(doc, "errors"); errors && errors->is_array() && !errors->empty()) {
    const json& e = errors->front();
    const json* detail = e.is_object() ? field(e, "detail") : &e;
    const json* code = e.is_object() ? field(e, "code") : nullptr;
    std::string code_text = text_of(code);
    if (is_2xx(status) && code && code->is_string() && code_text.size() == 3 &&
        std::all_of(code_text.begin(), code_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      status = std::stol(code_text);
    const std::string detail_text = text_of(detail);
    fail("API error " + std::to_string(status) + ": " + (detail_text.empty() ? "no detail" : detail_text) +
             (code_text.empty() ? "" : " (code " + code_text + ")"),
         status);
  }
  const json* data = field(doc, "data");
  const std::optional<bool> success = get<bool>(doc, "success");
  if (data && data->is_object()) {
    const json* error = field(*data, "error");
    if (error && error->is_object()) error = field(*error, "message");
    if (error || success == false)
      fail("API error " + std::to_string(status) + ": " + (error ? text_of(error) : "no message"), status);
  }
  if (success == false) fail("API error " + std::to_string(status) + ": success is false", status);
  if (!is_2xx(http_status)) fail("no error message in the reply", http_status);
  if (!is_2xx(status)) fail("envelope status " + std::to_string(status), status);
  if (!data) fail("no 'data' field", status);
  if (!data->is_array()) fail(std::string("'data' is ") + data->type_name() + ", expected an array", status);
  return {std::move(doc["data"]), reader.dropped(), limits.max_entries};
}

// The one entry that stands for those past max_entries, when there were any: first, so that a
// caller naming only the first few skipped entries names it.
void add_dropped(const Envelope& envelope, std::vector<SkippedEntry>& skipped) {
  if (envelope.dropped == 0) return;
  skipped.insert(skipped.begin(),
                 {"#" + std::to_string(envelope.max_entries) + " on",
                  "more than " + std::to_string(envelope.max_entries) +
                      " entries in one response: " + std::to_string(envelope.dropped) + " left out"});
}

json image_json(const GalleryImage& img) {
  const auto or_null = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  return {{"id", img.id},
          {"title", img.title},
          {"description", nullptr},
          {"datetime", or_null(img.datetime)},
          {"type", img.type},
          {"animated", img.animated},
          {"width", img.width},
          {"height", img.height},
          {"size", or_null(img.size)},
          {"views", 0},
          {"bandwidth", 0},
          {"nsfw", or_null(img.nsfw)},
          {"link", img.link},
          {"is_album", false},
          {"in_gallery", true}};
}

std::string envelope(json data) {
  const json doc = {{"data", std::move(data)}, {"success", true}, {"status", 200}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The images of an album's list; `prefix` (the album's id and '/') names skipped entries.
void add_images(const json& list, std::optional<bool> album_nsfw, const std::string& prefix,
                std::vector<GalleryImage>& images, std::vector<SkippedEntry>& skipped) {
  std::string why = "not an object";
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::optional<GalleryImage> img;
    if (list[i].is_object()) img = to_image(list[i], album_nsfw, &why);
    if (img)
      images.push_back(std::move(*img));
    else
      skipped.push_back({prefix + entry_name(list[i], i), list[i].is_object() ? why : "not an object"});
  }
}

}  // namespace

GalleryPage parse_gallery_page(std::string_view body, long http_status, std::string_view content_type,
                               const ResponseLimits& limits) {
  const Envelope envelope = parse_envelope(body, http_status, content_type, limits);
  const json& data = envelope.data;
  GalleryPage page;
  page.empty = data.empty();
  std::string why;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const json& e = data[i];
    if (!e.is_object()) {
      page.skipped.push_back({entry_name(e, i), std::string("not an object but ") + e.type_name()});
      continue;
    }
    if (get<bool>(e, "is_ad") == true) {
      page.skipped.push_back({entry_name(e, i), "advertisement"});
      continue;
    }
    const json* inline_images = field(e, "images");
    const bool has_inline = inline_images && inline_images->is_array();
    const std::optional<bool> is_album = get<bool>(e, "is_album");
    if (!is_album.value_or(has_inline)) {
      if (auto img = to_image(e, std::nullopt, &why))
        page.images.push_back(std::move(*img));
      else
        page.skipped.push_back({entry_name(e, i), why});
      continue;
    }
    AlbumRef album{get<std::string>(e, "id").value_or(""), get<std::string>(e, "title").value_or(""),
                   get<bool>(e, "nsfw")};
    if (!is_safe_id(album.id)) {
      page.skipped.push_back({entry_name(e, i), "album without a usable id"});
      continue;
    }
    // Imgur may list only the first images of an album inline; then the album is fetched instead.
    const std::optional<std::uint64_t> count = get_count(e, "images_count");
    if (has_inline && (!count || *count <= inline_images->size()))
      add_images(*inline_images, album.nsfw, album.id + "/", page.images, page.skipped);
    else if (count == 0u)
      page.skipped.push_back({album.id, "empty album"});
    else
      page.albums.push_back(std::move(album));
  }
  add_dropped(envelope, page.skipped);
  return page;
}

std::vector<GalleryImage> parse_album_images(std::string_view body, long http_status,
                                             std::string_view content_type, std::optional<bool> album_nsfw,
                                             std::vector<SkippedEntry>* skipped,
                                             const ResponseLimits& limits) {
  std::vector<GalleryImage> images;
  std::vector<SkippedEntry> ignored;
  const Envelope envelope = parse_envelope(body, http_status, content_type, limits);
  add_images(envelope.data, album_nsfw, "", images, skipped ? *skipped : ignored);
  add_dropped(envelope, skipped ? *skipped : ignored);
  return images;
}

bool accept(const GalleryImage& image, const GalleryFilter& filter, std::string* why) {
  const auto reject = [why](std::string reason) {
    if (why) *why = std::move(reason);
    return false;
  };
  if (!filter.types.empty() &&
      std::find(filter.types.begin(), filter.types.end(), image.type) == filter.types.end())
    return reject(image.type.empty() ? "unknown type" : "type " + image.type);
  if (image.animated && !filter.allow_animated) return reject("animated");
  if (filter.nsfw == GalleryFilter::Skip && image.nsfw != false)
    return reject(image.nsfw ? "nsfw" : "nsfw unknown");
  if (image.size && filter.min_bytes && *image.size < *filter.min_bytes)
    return reject("smaller than " + std::to_string(*filter.min_bytes) + " bytes");
  if (image.size && filter.max_bytes && *image.size > *filter.max_bytes)
    return reject("larger than " + std::to_string(*filter.max_bytes) + " bytes");
  return true;
}

std::string render_gallery_page(const std::vector<GalleryImage>& images_on_page,
                                const std::vector<GalleryAlbum>& albums_on_page) {
  json data = json::array();
  for (const GalleryImage& img : images_on_page) data.push_back(image_json(img));
  for (const GalleryAlbum& album : albums_on_page) {
    // The album is nsfw if one image is, safe if all are known safe, else unknown.
    json nsfw = false;
    for (const GalleryImage& img : album.images)
      if (img.nsfw == true)
        nsfw = true;
      else if (!img.nsfw && nsfw == false)
        nsfw = nullptr;
    json a = {{"id", album.id},
              {"title", album.title},
              {"datetime", album.datetime ? json(*album.datetime) : json(nullptr)},
              {"cover", album.images.empty() ? json(nullptr) : json(album.images.front().id)},
              {"link", album.link},
              {"nsfw", nsfw},
              {"is_album", true},
              {"images_count", album.images.size()}};
    if (album.inline_images) {
      a["images"] = json::array();
      for (const GalleryImage& img : album.images) a["images"].push_back(image_json(img));
    }
    data.push_back(std::move(a));
  }
  return envelope(std::move(data));
}

std::string render_album_images(const std::vector<GalleryImage>& images) {
  json data = json::array();
  for (const GalleryImage& img : images) data.push_back(image_json(img));
  return envelope(std::move(data));
}

std::string render_error(int status, std::string_view message) {
  const json doc = {
      {"data", {{"error", message}, {"method", "GET"}}}, {"success", false}, {"status", status}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string render_errors(int status, std::string_view code, std::string_view detail) {
  const json error = {{"code", code}, {"status", std::to_string(status)}, {"detail", detail}};
  const json doc = {{"errors", json::array({error})}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string image_id_for(std::string_view file_name) {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a: stable across runs, builds and platforms
  for (char c : file_name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  std::string id(7, '0');
  for (char& c : id) c = kAlphabet[h % kAlphabet.size()], h /= kAlphabet.size();
  return id;
}

}  // namespace thumbflow::detail
