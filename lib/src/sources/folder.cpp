#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
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
  std::set<fs::path> outputs, output_names;
  for (std::size_t i = from; i < items.size(); ++i)
    if (items[i].error.empty()) {
      const fs::path output =
          out / output_relative_path(items[i].relative_path, options.name_template, options.thumbnail);
      outputs.insert(output);
      output_names.insert(output.filename());
    }
  std::size_t kept = from;
  for (std::size_t i = from; i < items.size(); ++i) {
    // Only a file named like some output, or a symbolic link, can be one: the others' paths are
    // not resolved (it asks the file system for every component).
    std::error_code ec;
    if (output_names.count(fs::path(items[i].input).filename()) != 0 || fs::is_symlink(items[i].input, ec)) {
      const fs::path self = normal(items[i].input);
      const bool own_output = self == out / output_relative_path(items[i].relative_path,
                                                                 options.name_template, options.thumbnail);
      // A file that maps onto itself stays: planning refuses to overwrite it, loudly.
      if (outputs.count(self) != 0 && !own_output) continue;
    }
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

// How the thumbnails that an earlier run wrote into a folder (it holds the settings record) and
// its subfolders are told from the pictures there: by their names.
struct EarlierRun {
  std::vector<OutputNameMatcher> names;  // none: the record names no usable template
  // In a folder given as input, a file is taken for a thumbnail only when its original is beside
  // it (`run photos -o photos` put them there); in a subfolder, any file so named is one.
  bool beside_originals = false;
};

std::optional<EarlierRun> earlier_run_in(const fs::path& dir, bool given, const CollectOptions& options) {
  std::error_code ec;
  if (!fs::exists(dir / detail::kSettingsRecordName, ec)) return std::nullopt;
  EarlierRun run;
  run.beside_originals = given;
  const std::string recorded = recorded_name_template(dir);
  if (OutputNameMatcher m = output_name_matcher(recorded)) run.names.push_back(std::move(m));
  // A folder given as input is judged by its record alone (an original may be named like a
  // thumbnail of another template there); without one ("pending", unreadable) by this run's
  // template and the default one. An output folder inside the input may also hold thumbnails of
  // earlier runs with other templates: those two count there as well.
  if (given && !run.names.empty()) return run;
  if (!given && run.names.empty()) return run;  // a subfolder with a "pending" record: left out whole
  for (const std::string& tpl : {options.name_template, CollectOptions{}.name_template})
    if (tpl != recorded)
      if (OutputNameMatcher m = output_name_matcher(tpl)) run.names.push_back(std::move(m));
  return run;
}

// (stem, extension in lower case) of a file name; a leading dot does not start an extension.
std::pair<std::string, std::string> stem_and_ext(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return {name, ""};
  return {name.substr(0, dot), detail::ascii_lower(name.substr(dot + 1))};
}

struct Walk {
  const CollectOptions& options;
  std::vector<Item>& items;
  fs::path output_dir;  // normal(options.output_dir), "" when none

  void add_failure(const fs::path& path, const std::string& relative, const std::error_code& ec) {
    items.push_back({path.string(), relative, "cannot list folder: " + ec.message(), {}});
  }

  // Depth-first, entries sorted by name so that runs are reproducible. This run's output folder is
  // not entered; in a folder an earlier run wrote into (`earlier`, from the nearest settings
  // record at or above it), that run's thumbnails are left out, or the whole folder when its
  // record names no template.
  void folder(const fs::path& dir, const std::string& relative, std::optional<EarlierRun> earlier,
              bool given) {
    if (auto here = earlier_run_in(dir, given, options)) earlier = std::move(here);
    if (earlier && earlier->names.empty()) return;
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
    if (ec) return add_failure(dir, relative, ec);
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    std::map<std::string, std::set<std::string>> pictures;  // stem -> extensions, of this folder's files
    if (earlier && earlier->beside_originals)
      for (const auto& entry : entries) {
        const auto [stem, ext] = stem_and_ext(entry.path().filename().string());
        pictures[stem].insert(ext);
      }
    const auto earlier_thumbnail = [&](const std::string& name) {
      if (!earlier) return false;
      const std::string own_stem = stem_and_ext(name).first;
      for (const OutputNameMatcher& names : earlier->names) {
        const auto origin = names(name);
        if (!origin || origin->stem == own_stem) continue;  // not a thumbnail's name, or only of itself
        if (!earlier->beside_originals) return true;
        const auto found = pictures.find(origin->stem);
        if (found != pictures.end() && (origin->srcext.empty() || found->second.count(origin->srcext) != 0))
          return true;
      }
      return false;
    };
    // A camera's RAW file beside its own JPEG (or HEIC...) of the same name is the same photo: the
    // JPEG, the camera's rendering, makes the one thumbnail (both would get the same thumbnail name),
    // unless the name template tells them apart with {srcext}.
    std::set<std::string> rendered;  // lower-case stems of this folder's non-RAW pictures
    const bool raw_and_rendered_apart = options.name_template.find("{srcext}") != std::string::npos;
    if (!raw_and_rendered_apart)
      for (const auto& entry : entries) {
        const std::string name = entry.path().filename().string();
        if (has_image_extension(name) && !has_raw_extension(name))
          rendered.insert(detail::ascii_lower(stem_and_ext(name).first));
      }
    for (const auto& entry : entries) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.') continue;
      if (has_raw_extension(name) && rendered.count(detail::ascii_lower(stem_and_ext(name).first)) != 0)
        continue;
      const std::string rel = relative.empty() ? name : relative + "/" + name;
      std::error_code type_ec;
      if (entry.is_directory(type_ec)) {
        const bool is_output = !output_dir.empty() && normal(entry.path()) == output_dir;
        if (options.recursive && !entry.is_symlink(type_ec) && !is_output)
          folder(entry.path(), rel, earlier, false);
      } else if (has_image_extension(name) && !earlier_thumbnail(name)) {
        // A name with a newline or an escape code is listed, but fails with the reason; so does a
        // picture's name that is no file to read (a broken symbolic link, a pipe, a device), so
        // that nothing named as a picture is left out without a word.
        std::string error = detail::unsafe_path_error(rel);
        if (error.empty() && !entry.is_regular_file(type_ec))
          error = entry.is_symlink(type_ec) && !entry.exists(type_ec)
                      ? "broken symbolic link (its target is missing)"
                      : "not a regular file";
        items.push_back({entry.path().string(), rel, error, {}});
      }
    }
  }
};

}  // namespace

