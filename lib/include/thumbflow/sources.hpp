// Turning what the user named (folders, files) into the list of items to process.
#pragma once

#include <string>
#include <vector>

#include "thumbflow/options.hpp"

namespace thumbflow {

struct Item {
  std::string input;          // path to read (or URL for remote sources)
  std::string relative_path;  // path under its root, '/'-separated, e.g. "trip/a.jpg";
                              // decides the output's folder and name
  std::string error;          // non-empty: the item failed while listing (e.g. unreadable folder)
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

}  // namespace thumbflow
