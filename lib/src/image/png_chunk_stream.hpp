// The bytes of a PNG as libspng should see them: the signature and only the chunks that decide
// the pixels (IHDR, PLTE, tRNS, IDAT, IEND and any unknown critical chunk, which libspng must
// refuse). Other ancillary chunks are dropped unread: colour chunks (iCCP, sRGB, gAMA, cHRM) and
// eXIf are read from the original bytes elsewhere, and skipping them means a 64 MB iCCP bomb or a
// 16 MB eXIf chunk costs nothing here (libspng would inflate or copy them while looking for IDAT).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "image/format.hpp"

namespace thumbflow::detail {

class PngChunkStream {
 public:
  // Walks the chunk headers of `data` (which must outlive the stream); nothing is copied. A chunk
  // cut short is kept as far as it goes, so that libspng reports the truncation itself.
  explicit PngChunkStream(Bytes data);

  // Copies the next `length` bytes of the filtered stream to `dest`; false (nothing copied) when
  // fewer remain.
  bool read(void* dest, std::size_t length);

  // What was recovered from while walking, one line each ("tRNS chunk has a bad CRC: ...").
  const std::vector<std::string>& warnings() const { return warnings_; }

  // The total length of the IDAT chunks present (the compressed image data).
  std::uint64_t idat_bytes() const { return idat_bytes_; }

 private:
  struct Range {
    std::size_t begin, end;
  };
  Bytes data_;
  std::vector<Range> ranges_;
  std::size_t range_ = 0;      // the range being read
  std::size_t at_ = 0;         // offset in data_ within that range
  std::size_t remaining_ = 0;  // bytes left in the whole stream
  std::uint64_t idat_bytes_ = 0;
  std::vector<std::string> warnings_;
};

}  // namespace thumbflow::detail
