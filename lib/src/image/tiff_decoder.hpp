// TIFF on libtiff, from the bytes in memory; OpenCV's imgcodecs is not involved.
#pragma once

#include "image/codec.hpp"

namespace thumbflow::detail {

// The first directory's size as stored and its Orientation tag (decode.cpp turns the pixels).
// Throws DecodeError("cannot decode TIFF: <libtiff's reason>").
ImageHeader read_tiff_header(Bytes data);

// Decodes the first directory (page), strip by strip or tile by tile (strips larger than 32 MB row
// by row), into one image in stored orientation:
// - grey (min-is-black or min-is-white), palette, RGB, CMYK (InkSet 1), and YCbCr, CIE L*a*b* and
//   LogLuv (JPEG-compressed YCbCr converted by libjpeg, the others through libtiff's RGBA reader);
// - unsigned 1-16 bit samples: 8-bit output up to 8 bits, 16-bit above; signed 8/16-bit offset to
//   unsigned (the most negative black); 32-bit integers and 16/32/64-bit floats as 32-bit floats
//   0..1 (outside it: a warning, the resize clips);
// - contiguous or separate planes, strips or tiles;
// - the first extra sample as alpha, straight (associated alpha is divided out); further extra
//   samples (Photoshop's channels) are not read;
// - CMYK (with its alpha: 5 channels) as 8-bit CMYK with DecodedPixels::cmyk set, for the colour
//   step and the file's ICC profile.
// Strip files without alpha, with request.min_size set, come out as the means of k x k blocks, k =
// png_block_factor (the PNG reader's rule), averaged while the rows are read; `scale` is k.
// Refuses more than request.max_pixels before allocating. Throws DecodeError("unsupported TIFF:
// ...") for what it does not read (complex samples, ...), "cannot decode TIFF: <reason>" for a
// damaged file. libtiff's warnings become the item's. Thread-safe.
DecodedPixels decode_tiff(Bytes data, const DecodeRequest& request);

}  // namespace thumbflow::detail
