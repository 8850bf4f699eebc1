#include "colour/embed.hpp"

#include <webp/mux.h>
#include <zlib.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "image/byte_order.hpp"

namespace thumbflow::detail {
namespace {

void put_be16(std::vector<std::uint8_t>& out, std::size_t v) {
  out.push_back(std::uint8_t(v >> 8));
  out.push_back(std::uint8_t(v));
}

void put_be32(std::vector<std::uint8_t>& out, std::size_t v) {
  put_be16(out, (v >> 16) & 0xFFFF);
  put_be16(out, v & 0xFFFF);
}

std::vector<std::uint8_t> into_jpeg(const std::vector<std::uint8_t>& jpeg, Bytes icc) {
  constexpr std::size_t kPiece = 65535 - 2 - 14;  // segment length field, "ICC_PROFILE\0", seq, count
  const std::size_t pieces = (icc.size() + kPiece - 1) / kPiece;
  if (pieces > 255) throw std::runtime_error("cannot embed the ICC profile: over 16 MB for JPEG");
  if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
    throw std::runtime_error("cannot embed: not a JPEG");
  // After SOI and a JFIF APP0, which must come first.
  std::size_t at = 2;
  if (jpeg.size() >= 6 && jpeg[2] == 0xFF && jpeg[3] == 0xE0) at = 4 + be16(jpeg, 4);
  if (at > jpeg.size()) throw std::runtime_error("cannot embed: malformed JPEG");
  std::vector<std::uint8_t> out(jpeg.begin(), jpeg.begin() + std::ptrdiff_t(at));
  out.reserve(jpeg.size() + icc.size() + 18 * pieces);
  for (std::size_t i = 0; i < pieces; ++i) {
    const Bytes piece = icc.subspan(i * kPiece, std::min(kPiece, icc.size() - i * kPiece));
    out.push_back(0xFF);
    out.push_back(0xE2);
    put_be16(out, 2 + 14 + piece.size());
    const char tag[] = "ICC_PROFILE";
    out.insert(out.end(), tag, tag + sizeof tag);  // with its NUL
    out.push_back(std::uint8_t(i + 1));
    out.push_back(std::uint8_t(pieces));
    out.insert(out.end(), piece.begin(), piece.end());
  }
  out.insert(out.end(), jpeg.begin() + std::ptrdiff_t(at), jpeg.end());
  return out;
}

std::vector<std::uint8_t> into_png(const std::vector<std::uint8_t>& png, Bytes icc) {
  constexpr std::size_t kAfterIhdr = 8 + 8 + 13 + 4;  // signature, IHDR length/type, data, CRC
  if (png.size() < kAfterIhdr || std::memcmp(png.data() + 12, "IHDR", 4) != 0)
    throw std::runtime_error("cannot embed: not a PNG");
  uLongf packed_size = compressBound(uLong(icc.size()));
  std::vector<std::uint8_t> packed(packed_size);
  if (compress2(packed.data(), &packed_size, icc.data(), uLong(icc.size()), 9) != Z_OK)
    throw std::runtime_error("cannot embed the ICC profile: zlib failed");
  packed.resize(packed_size);
  std::vector<std::uint8_t> chunk = {'i', 'C', 'C', 'P'};
  const char name[] = "ICC profile";
  chunk.insert(chunk.end(), name, name + sizeof name);  // with its NUL
  chunk.push_back(0);                                   // compression method: zlib
  chunk.insert(chunk.end(), packed.begin(), packed.end());
  std::vector<std::uint8_t> out(png.begin(), png.begin() + kAfterIhdr);
  put_be32(out, chunk.size() - 4);
  out.insert(out.end(), chunk.begin(), chunk.end());
  put_be32(out, crc32(0, chunk.data(), uInt(chunk.size())));
  out.insert(out.end(), png.begin() + kAfterIhdr, png.end());
  return out;
}

std::vector<std::uint8_t> into_webp(const std::vector<std::uint8_t>& webp, Bytes icc) {
  const WebPData in{webp.data(), webp.size()};
  WebPMux* mux = WebPMuxCreate(&in, 0);
  if (mux == nullptr) throw std::runtime_error("cannot embed the ICC profile: not a WebP");
  const WebPData profile{icc.data(), icc.size()};
  WebPData assembled{};
  const bool ok = WebPMuxSetChunk(mux, "ICCP", &profile, 1) == WEBP_MUX_OK &&
                  WebPMuxAssemble(mux, &assembled) == WEBP_MUX_OK;
  WebPMuxDelete(mux);
  std::vector<std::uint8_t> out(assembled.bytes, assembled.bytes + assembled.size);
  WebPDataClear(&assembled);
  if (!ok) throw std::runtime_error("cannot embed the ICC profile in the WebP");
  return out;
}

}  // namespace

std::vector<std::uint8_t> embed_profile(std::vector<std::uint8_t> encoded, OutputFormat format, Bytes icc) {
  if (icc.empty()) return encoded;
  switch (format) {
    case OutputFormat::Jpeg:
      return into_jpeg(encoded, icc);
    case OutputFormat::Webp:
      return into_webp(encoded, icc);
    case OutputFormat::Png:
    case OutputFormat::Same:
      break;
  }
  return into_png(encoded, icc);
}

}  // namespace thumbflow::detail
