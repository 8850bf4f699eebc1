#include "thumbflow/geometry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/safe_path.hpp"

namespace thumbflow {
namespace {

constexpr int kMaxSide = 65535;

[[noreturn]] void bad_box(std::string_view text, const char* why) {
  throw std::invalid_argument("invalid size '" + std::string(text) + "': " + why +
                              " (expected WxH, N, Wx or xH, e.g. 128x128)");
}

// Parses one side; empty means unbounded (0).
int parse_side(std::string_view whole, std::string_view side) {
  if (side.empty()) return 0;
  int value = 0;
  const auto [end, ec] = std::from_chars(side.data(), side.data() + side.size(), value);
  if (ec != std::errc{} || end != side.data() + side.size()) bad_box(whole, "not a number");
  if (value < 1 || value > kMaxSide) bad_box(whole, "each side must be 1..65535");
  return value;
}

}  // namespace

Dimensions parse_box(std::string_view text) {
  if (text.empty()) bad_box(text, "empty");
  const auto x = text.find_first_of("xX");
  if (x == std::string_view::npos) {
    const int n = parse_side(text, text);
    return {n, n};
  }
  const Dimensions box{parse_side(text, text.substr(0, x)), parse_side(text, text.substr(x + 1))};
  if (box.width == 0 && box.height == 0) bad_box(text, "no side given");
  return box;
}

std::vector<Dimensions> parse_size_list(std::string_view text) {
  // The list quoted at most 200 bytes long (a queue entry's may be 1 KiB), escaped.
  const auto bad = [text](const std::string& why) {
    return std::invalid_argument("invalid size list '" + detail::printable_path(text) + "': " + why);
  };
  std::vector<Dimensions> boxes;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string_view entry =
        text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (entry.empty() && (comma != std::string_view::npos || !boxes.empty()))
      throw bad("entry " + std::to_string(boxes.size() + 1) + " is empty");
    Dimensions box;
    try {
      box = parse_box(entry);
    } catch (const std::invalid_argument& e) {
      if (comma == std::string_view::npos && boxes.empty()) throw;  // a single size: as parse_box says
      throw bad(e.what());
    }
    if (std::find(boxes.begin(), boxes.end(), box) != boxes.end())
      throw bad(size_name(box) + " is given twice");
    boxes.push_back(box);
    if (boxes.size() > kMaxSizes) throw bad("more than " + std::to_string(kMaxSizes) + " sizes");
    if (comma == std::string_view::npos) return boxes;
    start = comma + 1;
  }
}

std::string size_name(Dimensions box) {
  if (box.width == box.height) return std::to_string(box.width);
  return (box.width > 0 ? std::to_string(box.width) : "") + "x" +
         (box.height > 0 ? std::to_string(box.height) : "");
}

Dimensions fit_within(Dimensions in, Dimensions box, bool allow_enlarge) {
  if (in.width < 1 || in.height < 1) throw std::invalid_argument("fit_within: empty input size");
  const double sx = box.width > 0 ? double(box.width) / in.width : HUGE_VAL;
  const double sy = box.height > 0 ? double(box.height) / in.height : HUGE_VAL;
  const double scale = std::min(sx, sy);
  if (scale == HUGE_VAL || (!allow_enlarge && scale >= 1.0)) return in;
  // The limiting side lands exactly on the box; the other is rounded to the nearest pixel.
  const auto side = [scale](int n) { return std::max(1, int(std::lround(n * scale))); };
  Dimensions out{side(in.width), side(in.height)};
  if (sx <= sy)
    out.width = box.width;
  else
    out.height = box.height;
  return out;
}

}  // namespace thumbflow
