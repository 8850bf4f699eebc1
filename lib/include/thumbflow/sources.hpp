// Turning what the user named (folders, files, URL lists) into the items to process. Every function
// here is pure or only reads the file system, and is safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "thumbflow/options.hpp"

namespace thumbflow {

// One image to thumbnail, as a source lists it.
struct Item {
  std::string input;          // path to read (or URL for remote sources)
  std::string relative_path;  // path under its root, '/'-separated, e.g. "trip/a.jpg";
                              // decides the output's folder and name
  std::string error;          // non-empty: the item failed while listing (e.g. unreadable folder)
  std::string tag;            // opaque to thumbflow, copied to ItemResult::tag (e.g. a queue entry id)
  // > 0: with skip_existing, a thumbnail already there counts as this item's only if written after
  // this time (Unix ms): a queue job's enqueueing, so that another job's older file with the same
  // name is not taken for the work of this job's earlier attempt.
  std::int64_t newer_than_ms = 0;
};

// How collect_local_items lists folders.
struct CollectOptions {
  // Descend into sub-folders. Default true.
  bool recursive = true;
  // With an output folder, a file found in a folder is not an input when it is the thumbnail that
  // another found file would get (output_dir + name_template + thumbnail), so a re-run into an
  // output folder inside the input tree does not thumbnail thumbnails. Files named explicitly are
  // always inputs. Default: no output folder, no exclusion.
  std::string output_dir;
  // The output name template and thumbnail options of the batch (see BatchOptions), used only to
  // recognise thumbnails as above. Defaults: the batch defaults.
  std::string name_template = "{stem}_thumbnail.{ext}";
  ThumbnailOptions thumbnail{};
};

// Files with these extensions are picked up from folders (case-insensitive): jpg jpeg jpe jfif jif
// pjpeg pjp png apng webp bmp dib tif tiff pbm pgm ppm pnm pam gif heic heif hif avif jxl jp2 j2k ico
// psd, and the camera RAW ones (has_raw_extension). Image formats that thumbflow cannot read are
// included on purpose, so they are reported instead of silently ignored. A name without a dot, or
// only a leading one, has no extension.
bool has_image_extension(const std::string& filename);

// The extensions of has_image_extension whose formats thumbflow has no decoder for: jp2 j2k ico psd
// (case-insensitive). Such a file gives way when its thumbnail name is another picture's.
bool has_unread_image_extension(const std::string& filename);

// Camera RAW extensions (case-insensitive): dng cr2 cr3 crw nef nrw arw srf sr2 orf rw2 raf pef srw
// x3f 3fr iiq erf kdc dcr mef mrw. In a folder, a RAW file beside a picture of the same stem (the
// camera's JPEG of the same shot) is left out, unless the name template has {srcext}.
bool has_raw_extension(const std::string& filename);

// Lists the items named by `paths`, in the order given: a file is taken as is (whatever its
// extension, relative path = its name; a symlink to a file is followed); a folder gives every image
// file under it (sorted by path, hidden entries and symlinked folders skipped; a sub-folder that
// cannot be read becomes an item with an error). Throws std::invalid_argument naming the path if one
// does not exist. An empty `paths` gives no items.
std::vector<Item> collect_local_items(const std::vector<std::string>& paths, const CollectOptions& options);

// True for http:// and https:// inputs (case-insensitive scheme).
bool is_remote(std::string_view input);

// A file name for what `url` points at that is safe to create anywhere: the last path segment,
// percent-decoded, with every character outside [A-Za-z0-9._-] replaced by '_', no leading dots,
// at most 100 bytes (the extension kept), "image" when nothing is left. Never contains '/', "..",
// control characters or an absolute path.
std::string safe_name_from_url(std::string_view url);

// Items of a URL list: one URL per line (LF or CRLF); blank lines and lines starting with '#' are
// skipped; surrounding whitespace is trimmed; a URL listed again is skipped. Each item's relative_path is its
// safe name; URLs whose safe names (minus extension) collide get "-<8 hex digits of a hash of the URL>"
// appended, so no two items share a name. A line that is not an http(s) URL becomes an item with an error
// that ends in "(LIST:LINE)", LIST being `list_name`. Never throws for bad input.
std::vector<Item> parse_url_list(std::string_view text, std::string_view list_name = "URL list");

}  // namespace thumbflow
