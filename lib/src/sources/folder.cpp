#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <system_error>

#include "core/safe_path.hpp"
#include "core/text.hpp"
#include "pipeline/settings_stamp.hpp"
#include "thumbflow/naming.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow {
namespace fs = std::filesystem;
namespace {

fs::path normal(const fs::path& p) { return detail::normalised_path(p.string()); }

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

// The name template in `dir`'s settings record; "" when there is none or it says "pending".
std::string recorded_name_template(const fs::path& dir) {
  std::ifstream in(dir / detail::kSettingsRecordName, std::ios::binary);
  if (!in) return {};
  std::string text(1 << 16, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  text.resize(std::size_t(in.gcount()));
  const auto record = nlohmann::json::parse(text, nullptr, false);
  if (!record.is_object() || !record.contains("name") || !record["name"].is_string()) return {};
  return record["name"].get<std::string>();
}

// A folder given as input that an earlier run wrote its thumbnails into (it holds the settings
// record, e.g. after `run photos -o photos`) has them beside their originals, in it and in its
// subfolders. Drops the found files (items[from..]) that are the thumbnail of another file in the
// same folder, by the recorded name template, this run's, or the default one (a "pending" record
// names none).
void drop_earlier_runs_thumbnails(std::vector<Item>& items, std::size_t from, const fs::path& dir,
                                  const CollectOptions& options) {
  std::error_code ec;
  if (!fs::exists(dir / detail::kSettingsRecordName, ec)) return;
  const std::vector<std::string> templates = {recorded_name_template(dir), options.name_template,
                                              CollectOptions{}.name_template};
  struct Name {
    std::string folder, stem, ext;  // folder with its '/', ext lower case
  };
  const auto split = [](const std::string& relative) {
    const auto slash = relative.rfind('/');
    const std::size_t base = slash == std::string::npos ? 0 : slash + 1;
    const auto dot = relative.rfind('.');
    const bool has_ext = dot != std::string::npos && dot > base;
    return Name{relative.substr(0, base), relative.substr(base, has_ext ? dot - base : std::string::npos),
                has_ext ? detail::ascii_lower(relative.substr(dot + 1)) : ""};
  };
  std::map<std::pair<std::string, std::string>, std::set<std::string>> sources;  // (folder, stem) -> exts
  for (std::size_t i = from; i < items.size(); ++i) {
    const Name n = split(items[i].relative_path);
    sources[{n.folder, n.stem}].insert(n.ext);
  }
  const auto is_earlier_thumbnail = [&](const Item& item) {
    const Name n = split(item.relative_path);
    const std::string file = item.relative_path.substr(n.folder.size());
    for (const std::string& tpl : templates) {
      if (tpl.empty()) continue;
      const auto origin = origin_of_output_name(file, tpl);
      if (!origin || origin->stem == n.stem) continue;  // not a thumbnail's name, or only of itself
      const auto found = sources.find({n.folder, origin->stem});
      if (found != sources.end() && (origin->srcext.empty() || found->second.count(origin->srcext) != 0))
        return true;
    }
    return false;
  };
  items.erase(std::remove_if(items.begin() + std::ptrdiff_t(from), items.end(), is_earlier_thumbnail),
              items.end());
}

struct Walk {
  const CollectOptions& options;
  std::vector<Item>& items;
  fs::path output_dir;  // normal(options.output_dir), "" when none

  // A subfolder that is this run's output folder, or any thumbflow output folder (it holds the
  // settings record), holds thumbnails: listing them would make thumbnails of thumbnails.
  bool is_output_folder(const fs::path& dir) const {
    std::error_code ec;
    return (!output_dir.empty() && normal(dir) == output_dir) ||
           fs::exists(dir / detail::kSettingsRecordName, ec);
  }

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
        if (options.recursive && !entry.is_symlink(type_ec) && !is_output_folder(entry.path()))
          folder(entry.path(), rel);
      } else if (entry.is_regular_file(type_ec) && has_image_extension(name)) {
        // A name with a newline or an escape code is listed, but fails with the reason.
        items.push_back({entry.path().string(), rel, detail::unsafe_path_error(rel), {}});
      }
    }
  }
};

}  // namespace

bool has_image_extension(const std::string& filename) {
  static constexpr std::array<std::string_view, 25> kExtensions = {
      "jpg", "jpeg", "jpe",  "jfif", "png", "webp", "bmp", "dib", "tif", "tiff", "pbm", "pgm", "ppm",
      "pnm", "gif",  "heic", "heif", "hif", "avif", "jxl", "jp2", "j2k", "ico",  "psd", "pam"};
  const auto dot = filename.rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  const std::string ext = detail::ascii_lower(std::string_view(filename).substr(dot + 1));
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

std::vector<Item> collect_local_items(const std::vector<std::string>& paths, const CollectOptions& options) {
  std::vector<Item> items;
  Walk walk{options, items, options.output_dir.empty() ? fs::path() : normal(options.output_dir)};
  for (const auto& given : paths) {
    std::error_code ec;
    const auto status = fs::status(given, ec);
    if (ec || !fs::exists(status)) throw std::invalid_argument("input '" + given + "' does not exist");
    if (fs::is_directory(status)) {
      const std::size_t from = items.size();
      walk.folder(given, "");
      if (!options.output_dir.empty()) drop_earlier_outputs(items, from, options);
      drop_earlier_runs_thumbnails(items, from, given, options);
    } else
      items.push_back({given, fs::path(given).filename().string(), {}, {}});
  }
  return items;
}

}  // namespace thumbflow
