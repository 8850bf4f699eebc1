// Colour profiles made with lcms2 from what a file states without an ICC profile: PNG gAMA/cHRM
// chunks and ITU-T H.273 code points (HEIF nclx, AVIF, JPEG XL), as ICC bytes, so that the rest
// of the colour step deals with one kind of thing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "image/codec.hpp"

namespace thumbflow::detail {

// A PNG cHRM chunk: white x, y, red x, y, green x, y, blue x, y.
struct PngChromaticities {
  double xy[8] = {};
};

// The profile for a PNG's gAMA (file gamma x 100000) and cHRM; a missing one means sRGB's. A gray
// profile (cHRM's white, the gAMA curve) for a `grey` PNG (colour type 0 or 4), else an RGB one.
// Returns empty bytes (and a warning) when they make no usable profile.
std::vector<std::uint8_t> profile_from_png_chunks(std::optional<std::uint32_t> gamma,
                                                  std::optional<PngChromaticities> chrm, bool grey,
                                                  std::vector<std::string>& warnings);

// The profile for H.273 primaries/transfer: primaries 1 (BT.709/sRGB), 9 (BT.2020), 12 (Display
// P3), 11 (DCI-P3); transfers 1/6/14/15 (BT.709), 4 (2.2), 5 (2.8), 8 (linear), 13 (sRGB), 16 (PQ)
// and 18 (HLG), the HDR two mapped to SDR by clipping above the 203 cd/m2 reference white (with a
// warning). Empty bytes when it is sRGB (or unspecified); a code point not listed is taken as
// sRGB's, with a warning.
std::vector<std::uint8_t> profile_from_cicp(const Cicp& cicp, std::vector<std::string>& warnings);

// Adobe RGB (1998) as ICC bytes (made once), for files that state the colour space without a profile.
const std::vector<std::uint8_t>& adobe_rgb_profile();

}  // namespace thumbflow::detail
