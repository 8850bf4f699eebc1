#include "report/html_text.hpp"

#include <cstdio>
#include <filesystem>

#include "core/url_segment.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::detail {
namespace fs = std::filesystem;

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string percent_encode_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    const auto b = static_cast<unsigned char>(c);
    const bool plain = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                       b == '-' || b == '.' || b == '_' || b == '~' || b == '/';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

std::string link_from(const std::string& page_dir, const std::string& target) {
  if (is_remote(target)) return target;
  // Lexical, so the page can be made without touching the disk; both sides are made absolute
  // against the same working folder.
  const fs::path from = fs::absolute(page_dir.empty() ? "." : page_dir).lexically_normal();
  const fs::path to = fs::absolute(target).lexically_normal();
  const fs::path rel = to.lexically_relative(from);
  if (rel.empty()) return "file://" + percent_encode_path(to.generic_string());
  return percent_encode_path(rel.generic_string());
}

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"KB", "MB", "GB", "TB"};
  double v = double(bytes) / 1000;
  int unit = 0;
  while (v >= 1000 && unit < 3) {
    v /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, v < 10 ? "%.1f %s" : "%.0f %s", v, kUnits[unit]);
  return text;
}

std::string display_name(std::string_view input) {
  if (is_remote(input)) {
    const std::string_view segment = url_last_segment(input);
    return std::string(segment.empty() ? input : segment);
  }
  while (input.size() > 1 && input.back() == '/') input.remove_suffix(1);
  const auto slash = input.rfind('/');
  return std::string(slash == std::string_view::npos ? input : input.substr(slash + 1));
}

}  // namespace thumbflow::detail
