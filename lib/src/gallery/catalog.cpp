#include "gallery/catalog.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "image/format.hpp"
#include "image/gif_decoder.hpp"
#include "image/header.hpp"

namespace thumbflow::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kHeaderPrefix = 64 * 1024;  // holds the header of almost every file

struct Kind {
  const char* type;
  const char* ext;
};

std::optional<Kind> served_kind(ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg:
      return Kind{"image/jpeg", "jpg"};
    case ImageFormat::Png:
      return Kind{"image/png", "png"};
    case ImageFormat::Webp:
      return Kind{"image/webp", "webp"};
    case ImageFormat::Gif:
      return Kind{"image/gif", "gif"};
    case ImageFormat::Bmp:
      return Kind{"image/bmp", "bmp"};
    case ImageFormat::Tiff:
      return Kind{"image/tiff", "tiff"};
    case ImageFormat::Heif:
      return Kind{"image/heic", "heic"};
    case ImageFormat::Avif:
      return Kind{"image/avif", "avif"};
    case ImageFormat::Jxl:
      return Kind{"image/jxl", "jxl"};
    default:
      return std::nullopt;
  }
}

std::vector<std::uint8_t> read_prefix(const fs::path& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes(max_bytes);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(max_bytes));
  bytes.resize(in ? max_bytes : static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return bytes;
}

// A WebP with the animation flag of its VP8X chunk.
bool animated_webp(Bytes data) {
  return data.size() > 20 && std::equal(data.begin() + 12, data.begin() + 16, "VP8X") &&
         (data[20] & 0x02) != 0;
}

// The size the header declares, {0,0} when it cannot be read: such a file is still served (a
// client that downloads it finds out, as it would with a broken file on a real gallery).
Dimensions header_size(const fs::path& path, std::vector<std::uint8_t>& prefix, ImageFormat format,
                       std::uint64_t file_size) {
  try {
    return read_header(prefix, format).size;
  } catch (const std::exception&) {
    if (prefix.size() >= file_size) return {};
  }
  try {
    const auto whole = read_prefix(path, file_size);  // e.g. a TIFF whose directory is at the end
    return read_header(whole, format).size;
  } catch (const std::exception&) {
    return {};
  }
}

struct Found {
  GalleryImage image;
  ServedFile file;
};

// The image at `path`, or nullopt when it is not a file of a served format.
std::optional<Found> examine(const fs::path& path, const std::string& id_key) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  auto prefix = read_prefix(path, kHeaderPrefix);
  const ImageFormat format = sniff_format(prefix);
  const std::optional<Kind> kind = served_kind(format);
  if (!kind) return std::nullopt;
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  const Dimensions size = header_size(path, prefix, format, file_size);
  Found f;
  GalleryImage& img = f.image;
  img.id = image_id_for(id_key);
  img.title = path.stem().string();
  img.type = kind->type;
  // A GIF whose second frame starts past the prefix is listed as still: the listing stays cheap.
  img.animated = (format == ImageFormat::Gif && count_gif_frames(prefix) > 1) ||
                 (format == ImageFormat::Webp && animated_webp(prefix));
  img.nsfw = false;
  img.size = file_size;
  img.width = size.width;
  img.height = size.height;
  img.link = "/i/" + img.id + "." + kind->ext;
  img.datetime = static_cast<std::int64_t>(st.st_mtime);
  f.file = {path, kind->type, kind->ext};
  return f;
}

bool hidden(const fs::path& path) { return path.filename().string().starts_with("."); }

// Entries of `dir` (not hidden), sorted by name.
std::vector<fs::directory_entry> sorted_entries(const fs::path& dir) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (!hidden(it->path())) entries.push_back(*it);
  if (ec) throw std::runtime_error("gallery folder '" + dir.string() + "' cannot be read: " + ec.message());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  return entries;
}

class Builder {
 public:
  explicit Builder(const fs::path& folder) : folder_(folder) {}

  void add_loose(const fs::path& path) {
    const std::string name = path.filename().string();
    if (auto found = examine(path, name)) catalog_.images.push_back(keep(std::move(*found), name));
  }

  void add_album(const fs::path& dir) {
    const std::string name = dir.filename().string();
    GalleryAlbum album;
    album.title = name;
    album.inline_images = false;
    for (const auto& entry : sorted_entries(dir)) {
      const std::string key = name + "/" + entry.path().filename().string();
      if (auto found = examine(entry.path(), key)) album.images.push_back(keep(std::move(*found), key));
    }
    if (album.images.empty()) return;
    album.id = image_id_for("album:" + name);
    claim(album.id, "album '" + name + "'");
    for (const GalleryImage& img : album.images)
      album.datetime = std::max(album.datetime.value_or(0), img.datetime.value_or(0));
    catalog_.albums.push_back(std::move(album));
  }

  GalleryCatalog finish() {
    if (catalog_.image_count == 0)
      throw std::runtime_error("gallery folder '" + folder_.string() +
                               "' has no images (JPEG, PNG, WebP, GIF, BMP or TIFF files)");
    using Entry = GalleryCatalog::Entry;
    for (std::size_t i = 0; i < catalog_.images.size(); ++i) catalog_.by_name.push_back(Entry{false, i});
    for (std::size_t i = 0; i < catalog_.albums.size(); ++i) catalog_.by_name.push_back(Entry{true, i});
    catalog_.by_time = catalog_.by_name;
    const auto newest_first = [this](const Entry& a, const Entry& b) {
      return std::make_tuple(a.album, -time_of(a), a.index) < std::make_tuple(b.album, -time_of(b), b.index);
    };
    std::sort(catalog_.by_time.begin(), catalog_.by_time.end(), newest_first);
    return std::move(catalog_);
  }

 private:
  std::int64_t time_of(const GalleryCatalog::Entry& e) const {
    return (e.album ? catalog_.albums[e.index].datetime : catalog_.images[e.index].datetime).value_or(0);
  }

  void claim(const std::string& id, const std::string& what) {
    const auto [it, inserted] = owners_.emplace(id, what);
    if (!inserted)
      throw std::runtime_error("gallery folder '" + folder_.string() + "': " + it->second + " and " + what +
                               " get the same id '" + id + "'; rename one of them");
  }

  GalleryImage keep(Found found, const std::string& key) {
    claim(found.image.id, "'" + key + "'");
    catalog_.files.emplace(found.image.id, std::move(found.file));
    ++catalog_.image_count;
    return std::move(found.image);
  }

  fs::path folder_;
  GalleryCatalog catalog_;
  std::map<std::string, std::string> owners_;  // id -> what has it, for the collision message
};

}  // namespace

void GalleryCatalog::with_base_url(const std::string& base_url) {
  for (GalleryImage& img : images) img.link = base_url + img.link;
  for (GalleryAlbum& album : albums) {
    album.link = base_url + "/a/" + album.id;
    for (GalleryImage& img : album.images) img.link = base_url + img.link;
  }
}

GalleryCatalog scan_gallery_folder(const fs::path& folder) {
  std::error_code ec;
  const fs::file_status status = fs::status(folder, ec);
  if (!fs::exists(status))
    throw std::runtime_error("gallery folder '" + folder.string() + "' does not exist");
  if (!fs::is_directory(status))
    throw std::runtime_error("gallery folder '" + folder.string() + "' is not a folder");
  Builder builder(folder);
  for (const auto& entry : sorted_entries(folder)) {
    if (entry.is_directory(ec))
      builder.add_album(entry.path());
    else
      builder.add_loose(entry.path());
  }
  return builder.finish();
}

}  // namespace thumbflow::detail
