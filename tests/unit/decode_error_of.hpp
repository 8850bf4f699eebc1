// Shared by the per-format decoder tests: decode as the pipeline does, keep only the error line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "image/decode.hpp"
#include "image/decode_error.hpp"

namespace thumbflow::detail::test_decode {

// --decode full: the whole picture, no shrink-on-load (the default box is 128x128).
inline ThumbnailOptions full_decode() {
  ThumbnailOptions o;
  o.decode = DecodeMode::Full;
  return o;
}

// The DecodeError text, or "" when the bytes decode.
inline std::string error_of(const std::vector<std::uint8_t>& bytes,
                            const ThumbnailOptions& options = full_decode()) {
  try {
    decode_for_thumbnail(bytes, options);
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "";
}

}  // namespace thumbflow::detail::test_decode
