// Unsigned integers read from image bytes in a fixed byte order. The caller checks the bounds.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/format.hpp"

namespace thumbflow::detail {

inline std::uint32_t be16(Bytes d, std::size_t at) { return std::uint32_t{d[at]} << 8 | d[at + 1]; }
inline std::uint32_t be32(Bytes d, std::size_t at) { return be16(d, at) << 16 | be16(d, at + 2); }
inline std::uint32_t le16(Bytes d, std::size_t at) { return std::uint32_t{d[at + 1]} << 8 | d[at]; }
inline std::uint32_t le32(Bytes d, std::size_t at) { return le16(d, at + 2) << 16 | le16(d, at); }

}  // namespace thumbflow::detail
