// PNG decoding on libspng, from the bytes in memory; OpenCV's imgcodecs is not involved.
#pragma once

#include "image/codec.hpp"

namespace thumbflow::detail {

// Decodes every PNG colour type and bit depth to 8-bit gray (CV_8UC1: gray without tRNS), BGR
// (CV_8UC3) or BGRA (CV_8UC4: an alpha channel or a tRNS chunk). 16-bit samples are rounded to
// 8 bits (v / 257, to nearest); gAMA is ignored and no ICC profile is returned (colour chunks are
// read from the bytes by the colour stage). Refuses an IHDR over request.max_pixels before
// allocating anything.
// Adam7-interlaced files with request.min_size set: only the first passes whose pixels form a
// grid at least 4x min_size are read (pass 1: every 8th pixel both ways; passes 1-3: every 4th;
// passes 1-5: every 2nd), and `scale` says which (8, 4 or 2); the last grid row and column stand
// for fewer stored pixels, as with JPEG's DCT scaling.
// Non-interlaced files without alpha with request.min_size set: the means of k x k blocks, k =
// png_block_factor (at least 2, else the whole image), read row by row; `scale` is k.
// Throws DecodeError("truncated or corrupt PNG: <libspng's reason>"). Thread-safe.
DecodedPixels decode_png(Bytes data, const DecodeRequest& request);

// The Adam7 subsampling decode_png uses for an interlaced image of `stored` size: the largest of
// 8, 4, 2 whose grid (ceil(side / s)) still covers 4x min_size on both sides, else 1 (the factor 4:
// the grid's pixels are point samples, not averages; see png_decoder.cpp).
int adam7_scale(Dimensions stored, Dimensions min_size);

// The block size decode_png averages a non-interlaced image without alpha by: the largest whole k
// with stored / k still at least 2x min_size on both sides (1: no averaging; min_size unset: 1).
// The margin keeps the blocks' grid, which does not line up with the thumbnail's, from showing.
int png_block_factor(Dimensions stored, Dimensions min_size);

}  // namespace thumbflow::detail
