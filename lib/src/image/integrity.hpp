// Structural checks run before handing bytes to OpenCV's decoders, which report truncated or
// corrupt PNG/BMP files by printing to stderr themselves (libpng's handler, imdecode's catch).
// Catching those cases here gives one clear error and no stray output.
#pragma once

#include "image/format.hpp"

namespace thumbflow::detail {

// PNG: every chunk complete with a correct CRC, up to IEND. BMP: the pixel data that an
// uncompressed header promises is present. Other formats: nothing. Throws DecodeError.
void check_integrity(Bytes data, ImageFormat format);

// Whether the CRC of the PNG chunk at `at` (its length field) with `length` data bytes holds; the
// caller has checked that the chunk lies within `data`. libdeflate's CRC-32 (carry-less multiply
// where the CPU has it: zlib's took 3% of a large PNG's decode).
bool png_crc_holds(Bytes data, std::size_t at, std::size_t length);

}  // namespace thumbflow::detail
