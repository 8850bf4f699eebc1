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
ImageHeader read_tiff_header(Bytes data);

// The first directory of a TIFF, as far as thumbflow needs it (TIFF defaults where a tag is absent).
struct TiffLayout {
  Dimensions size{};  // as stored
  int orientation = 1;
  bool tiled = false;
  std::uint32_t bits = 1, samples = 1, sample_format = 1;  // of the first sample
  std::uint32_t extra_samples = 0;  // ExtraSamples[0]: 0 unspecified, 1 associated alpha, 2 unassociated
};
TiffLayout read_tiff_layout(Bytes data);  // throws DecodeError when cut short

// Whether the 4-channel pixels OpenCV's reader returns for such a TIFF have premultiplied colour.
bool opencv_tiff_alpha_is_premultiplied(const TiffLayout& layout);
ImageHeader read_pnm_header(Bytes data);

}  // namespace thumbflow::detail
