// The colour step: right after decoding (on the shrunk picture), before cropping and resizing.
#pragma once

#include "image/decode.hpp"
#include "thumbflow/options.hpp"

namespace thumbflow::detail {

// Brings `image` to what the thumbnail shows, using image.icc (or a profile made from image.cicp):
// - ColourMode::Srgb: converts pixels (and animation frames) to sRGB and clears image.icc;
// - ColourMode::Keep: leaves the pixels and leaves in image.icc the profile to embed in the
//   thumbnail (empty when there is none or it is unusable; grey spread to BGR/BGRA with a gray
//   profile, which a colour thumbnail cannot carry, is converted to sRGB as in Srgb mode).
// CMYK pixels (image.cmyk) become BGR through their profile in either mode (a thumbnail is never
// CMYK; nothing is embedded then). Pictures without a profile, or with an sRGB one, are left
// untouched at the cost of a cache lookup. A broken or mismatched profile adds a warning to
// image.warnings and the picture is treated as sRGB; nothing here fails the image. Thread-safe.
void manage_colour(DecodedImage& image, ColourMode mode);

}  // namespace thumbflow::detail
