// Image size from the header alone, so that oversized images are refused before decoding.
#pragma once

#include <cstdint>

#include "image/format.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

struct ImageHeader {
  Dimensions size{};    // as stored; {0,0} when the header does not say (then decoding decides)
  int orientation = 1;  // EXIF or TIFF orientation 1..8 the pixels are stored in, 1 if absent
};

// Reads the header of a readable format through its codec (image/codec.hpp). Throws DecodeError
// when the header is cut short or declares an empty image, std::invalid_argument for a format
// thumbflow cannot read.
ImageHeader read_header(Bytes data, ImageFormat format);

// The header readers of the formats whose header is parsed here (codecs.cpp uses them).
ImageHeader read_png_header(Bytes data);
ImageHeader read_bmp_header(Bytes data);
ImageHeader read_pnm_header(Bytes data);

}  // namespace thumbflow::detail
