// Box parsing and fit computation. Pure functions, thread-safe.
#pragma once

#include <string_view>

namespace thumbflow {

struct Dimensions {
  int width = 0;
  int height = 0;
  friend bool operator==(const Dimensions&, const Dimensions&) = default;
};

// Parses a box as vipsthumbnail does: "WxH", "N" (= NxN), "Wx" or "xH" (the missing side is
// unbounded). Each given side must be 1..65535. Unbounded sides are returned as 0.
// Throws std::invalid_argument with a message naming the text on anything else.
Dimensions parse_box(std::string_view text);

// Size of the thumbnail of an image of size `in` that fits `box` (0 = unbounded side) keeping the
// aspect ratio, rounded to the nearest pixel, never below 1. Without allow_enlarge an image that
// already fits keeps its size. Requires in.width, in.height >= 1.
Dimensions fit_within(Dimensions in, Dimensions box, bool allow_enlarge);

}  // namespace thumbflow
