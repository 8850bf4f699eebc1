// Box parsing and fit computation. Pure functions: no state, safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace thumbflow {

// A size in pixels. Default 0x0, which means "unknown" in reports and "unbounded" for a side of a
// box. A plain value: copy it freely; no invariants are enforced.
struct Dimensions {
  int width = 0;
  int height = 0;
  friend bool operator==(const Dimensions&, const Dimensions&) = default;
};

// Parses a box as vipsthumbnail does: "WxH", "N" (= NxN), "Wx" or "xH" (the missing side is
// unbounded); 'X' works as 'x'. Each given side must be 1..65535. Unbounded sides are returned as
// 0, never both. Throws std::invalid_argument with a message naming the text on anything else
// (empty, not a number, out of range, signs, spaces, "x" alone).
Dimensions parse_box(std::string_view text);

// Most boxes one size list may hold (see parse_size_list).
inline constexpr std::size_t kMaxSizes = 16;

// Parses a list of boxes separated by commas, "128,512,1024" or "64,128x96,200x": each entry as
// parse_box reads it, in the order given. One entry gives a list of one. Throws
// std::invalid_argument with one line naming the list and the entry on an empty entry, a bad
// entry, a box given twice (as "128" and "128x128" are the same box) or more than kMaxSizes boxes.
std::vector<Dimensions> parse_size_list(std::string_view text);

// The box as a size list writes it, and as the {size} name placeholder gives it: "128" for a
// square box, "128x96", "200x" or "x200" for an unbounded side. parse_box reads it back.
std::string size_name(Dimensions box);

// Size of the thumbnail of an image of size `in` that fits `box` (0 = unbounded side) keeping the
// aspect ratio: the limiting side lands exactly on the box, the other is rounded to the nearest
// pixel, never below 1. Without allow_enlarge an image that already fits keeps its size; a box of
// 0x0 keeps every size. Throws std::invalid_argument when in.width or in.height is below 1.
Dimensions fit_within(Dimensions in, Dimensions box, bool allow_enlarge);

}  // namespace thumbflow
