// The bytes of a PNG as libspng should see them: the signature and only the chunks that decide
// the pixels (IHDR, PLTE, tRNS, IDAT, IEND and any unknown critical chunk, which libspng must
// refuse). Other ancillary chunks are dropped unread: colour chunks (iCCP, sRGB, gAMA, cHRM) and
// eXIf are read from the original bytes elsewhere, and skipping them means a 64 MB iCCP bomb or a
// 16 MB eXIf chunk costs nothing here (libspng would inflate or copy them while looking for IDAT).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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

  // Before the first read: inflates the image data at once with libdeflate (about twice as fast
  // as zlib's inflate, which libspng uses) and serves it to libspng as stored (uncompressed)
  // deflate blocks, which zlib only copies. True if done: the IDAT chunks are one run and their
  // zlib stream inflates, checksum included, to exactly `filtered_bytes`. False changes nothing
  // (libspng then reads the original chunks and reports what is wrong with them itself).
  // Holds `filtered_bytes` in memory until the stream is destroyed. When true, the zlib checksum
  // and every critical chunk's CRC have been checked: libspng need not check them again.
  bool inflate_at_once(std::size_t filtered_bytes);

 private:
  struct Chunk {
    std::size_t begin, end;  // in data_
    bool idat;
  };
  void serve(const std::vector<Bytes>& pieces);

  Bytes data_;
  std::vector<Chunk> kept_;    // the signature, the kept chunks and a cut-off tail, in file order
  std::vector<Bytes> pieces_;  // what read() serves, in order
  std::size_t piece_ = 0;      // the piece being read
  std::size_t at_ = 0;         // offset within that piece
  std::size_t remaining_ = 0;  // bytes left in the whole stream
  std::uint64_t idat_bytes_ = 0;
  std::vector<std::string> warnings_;
  std::unique_ptr<std::uint8_t[]> inflated_;  // inflate_at_once: the data
  std::vector<std::uint8_t> framing_;         // and the chunk framing
};

}  // namespace thumbflow::detail
