#include "image/png_chunk_stream.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "image/byte_order.hpp"

namespace thumbflow::detail {
namespace {

constexpr std::size_t kSignature = 8;

// Critical chunks have an upper-case first letter (PNG spec 5.4); tRNS is the one ancillary chunk
// that changes the decoded pixels (alpha).
bool keep(const char* type) { return (type[0] & 0x20) == 0 || std::memcmp(type, "tRNS", 4) == 0; }

}  // namespace

PngChunkStream::PngChunkStream(Bytes data) : data_(data) {
  const std::size_t size = data.size();
  ranges_.push_back({0, std::min(size, kSignature)});
  std::size_t at = kSignature;
  bool ended = false;
  while (at < size) {
    if (size - at < 12) {  // a header (or CRC) cut short: libspng reports it
      ranges_.push_back({at, size});
      break;
    }
    const std::uint32_t length = be32(data, at);
    const char* type = reinterpret_cast<const char*>(data.data() + at + 4);
    if (length > 0x7FFFFFFFu || size - at - 12 < length) {
      ranges_.push_back({at, size});
      break;
    }
    const std::size_t end = at + 12 + length;
    if (std::memcmp(type, "IDAT", 4) == 0) idat_bytes_ += length;
    if (keep(type)) {
      if (std::memcmp(type, "tRNS", 4) == 0 &&
          crc32(crc32(0L, Z_NULL, 0), data.data() + at + 4, uInt(length + 4)) != be32(data, end - 4))
        warnings_.emplace_back("tRNS chunk has a bad CRC: transparency ignored");
      // Consecutive kept chunks (the IDAT run) become one range.
      if (ranges_.back().end == at)
        ranges_.back().end = end;
      else
        ranges_.push_back({at, end});
    }
    at = end;
    if (std::memcmp(type, "IEND", 4) == 0) {
      ended = true;
      break;
    }
  }
  if (!ended && size > kSignature) warnings_.emplace_back("the file ends before the IEND chunk");
  for (const Range& r : ranges_) remaining_ += r.end - r.begin;
  at_ = ranges_.front().begin;
}

bool PngChunkStream::read(void* dest, std::size_t length) {
  if (length > remaining_) return false;
  auto* out = static_cast<std::uint8_t*>(dest);
  while (length > 0) {
    const Range& r = ranges_[range_];
    const std::size_t n = std::min(length, r.end - at_);
    std::memcpy(out, data_.data() + at_, n);
    out += n;
    at_ += n;
    length -= n;
    remaining_ -= n;
    if (at_ == r.end && range_ + 1 < ranges_.size()) at_ = ranges_[++range_].begin;
  }
  return true;
}

}  // namespace thumbflow::detail
