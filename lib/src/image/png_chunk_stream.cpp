#include "image/png_chunk_stream.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>

#include "image/byte_order.hpp"
#include "image/integrity.hpp"

namespace thumbflow::detail {
namespace {

constexpr std::size_t kSignature = 8;

// Critical chunks have an upper-case first letter (PNG spec 5.4); tRNS is the one ancillary chunk
// that changes the decoded pixels (alpha).
bool keep(const char* type) { return (type[0] & 0x20) == 0 || std::memcmp(type, "tRNS", 4) == 0; }

// The chunk at [begin, end) of `data` (length, type, data, CRC) has the CRC of its type and data.
bool crc_holds(Bytes data, std::size_t begin, std::size_t end) {
  return png_crc_holds(data, begin, end - begin - 12);
}

}  // namespace

PngChunkStream::PngChunkStream(Bytes data) : data_(data) {
  const std::size_t size = data.size();
  kept_.push_back({0, std::min(size, kSignature), false});
  std::size_t at = kSignature;
  bool ended = false;
  while (at < size) {
    if (size - at < 12) {  // a header (or CRC) cut short: libspng reports it
      kept_.push_back({at, size, false});
      break;
    }
    const std::uint32_t length = be32(data, at);
    const char* type = reinterpret_cast<const char*>(data.data() + at + 4);
    if (length > 0x7FFFFFFFu || size - at - 12 < length) {
      kept_.push_back({at, size, false});
      break;
    }
    const std::size_t end = at + 12 + length;
    const bool idat = std::memcmp(type, "IDAT", 4) == 0;
    if (idat) idat_bytes_ += length;
    if (keep(type)) {
      if (std::memcmp(type, "tRNS", 4) == 0 && !crc_holds(data, at, end))
        warnings_.emplace_back("tRNS chunk has a bad CRC: transparency ignored");
      kept_.push_back({at, end, idat});
    }
    at = end;
    if (std::memcmp(type, "IEND", 4) == 0) {
      ended = true;
      break;
    }
  }
  if (!ended && size > kSignature) warnings_.emplace_back("the file ends before the IEND chunk");
  std::vector<Bytes> pieces;
  for (const Chunk& c : kept_) pieces.push_back(data.subspan(c.begin, c.end - c.begin));
  serve(pieces);
}

// Consecutive pieces of the file become one, so that a read copies as few times as it can.
void PngChunkStream::serve(const std::vector<Bytes>& pieces) {
  pieces_.clear();
  remaining_ = 0;
  for (const Bytes piece : pieces) {
    if (piece.empty()) continue;
    if (!pieces_.empty() && pieces_.back().data() + pieces_.back().size() == piece.data())
      pieces_.back() = Bytes(pieces_.back().data(), pieces_.back().size() + piece.size());
    else
      pieces_.push_back(piece);
    remaining_ += piece.size();
  }
  piece_ = 0;
  at_ = 0;
}

bool PngChunkStream::inflate_at_once(std::size_t filtered_bytes) {
  if (piece_ != 0 || at_ != 0 || filtered_bytes == 0) return false;  // libspng has begun reading
  // The IDAT chunks, which the PNG spec wants consecutive.
  const auto first = std::find_if(kept_.begin(), kept_.end(), [](const Chunk& c) { return c.idat; });
  auto past = first;
  while (past != kept_.end() && past->idat) ++past;
  if (first == kept_.end() || std::any_of(past, kept_.end(), [](const Chunk& c) { return c.idat; }))
    return false;
  // libspng is told not to check the critical chunks' CRCs (it would spend as long on the new
  // IDAT chunks as the inflate saves): the others are checked here, a bad one leaves it to libspng.
  for (const Chunk& c : kept_)
    if (&c != &kept_.front() && !c.idat && c.end - c.begin >= 12 && (data_[c.begin + 4] & 0x20) == 0 &&
        !crc_holds(data_, c.begin, c.end))
      return false;
  // One IDAT chunk (as some encoders write) is inflated where it lies; several are joined first.
  std::vector<std::uint8_t> joined;
  Bytes compressed = data_.subspan(first->begin + 8, first->end - first->begin - 12);
  if (std::next(first) != past) {
    joined.reserve(std::size_t(idat_bytes_));
    for (auto c = first; c != past; ++c)
      joined.insert(joined.end(), data_.begin() + std::ptrdiff_t(c->begin + 8),
                    data_.begin() + std::ptrdiff_t(c->end - 4));
    compressed = joined;
  }
  struct Free {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  const std::unique_ptr<libdeflate_decompressor, Free> inflater(libdeflate_alloc_decompressor());
  if (!inflater) return false;
  // Not zeroed (21 MB for a 7 MP picture): the inflate writes every byte or the call fails.
  std::unique_ptr<std::uint8_t[]> inflated(new std::uint8_t[filtered_bytes]);
  std::size_t got = 0;
  if (libdeflate_zlib_decompress(inflater.get(), compressed.data(), compressed.size(), inflated.get(),
                                 filtered_bytes, &got) != LIBDEFLATE_SUCCESS ||
      got != filtered_bytes)
    return false;

  // One IDAT chunk per stored block: length, "IDAT", [zlib header], block header, the block's
  // bytes (from inflated_), [Adler-32 of everything], CRC of the type and data. The two checksums
  // are written as zeros: libspng is told to ignore both (the caller's SPNG_CTX_IGNORE_ADLER32 and
  // SPNG_CRC_USE), the file's own CRCs were checked by check_integrity and its Adler-32 by the
  // inflate, and computing them again took as long as libspng's reading of the stored blocks.
  constexpr std::size_t kBlock = 65535;
  const std::size_t blocks = (filtered_bytes + kBlock - 1) / kBlock;
  framing_.clear();
  framing_.reserve(blocks * 21 + 6);  // never reallocated: pieces point into it
  inflated_ = std::move(inflated);
  const auto put32 = [this](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) framing_.push_back(std::uint8_t(v >> shift));
  };
  std::vector<Bytes> pieces;
  for (auto c = kept_.begin(); c != first; ++c) pieces.push_back(data_.subspan(c->begin, c->end - c->begin));
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t offset = b * kBlock, n = std::min(kBlock, filtered_bytes - offset);
    const bool last = b + 1 == blocks;
    const std::size_t head = framing_.size();
    put32(std::uint32_t((b == 0 ? 2 : 0) + 5 + n + (last ? 4 : 0)));
    framing_.insert(framing_.end(), {'I', 'D', 'A', 'T'});
    if (b == 0) framing_.insert(framing_.end(), {0x78, 0x01});
    framing_.insert(framing_.end(), {std::uint8_t(last ? 1 : 0), std::uint8_t(n), std::uint8_t(n >> 8),
                                     std::uint8_t(~n), std::uint8_t(~n >> 8)});
    const Bytes payload(inflated_.get() + offset, n);
    const std::size_t tail = framing_.size();
    if (last) put32(0);  // Adler-32
    put32(0);            // CRC
    pieces.push_back(Bytes(framing_.data() + head, tail - head));
    pieces.push_back(payload);
    pieces.push_back(Bytes(framing_.data() + tail, framing_.size() - tail));
  }
  for (auto c = past; c != kept_.end(); ++c) pieces.push_back(data_.subspan(c->begin, c->end - c->begin));
  serve(pieces);
  return true;
}

bool PngChunkStream::read(void* dest, std::size_t length) {
  if (length > remaining_) return false;
  auto* out = static_cast<std::uint8_t*>(dest);
  while (length > 0) {
    const Bytes piece = pieces_[piece_];
    const std::size_t n = std::min(length, piece.size() - at_);
    std::memcpy(out, piece.data() + at_, n);
    out += n;
    at_ += n;
    length -= n;
    remaining_ -= n;
    if (at_ == piece.size() && piece_ + 1 < pieces_.size()) {
      ++piece_;
      at_ = 0;
    }
  }
  return true;
}

}  // namespace thumbflow::detail
