// Turning what the user named (folders, files) into the list of items to process.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "thumbflow/options.hpp"

namespace thumbflow {

struct Item {
  std::string input;          // path to read (or URL for remote sources)
  std::string relative_path;  // path under its root, '/'-separated, e.g. "trip/a.jpg";
                              // decides the output's folder and name
  std::string error;          // non-empty: the item failed while listing (e.g. unreadable folder)
  std::string tag;            // opaque to thumbflow, copied to ItemResult::tag (e.g. a queue entry id)
};

struct CollectOptions {
  // Descend into sub-folders. Default true.
  bool recursive = true;
  // With an output folder, a file found in a folder is not an input when it is the thumbnail that
  // another found file would get (output_dir + name_template + thumbnail), so a re-run into an
  // output folder inside the input tree does not thumbnail thumbnails. Files named explicitly are
  // always inputs. Default: no output folder, no exclusion.
  std::string output_dir;
  std::string name_template = "{stem}_thumbnail.{ext}";
  ThumbnailOptions thumbnail{};
};

// Files with these extensions are picked up from folders (case-insensitive). Image formats that
// thumbflow cannot read are included on purpose, so they are reported instead of silently ignored.
bool has_image_extension(const std::string& filename);

// Lists the items named by `paths`: a file is taken as is (whatever its extension, relative path =
// its name); a folder gives every image file under it (sorted, hidden entries and symlinked folders
// skipped). Throws std::invalid_argument naming the path if one does not exist.
std::vector<Item> collect_local_items(const std::vector<std::string>& paths, const CollectOptions& options);

// True for http:// and https:// inputs (case-insensitive scheme).
bool is_remote(std::string_view input);

// A file name for what `url` points at that is safe to create anywhere: the last path segment,
// percent-decoded, with every character outside [A-Za-z0-9._-] replaced by '_', no leading dots,
// at most 100 bytes (the extension kept), "image" when nothing is left. Never contains '/', "..",
// control characters or an absolute path.
std::string safe_name_from_url(std::string_view url);

// Items of a URL list: one URL per line; blank lines and lines starting with '#' are skipped;
// surrounding whitespace is trimmed; a URL listed again is skipped. Each item's relative_path is its safe
// name; URLs whose safe names (minus extension) collide get "-<8 hex digits of a hash of the URL>" appended,
// so no two items share a name. A line that is not an http(s) URL becomes an item with an error.
std::vector<Item> parse_url_list(std::string_view text);

}  // namespace thumbflow
