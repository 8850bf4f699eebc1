#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <system_error>

#include "core/text.hpp"
#include "thumbflow/naming.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow {
namespace fs = std::filesystem;
namespace {

fs::path normal(const fs::path& p) { return fs::weakly_canonical(p).lexically_normal(); }

// Drops the found files (items[from..]) that are the thumbnail another found file would get.
void drop_earlier_outputs(std::vector<Item>& items, std::size_t from, const CollectOptions& options) {
  const fs::path out = normal(options.output_dir);
  std::vector<fs::path> paths;
  std::set<fs::path> outputs;
  for (std::size_t i = from; i < items.size(); ++i) {
    paths.push_back(normal(items[i].input));
    if (items[i].error.empty())
      outputs.insert(out /
                     output_relative_path(items[i].relative_path, options.name_template, options.thumbnail));
  }
  std::size_t kept = from;
  for (std::size_t i = from; i < items.size(); ++i) {
    const fs::path& self = paths[i - from];
    const bool own_output =
        self == out / output_relative_path(items[i].relative_path, options.name_template, options.thumbnail);
    // A file that maps onto itself stays: planning refuses to overwrite it, loudly.
    if (outputs.count(self) != 0 && !own_output) continue;
    if (kept != i) items[kept] = std::move(items[i]);
    ++kept;
  }
  items.resize(kept);
}

struct Walk {
  const CollectOptions& options;
  std::vector<Item>& items;

  void add_failure(const fs::path& path, const std::string& relative, const std::error_code& ec) {
    items.push_back({path.string(), relative, "cannot list folder: " + ec.message(), {}});
  }

  // Depth-first, entries sorted by name so that runs are reproducible.
  void folder(const fs::path& dir, const std::string& relative) {
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
    if (ec) return add_failure(dir, relative, ec);
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    for (const auto& entry : entries) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.') continue;
      const std::string rel = relative.empty() ? name : relative + "/" + name;
      std::error_code type_ec;
      if (entry.is_directory(type_ec)) {
        if (options.recursive && !entry.is_symlink(type_ec)) folder(entry.path(), rel);
      } else if (entry.is_regular_file(type_ec) && has_image_extension(name)) {
        items.push_back({entry.path().string(), rel, {}, {}});
      }
    }
  }
};

}  // namespace

bool has_image_extension(const std::string& filename) {
  static constexpr std::array<std::string_view, 24> kExtensions = {
      "jpg", "jpeg", "jpe", "jfif", "png",  "webp", "bmp", "dib", "tif", "tiff", "pbm", "pgm",
      "ppm", "pnm",  "gif", "heic", "heif", "avif", "jxl", "jp2", "j2k", "ico",  "psd", "pam"};
  const auto dot = filename.rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  const std::string ext = detail::ascii_lower(std::string_view(filename).substr(dot + 1));
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

std::vector<Item> collect_local_items(const std::vector<std::string>& paths, const CollectOptions& options) {
  std::vector<Item> items;
  Walk walk{options, items};
  for (const auto& given : paths) {
    std::error_code ec;
    const auto status = fs::status(given, ec);
    if (ec || !fs::exists(status)) throw std::invalid_argument("input '" + given + "' does not exist");
    if (fs::is_directory(status)) {
      const std::size_t from = items.size();
      walk.folder(given, "");
      if (!options.output_dir.empty()) drop_earlier_outputs(items, from, options);
    } else
      items.push_back({given, fs::path(given).filename().string(), {}, {}});
  }
  return items;
}

}  // namespace thumbflow
