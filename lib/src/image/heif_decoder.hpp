// HEIF/HEIC and AVIF reading on libheif (1.15): the primary image, or the file's own embedded
// thumbnail image when that is large enough for the thumbnail being made.
#pragma once

#include "image/codec.hpp"
#include "image/format.hpp"
#include "image/header.hpp"

namespace thumbflow::detail {

// The primary image's displayed size, i.e. after its irot/imir/clap transforms, and
// orientation 1: libheif applies the transforms while decoding, and an EXIF orientation inside
// the file only repeats them, so it must not be applied on top. Throws DecodeError.
ImageHeader read_heif_header(Bytes data);

// Decodes the primary image (or an embedded thumbnail image of the same aspect ratio that is at
// least request.min_size on both sides, the smallest such) upright, to BGR, or BGRA when it has
// alpha; 10/12-bit images become 8-bit. Hands over the `colr` box: an ICC profile in `icc`, nclx
// code points in `cicp`. Throws DecodeError("cannot decode HEIF: <reason>") (AVIF for AVIF files).
// Thread-safe.
DecodedPixels decode_heif(Bytes data, const DecodeRequest& request);

}  // namespace thumbflow::detail
