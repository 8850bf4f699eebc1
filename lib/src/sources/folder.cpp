#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "thumbflow/naming.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow {
namespace fs = std::filesystem;
namespace {

struct Walk {
  const CollectOptions& options;
  fs::path output_dir;  // weakly canonical; empty if none
  std::vector<Item>& items;

  bool is_earlier_output(const fs::path& file) const {
    if (output_dir.empty()) return false;
    const fs::path parent = fs::weakly_canonical(file.parent_path());
    const auto [end, _] = std::mismatch(output_dir.begin(), output_dir.end(), parent.begin(), parent.end());
    return end == output_dir.end() &&
           could_be_output_name(file.filename().string(), options.name_template);
  }

  void add_failure(const fs::path& path, const std::string& relative, const std::error_code& ec) {
    items.push_back({path.string(), relative, "cannot list folder: " + ec.message()});
  }

  // Depth-first, entries sorted by name so that runs are reproducible.
  void folder(const fs::path& dir, const std::string& relative) {
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      entries.push_back(*it);
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
      } else if (entry.is_regular_file(type_ec) && has_image_extension(name) &&
                 !is_earlier_output(entry.path())) {
        items.push_back({entry.path().string(), rel, {}});
      }
    }
  }
};

}  // namespace

bool has_image_extension(const std::string& filename) {
  static constexpr std::array<std::string_view, 24> kExtensions = {
      "jpg", "jpeg", "jpe", "jfif", "png", "webp", "bmp", "dib", "tif", "tiff", "pbm", "pgm",
      "ppm", "pnm", "gif", "heic", "heif", "avif", "jxl", "jp2", "j2k", "ico", "psd", "pam"};
  const auto dot = filename.rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  std::string ext = filename.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

std::vector<Item> collect_local_items(const std::vector<std::string>& paths,
                                      const CollectOptions& options) {
  std::vector<Item> items;
  Walk walk{options, options.output_dir.empty() ? fs::path{} : fs::weakly_canonical(options.output_dir),
            items};
  for (const auto& given : paths) {
    std::error_code ec;
    const auto status = fs::status(given, ec);
    if (ec || !fs::exists(status))
      throw std::invalid_argument("input '" + given + "' does not exist");
    if (fs::is_directory(status)) walk.folder(given, "");
    else items.push_back({given, fs::path(given).filename().string(), {}});
  }
  return items;
}

}  // namespace thumbflow
