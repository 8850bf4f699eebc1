// What the embedded gallery serves: the images of one folder and of its sub-folders (albums), listed
// once at startup. Read-only after scan_gallery_folder, so the server's threads share it freely.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gallery/imgur_json.hpp"

namespace thumbflow::detail {

struct ServedFile {
  std::filesystem::path path;
  std::string type;  // mime type, from the content
  std::string ext;   // the extension of its link: jpg, png, webp, gif, bmp, tiff
};

struct GalleryCatalog {
  // Loose images (top level) and albums (one level of sub-folders; empty ones are left out),
  // each sorted by name, album images too. Links are "/i/<id>.<ext>" until with_base_url().
  std::vector<GalleryImage> images;
  std::vector<GalleryAlbum> albums;
  std::map<std::string, ServedFile, std::less<>> files;  // image id -> file
  std::size_t image_count = 0;                           // loose and in albums

  // Gallery entries in the order of a sort: "time" newest first (ties by name), else by name.
  // Loose images come first, then albums (as render_gallery_page writes them).
  struct Entry {
    bool album;
    std::size_t index;  // into images or albums
  };
  const std::vector<Entry>& order(std::string_view sort) const { return sort == "time" ? by_time : by_name; }
  std::vector<Entry> by_name, by_time;

  // Prefixes every image link with `base_url` ("http://127.0.0.1:PORT") and sets album links.
  void with_base_url(const std::string& base_url);
};

// Lists `folder`: files are images by their content (JPEG, PNG, WebP, GIF, BMP, TIFF); others,
// hidden files and deeper folders are ignored. Image ids are image_id_for(name) at the top level
// and image_id_for("album/name") in an album; album ids are image_id_for("album:" + name). Reads
// only the first 64 KiB of a file unless its header lies further. Throws std::runtime_error with
// one line naming the folder: missing, not a folder, unreadable, without images, or two ids
// colliding (naming both files).
GalleryCatalog scan_gallery_folder(const std::filesystem::path& folder);

}  // namespace thumbflow::detail
