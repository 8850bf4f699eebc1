#include "core/safe_path.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "thumbflow/printable.hpp"

namespace thumbflow::detail {
namespace fs = std::filesystem;
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// The reason `path` is refused, "" if it is safe.
std::string problem(std::string_view path) {
  if (path.empty()) return "empty";
  if (path.size() > SafeRelativePath::kMaxTotal)
    return "longer than " + std::to_string(SafeRelativePath::kMaxTotal) + " bytes";
  if (path.front() == '/') return "absolute";
  for (const char c : path) {
    if (c == '\0') return "contains a NUL byte";
    if (is_control(static_cast<unsigned char>(c))) return "contains a control character";
    if (c == '\\') return "contains a backslash";
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view segment =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) return "has an empty segment";
    if (segment == ".") return "has a '.' segment";
    if (segment == "..") return "has a '..' segment";
    if (segment.size() > SafeRelativePath::kMaxSegment)
      return "has a segment longer than " + std::to_string(SafeRelativePath::kMaxSegment) + " bytes";
    if (slash == std::string_view::npos) return "";
    start = slash + 1;
  }
}

}  // namespace

std::string unsafe_path_error(std::string_view path) {
  const std::string reason = problem(path);
  return reason.empty() ? reason : "unsafe path '" + printable_path(path) + "': " + reason;
}

SafeRelativePath SafeRelativePath::check(std::string_view path) {
  const std::string error = unsafe_path_error(path);
  if (!error.empty()) throw std::invalid_argument(error);
  return SafeRelativePath(std::string(path));
}

std::string SafeRelativePath::under(const std::string& root) const {
  const fs::path base = fs::path(root).lexically_normal();
  const fs::path joined = (base / path_).lexically_normal();
  const fs::path inside = joined.lexically_relative(base);
  if (inside.empty() || *inside.begin() == "..")
    throw std::invalid_argument("unsafe path '" + printable_path(path_) + "': leaves " + root);
  return (fs::path(root) / path_).string();
}

std::string printable_path(std::string_view path) {
  constexpr std::size_t kShown = 200;
  std::size_t shown = std::min(path.size(), kShown);
  while (shown < path.size() && shown > 0 && (static_cast<unsigned char>(path[shown]) & 0xC0) == 0x80)
    --shown;  // not inside a UTF-8 character
  return printable(path.substr(0, shown), true) + (shown < path.size() ? "..." : "");
}

std::string normalised_path(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  if (ec) p = fs::absolute(path, ec);
  return (ec ? fs::path(path) : p).lexically_normal().string();
}

}  // namespace thumbflow::detail
