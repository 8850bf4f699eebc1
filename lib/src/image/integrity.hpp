// Structural checks run before handing bytes to OpenCV's decoders, which report truncated or
// corrupt PNG/BMP files by printing to stderr themselves (libpng's handler, imdecode's catch).
// Catching those cases here gives one clear error and no stray output.
#pragma once

#include "image/format.hpp"

namespace thumbflow::detail {

// PNG: every chunk complete with a correct CRC, up to IEND. BMP: the pixel data that an
// uncompressed header promises is present. Other formats: nothing. Throws DecodeError.
void check_integrity(Bytes data, ImageFormat format);

}  // namespace thumbflow::detail
