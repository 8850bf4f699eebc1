// JPEG XL reading on libjxl (0.7), single-threaded per image (the pipeline runs one image per core).
#pragma once

#include "image/codec.hpp"
#include "image/format.hpp"
#include "image/header.hpp"

namespace thumbflow::detail {

// The displayed size (libjxl applies the codestream's orientation while decoding) and
// orientation 1. Throws DecodeError when the basic info is cut short or invalid.
ImageHeader read_jxl_header(Bytes data);

// The first (composited) frame, upright, 8-bit: BGR, BGRA with alpha, gray for gray images.
// `icc` is the profile of the pixels as returned: the original one for images coded in their own
// colour space; XYB-coded (lossy) images are returned as sRGB, with `icc` empty, as are images in
// sRGB. Full size: libjxl 0.7 cannot decode at a reduced size (its progressive DC only fills the
// full-size buffer early from partial input), so request.min_size is ignored.
// Throws DecodeError("cannot decode JPEG XL: <reason>"). Thread-safe.
DecodedPixels decode_jxl(Bytes data, const DecodeRequest& request);

}  // namespace thumbflow::detail
