// Image size from the header alone, so that oversized images are refused before decoding.
#pragma once

#include "image/format.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

struct ImageHeader {
  Dimensions size{};         // as stored; {0,0} when the header does not say (then decoding decides)
  int tiff_orientation = 1;  // TIFF Orientation tag (274) of the first image, 1 if absent
};

// Reads the header of a readable format. Throws DecodeError when the header is cut short or
// declares an empty image.
ImageHeader read_header(Bytes data, ImageFormat format);

}  // namespace thumbflow::detail
