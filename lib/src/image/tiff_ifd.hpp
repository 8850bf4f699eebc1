// The entries of a TIFF's first directory (IFD), read from the file's bytes without libtiff: the
// one walker behind every look at a TIFF's tags before (or instead of) decoding it — the profile
// (tag 34675), whether it is a camera's raw data, and how much tag data libtiff would load.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "image/format.hpp"

namespace thumbflow::detail {

struct TiffEntry {
  std::uint32_t tag = 0;
  std::uint32_t type = 0;   // 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 7 UNDEFINED, 16 LONG8, ...
  std::uint64_t count = 0;  // values of `type`
  // The value's bytes: count × the type's size, 0 for a type TIFF does not define. When that is
  // more than the file holds, `size` is 0 and `oversized` is set.
  std::uint64_t size = 0;
  bool oversized = false;
  bool in_entry = false;  // the value is stored inside the entry itself (4 bytes, BigTIFF 8)
  std::uint64_t at = 0;   // where the value starts in the file (inside the entry when in_entry)

  // The value's bytes when all of them lie inside `file`, else nothing.
  std::optional<Bytes> value(Bytes file) const;
};

struct TiffDirectory {
  bool little_endian = true;
  bool big_tiff = false;           // version 43: 8-byte offsets and counts
  std::vector<TiffEntry> entries;  // as many as fit in the file, in the file's order

  const TiffEntry* find(std::uint32_t tag) const;
};

// The most entries libtiff 4.5 reads in a BigTIFF directory (TIFFFetchDirectory).
inline constexpr std::uint64_t kMaxBigTiffEntries = 4096;

// The first directory of the classic or BigTIFF file in `data`; nothing when the header is not a
// TIFF's or the directory starts outside the file or, in a BigTIFF, has more than
// kMaxBigTiffEntries entries (libtiff says what is wrong when it reads the
// file). A directory cut short by the end of the file gives the entries that fit. Reads only
// inside `data`; never throws on bad input.
std::optional<TiffDirectory> read_first_tiff_directory(Bytes data);

}  // namespace thumbflow::detail
