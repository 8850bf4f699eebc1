#include "image/integrity.hpp"

#include <libdeflate.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "image/byte_order.hpp"
#include "image/decode_error.hpp"

namespace thumbflow::detail {
namespace {

// What an ancillary chunk with a bad CRC costs the thumbnail, for its warning.
std::string without(const std::string& type) {
  if (type == "iCCP" || type == "gAMA" || type == "cHRM" || type == "sRGB") return " (colours may be off)";
  if (type == "eXIf") return " (its orientation too)";
  return "";
}

std::vector<std::string> check_png(Bytes d) {
  std::vector<std::string> warnings;
  std::size_t at = 8;  // after the signature
  while (true) {
    if (d.size() - at < 12) throw DecodeError("truncated PNG (ends before the IEND chunk)");
    const std::uint32_t length = be32(d, at);
    const std::string type(reinterpret_cast<const char*>(d.data() + at + 4), 4);
    if (length > 0x7FFFFFFFu || d.size() - at - 12 < length)
      throw DecodeError("truncated PNG (" + type + " chunk cut short)");
    if (!png_crc_holds(d, at, length)) {
      // A damaged critical chunk spoils the picture; an ancillary one (lower-case first letter) is
      // left out, as libpng does by default. tRNS: the PNG decoder says so itself.
      if (!png_ancillary(d, at)) throw DecodeError("corrupt PNG (bad CRC in " + type + " chunk)");
      if (type != "tRNS") warnings.push_back("PNG " + type + " chunk has a bad CRC: ignored" + without(type));
    }
    at += 12 + length;
    if (type == "IEND") return warnings;
  }
}

void check_bmp(Bytes d) {
  if (d.size() < 54 || le32(d, 14) < 40) return;  // OS/2 and odd headers: left to the decoder
  const std::uint32_t compression = le32(d, 30);
  if (compression != 0 && compression != 3) return;  // RLE sizes are not known in advance
  const std::uint64_t width = le32(d, 18), bpp = le16(d, 28);
  const std::uint64_t height = std::uint64_t(std::llabs(std::int32_t(le32(d, 22))));
  const std::uint64_t row = (bpp * width + 31) / 32 * 4;
  const std::uint64_t offset = le32(d, 10);
  if (offset > d.size() || row * height > d.size() - offset)
    throw DecodeError("truncated BMP (" + std::to_string(d.size()) + " bytes, the header promises " +
                      std::to_string(offset + row * height) + ")");
}

}  // namespace

bool png_crc_holds(Bytes data, std::size_t at, std::size_t length) {
  return libdeflate_crc32(0, data.data() + at + 4, length + 4) == be32(data, at + 8 + length);
}

bool png_ancillary(Bytes data, std::size_t at) { return (data[at + 4] & 0x20) != 0; }

bool png_ancillary_usable(Bytes data, std::size_t at, std::size_t length) {
  return png_crc_holds(data, at, length);
}

std::vector<std::string> check_integrity(Bytes data, ImageFormat format) {
  if (format == ImageFormat::Png) return check_png(data);
  if (format == ImageFormat::Bmp) check_bmp(data);
  return {};
}

}  // namespace thumbflow::detail