bool has_raw_extension(const std::string& filename) {
  static constexpr std::array<std::string_view, 22> kRaw = {
      "dng", "cr2", "cr3", "crw", "nef", "nrw", "arw", "srf", "sr2", "orf", "rw2",
      "raf", "pef", "srw", "x3f", "3fr", "iiq", "erf", "kdc", "dcr", "mef", "mrw"};
  const std::string ext = stem_and_ext(filename).second;
  return std::find(kRaw.begin(), kRaw.end(), ext) != kRaw.end();
}

bool has_image_extension(const std::string& filename) {
  static constexpr std::array<std::string_view, 29> kExtensions = {
      "jpg",  "jpeg", "jpe",  "jfif", "jif", "pjpeg", "pjp", "png", "apng", "webp",
      "bmp",  "dib",  "tif",  "tiff", "pbm", "pgm",   "ppm", "pnm", "gif",  "heic",
      "heif", "hif",  "avif", "jxl",  "jp2", "j2k",   "ico", "psd", "pam"};
  const std::string ext = stem_and_ext(filename).second;
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end() ||
         has_raw_extension(filename);
}

bool has_unread_image_extension(const std::string& filename) {
  static constexpr std::array<std::string_view, 4> kUnread = {"jp2", "j2k", "ico", "psd"};
  const std::string ext = stem_and_ext(filename).second;
  return std::find(kUnread.begin(), kUnread.end(), ext) != kUnread.end();
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
      walk.folder(given, "", std::nullopt, true);
      if (!options.output_dir.empty()) drop_earlier_outputs(items, from, options);
    } else
      items.push_back({given, fs::path(given).filename().string(), {}, {}});
  }
  return items;
}

}  // namespace thumbflow
