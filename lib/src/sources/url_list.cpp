#include <algorithm>
#include <cctype>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "core/safe_path.hpp"
#include "core/text.hpp"
#include "core/url_segment.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow {
namespace {

constexpr std::size_t kMaxNameBytes = 100;

std::string lower(std::string_view s) { return detail::ascii_lower(s); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += char(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// FNV-1a, 32 bits: a stable, dependency-free hash for name suffixes (not for security).
std::string short_hash(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  static const char* digits = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, h >>= 4) out[std::size_t(i)] = digits[h & 0xF];
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::pair<std::string, std::string> split_ext(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return {name, ""};
  return {name.substr(0, dot), name.substr(dot)};
}

}  // namespace

bool is_remote(std::string_view input) {
  const std::string head = lower(input.substr(0, 8));
  return head.rfind("http://", 0) == 0 || head.rfind("https://", 0) == 0;
}

std::string safe_name_from_url(std::string_view url) {
  const std::string segment = percent_decode(detail::url_last_segment(url));
  std::string name;
  for (const char c : segment) {
    const bool safe = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    name += safe ? c : '_';
  }
  name.erase(0, std::min(name.find_first_not_of('.'), name.size()));  // no hidden or ".." names
  if (name.size() > kMaxNameBytes) {
    auto [stem, ext] = split_ext(name);
    if (ext.size() > 10) ext.clear();
    name = stem.substr(0, kMaxNameBytes - ext.size()) + ext;
  }
  if (name.empty() || name.find_first_not_of("._-") == std::string::npos) return "image";
  return name;
}

std::vector<Item> parse_url_list(std::string_view text, std::string_view list_name) {
  std::vector<Item> items;
  std::unordered_map<std::string, int> stem_count;
  std::unordered_set<std::string> seen;
  std::size_t start = 0, line_number = 0;
  while (start <= text.size()) {
    ++line_number;
    const auto end = std::min(text.find('\n', start), text.size());
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#') continue;
    if (!seen.insert(std::string(line)).second) continue;  // the same URL twice is the same work
    Item item{std::string(line), safe_name_from_url(line), {}, {}};
    if (!is_remote(line)) {
      item.error = "not an http(s) URL (" + std::string(list_name) + ":" + std::to_string(line_number) + ")";
      item.relative_path = "";
    } else {
      ++stem_count[lower(split_ext(item.relative_path).first)];
    }
    items.push_back(std::move(item));
  }
  std::unordered_set<std::string> taken;  // final names, lower case
  for (Item& item : items) {
    if (!item.error.empty()) continue;
    auto [stem, ext] = split_ext(item.relative_path);
    std::string name = item.relative_path;
    if (stem_count[lower(stem)] > 1) name = stem + "-" + short_hash(item.input) + ext;
    // A URL may name its file like another one's suffixed name ("x-1a2b3c4d.jpg"), and hashes
    // can collide: then the later item takes another hash until its name is free.
    for (int salt = 1; !taken.insert(lower(name)).second; ++salt)
      name = stem + "-" + short_hash(item.input + "#" + std::to_string(salt)) + ext;
    item.relative_path = std::move(name);
    item.error = detail::unsafe_path_error(item.relative_path);
  }
  return items;
}

}  // namespace thumbflow
