// Camera RAW files (DNG, CR2, CR3, NEF, ARW, ORF, RW2, RAF, PEF, ...) through LibRaw: the
// thumbnail is made from the largest preview the camera embedded (a full-size JPEG in most
// files), decoded at the scale the box needs; when there is none large enough, from the raw data
// developed by LibRaw at half size (camera white balance, sRGB). A TIFF-based file that LibRaw
// does not take is read as a TIFF.
#pragma once

#include "image/codec.hpp"

namespace thumbflow::detail {

// The sensor's size (before orientation) and the camera's orientation. Throws DecodeError.
ImageHeader read_raw_header(Bytes data);

DecodedPixels decode_raw(Bytes data, const DecodeRequest& request);

}  // namespace thumbflow::detail
