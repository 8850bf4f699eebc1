// The one check for paths that come from outside and end up inside the output folder (folder
// listings, URL lists, gallery ids, queue jobs, the expanded name template, --keep-originals),
// and the one way thumbflow compares local paths.
#pragma once

#include <string>
#include <string_view>

namespace thumbflow::detail {

// A '/'-separated path that stays inside whatever folder it is joined to. Made only by check():
// relative, every segment non-empty and neither "." nor "..", no NUL, control character (0x00-0x1f,
// 0x7f) or backslash anywhere, a segment at most 255 bytes, the whole at most 4096 bytes.
class SafeRelativePath {
 public:
  static constexpr std::size_t kMaxSegment = 255, kMaxTotal = 4096;

  // Throws std::invalid_argument("unsafe path '<path, escaped>': <reason>").
  static SafeRelativePath check(std::string_view path);

  const std::string& str() const { return path_; }

  // `root` joined with this path. Also checks, lexically, that the result lies under `root`
  // (true by construction; kept so that a future change to check() cannot silently open a hole).
  // Symlinks inside `root` are the writer's concern (see Storage::write_atomic).
  std::string under(const std::string& root) const;

 private:
  explicit SafeRelativePath(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// What SafeRelativePath::check(path) would throw, "" when it would not: for sources that list an
// unsafe name as an item with an error.
std::string unsafe_path_error(std::string_view path);

// `path` for display in a message: control characters and backslashes escaped (\n, \x1b, \\),
// cut after 200 bytes.
std::string printable_path(std::string_view path);

// The one normal form for comparing local paths: absolute, symlinks in the existing part resolved,
// "." and ".." removed. Never throws (falls back to the lexical form when the file system cannot
// be asked).
std::string normalised_path(const std::string& path);

}  // namespace thumbflow::detail
