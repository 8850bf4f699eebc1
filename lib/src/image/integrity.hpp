// Structural checks run before handing bytes to OpenCV's decoders, which report truncated or
// corrupt PNG/BMP files by printing to stderr themselves (libpng's handler, imdecode's catch).
// Catching those cases here gives one clear error and no stray output.
#pragma once

#include <string>
#include <vector>

#include "image/format.hpp"

namespace thumbflow::detail {

// PNG: every chunk complete up to IEND, every critical chunk with a correct CRC; an ancillary
// chunk with a bad one is a warning (returned), and the readers of ancillary chunks (colour
// profile, EXIF) skip it: png_ancillary_usable. BMP: the pixel data that an uncompressed header
// promises is present. Other formats: nothing. Throws DecodeError.
std::vector<std::string> check_integrity(Bytes data, ImageFormat format);

// Whether the CRC of the PNG chunk at `at` (its length field) with `length` data bytes holds; the
// caller has checked that the chunk lies within `data`. libdeflate's CRC-32 (carry-less multiply
// where the CPU has it: zlib's took 3% of a large PNG's decode).
bool png_crc_holds(Bytes data, std::size_t at, std::size_t length);

// Whether the PNG chunk at `at` is ancillary (its type's first letter is lower-case).
bool png_ancillary(Bytes data, std::size_t at);

// Whether the ancillary chunk at `at` (within `data`, `length` data bytes) may be read: its CRC
// holds. The one test that every reader of PNG metadata applies (check_integrity warns of the rest).
bool png_ancillary_usable(Bytes data, std::size_t at, std::size_t length);

}  // namespace thumbflow::detail
