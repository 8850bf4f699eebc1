#include "image/tiff_ifd.hpp"

#include <algorithm>

#include "image/byte_order.hpp"

namespace thumbflow::detail {
namespace {

std::uint64_t type_bytes(std::uint32_t type) {
  switch (type) {
    case 1:
    case 2:
    case 6:
    case 7:
      return 1;  // BYTE, ASCII, SBYTE, UNDEFINED
    case 3:
    case 8:
      return 2;  // SHORT, SSHORT
    case 4:
    case 9:
    case 11:
    case 13:
      return 4;  // LONG, SLONG, FLOAT, IFD
    case 5:
    case 10:
    case 12:
    case 16:
    case 17:
    case 18:
      return 8;  // RATIONAL ..., DOUBLE, LONG8, SLONG8, IFD8
    default:
      return 0;  // unknown: libtiff skips the tag
  }
}

}  // namespace

std::optional<Bytes> TiffEntry::value(Bytes file) const {
  if (oversized || at > file.size() || size > file.size() - at) return std::nullopt;
  return file.subspan(at, size);
}

const TiffEntry* TiffDirectory::find(std::uint32_t tag) const {
  const auto it =
      std::find_if(entries.begin(), entries.end(), [&](const TiffEntry& e) { return e.tag == tag; });
  return it == entries.end() ? nullptr : &*it;
}

std::optional<TiffDirectory> read_first_tiff_directory(Bytes d) {
  if (d.size() < 16 || d[0] != d[1] || (d[0] != 'I' && d[0] != 'M')) return std::nullopt;
  TiffDirectory dir;
  dir.little_endian = d[0] == 'I';
  const bool le = dir.little_endian;
  const auto u16 = [&](std::uint64_t at) -> std::uint64_t { return le ? le16(d, at) : be16(d, at); };
  const auto u32 = [&](std::uint64_t at) -> std::uint64_t { return le ? le32(d, at) : be32(d, at); };
  const auto u64 = [&](std::uint64_t at) {
    return le ? u32(at) | u32(at + 4) << 32 : u32(at) << 32 | u32(at + 4);
  };
  dir.big_tiff = u16(2) == 43;
  if (!dir.big_tiff && u16(2) != 42) return std::nullopt;
  const bool big = dir.big_tiff;
  const std::uint64_t ifd = big ? u64(8) : u32(4), count_bytes = big ? 8 : 2, entry_bytes = big ? 20 : 12;
  if (ifd < 8 || ifd > d.size() - count_bytes) return std::nullopt;
  // libtiff refuses a BigTIFF directory of more entries ("sanity check on directory count
  // failed"): a file that declares millions would otherwise have them listed here first (a 100 MB
  // file: 5 M entries, ~300 MB). A classic directory holds at most 65535.
  if (big && u64(ifd) > kMaxBigTiffEntries) return std::nullopt;
  const std::uint64_t entries =
      std::min<std::uint64_t>(big ? u64(ifd) : u16(ifd), (d.size() - ifd - count_bytes) / entry_bytes);
  dir.entries.reserve(entries);
  for (std::uint64_t i = 0; i < entries; ++i) {
    const std::uint64_t e = ifd + count_bytes + i * entry_bytes, value_at = e + (big ? 12 : 8);
    TiffEntry entry;
    entry.tag = std::uint32_t(u16(e));
    entry.type = std::uint32_t(u16(e + 2));
    entry.count = big ? u64(e + 4) : u32(e + 4);
    const std::uint64_t unit = type_bytes(entry.type);
    entry.oversized = unit != 0 && entry.count > d.size() / unit;
    entry.size = entry.oversized ? 0 : entry.count * unit;
    entry.in_entry = !entry.oversized && entry.size <= (big ? 8u : 4u);
    entry.at = entry.in_entry ? value_at : big ? u64(value_at) : u32(value_at);
    dir.entries.push_back(entry);
  }
  return dir;
}

}  // namespace thumbflow::detail
