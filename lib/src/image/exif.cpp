// EXIF orientation. The container walk that finds the EXIF (TIFF) block is done here, bounded by
// the data; the TIFF structure itself (IFDs, offsets, byte order) is left to libexif.
#include "image/exif.hpp"

#include <libexif/exif-data.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "image/byte_order.hpp"
#include "image/integrity.hpp"

namespace thumbflow::detail {
namespace {

constexpr std::uint8_t kExifHeader[6] = {'E', 'x', 'i', 'f', 0, 0};

// libexif reads at most 0xfffe bytes including the 6-byte header (the JPEG APP1 limit); passing
// more only feeds its maker-note parsers.
constexpr std::size_t kMaxTiffBytes = 0xfffe - sizeof kExifHeader;

bool has_prefix(Bytes data, std::size_t at, const void* prefix, std::size_t n) {
  return at <= data.size() && data.size() - at >= n && std::memcmp(data.data() + at, prefix, n) == 0;
}

// WebP and PNG writers disagree on whether the block starts with "Exif\0\0"; accept both.
Bytes without_exif_header(Bytes block) {
  return has_prefix(block, 0, kExifHeader, sizeof kExifHeader) ? block.subspan(sizeof kExifHeader) : block;
}

// JPEG: the APP1 segment starting "Exif\0\0" among the markers before the first SOS.
Bytes jpeg_exif(Bytes data) {
  std::size_t pos = 2;  // after SOI
  while (pos + 4 <= data.size()) {
    if (data[pos] != 0xFF) return {};  // lost sync: corrupt
    const std::uint8_t marker = data[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    pos += 2;
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // no length field
    if (marker == 0xDA || marker == 0xD9) return {};                     // SOS, EOI: no more metadata
    const std::uint32_t length = be16(data, pos);
    if (length < 2 || length > data.size() - pos) return {};
    const Bytes payload = data.subspan(pos + 2, length - 2);
    if (marker == 0xE1 && has_prefix(payload, 0, kExifHeader, sizeof kExifHeader))
      return payload.subspan(sizeof kExifHeader);
    pos += length;
  }
  return {};
}

// WebP: the "EXIF" chunk of the RIFF container (after the image data in VP8X files).
Bytes webp_exif(Bytes data) {
  if (data.size() < 12) return {};
  const std::size_t end =
      static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), std::uint64_t{le32(data, 4)} + 8));
  std::size_t pos = 12;
  while (pos + 8 <= end) {
    const std::uint32_t size = le32(data, pos + 4);
    const std::size_t body = pos + 8;
    if (size > end - body) return {};
    if (has_prefix(data, pos, "EXIF", 4)) return without_exif_header(data.subspan(body, size));
    pos = body + size + (size & 1u);  // chunks are padded to even sizes
  }
  return {};
}

// PNG: the "eXIf" chunk, which must come before the image data.
Bytes png_exif(Bytes data) {
  std::size_t pos = 8;  // after the signature
  while (pos + 12 <= data.size()) {
    const std::uint32_t length = be32(data, pos);
    if (length > data.size() - pos - 12) return {};
    if (has_prefix(data, pos + 4, "IDAT", 4) || has_prefix(data, pos + 4, "IEND", 4)) return {};
    if (has_prefix(data, pos + 4, "eXIf", 4) && png_ancillary_usable(data, pos, length))
      return without_exif_header(data.subspan(pos + 8, length));
    pos += 12 + std::size_t{length};  // length, type, data, CRC
  }
  return {};
}

struct ExifDataUnref {
  void operator()(ExifData* exif) const { exif_data_unref(exif); }
};

// The value of a SHORT entry (or of an off-spec but unambiguous LONG); 0 when unreadable.
int short_value(const ExifEntry& entry, ExifByteOrder order) {
  if (entry.data == nullptr || entry.components < 1) return 0;
  if (entry.format == EXIF_FORMAT_SHORT && entry.size >= 2) return exif_get_short(entry.data, order);
  if (entry.format == EXIF_FORMAT_LONG && entry.size >= 4)  // off-spec, but unambiguous
    return static_cast<int>(std::min<ExifLong>(exif_get_long(entry.data, order), 0xFFFF));
  return 0;
}

// The value of `tag` in `ifd` as above; 0 when absent.
int short_value(ExifContent* ifd, ExifTag tag, ExifByteOrder order) {
  const ExifEntry* entry = ifd != nullptr ? exif_content_get_entry(ifd, tag) : nullptr;
  return entry != nullptr ? short_value(*entry, order) : 0;
}

// DCF / EXIF 2.2: a camera that records in Adobe RGB (1998) and embeds no ICC profile says so
// with ColorSpace = 0xFFFF ("uncalibrated") and the interoperability index "R03" (sRGB files say
// ColorSpace 1 and "R98"). ColorSpace 2 is a non-standard "Adobe RGB" some cameras write.
bool states_adobe_rgb(const ExifData& exif, ExifByteOrder order) {
  const int space = short_value(exif.ifd[EXIF_IFD_EXIF], EXIF_TAG_COLOR_SPACE, order);
  if (space == 2) return true;
  if (space != 0xFFFF) return false;
  const ExifEntry* index =
      exif_content_get_entry(exif.ifd[EXIF_IFD_INTEROPERABILITY], EXIF_TAG_INTEROPERABILITY_INDEX);
  return index != nullptr && index->data != nullptr && index->size >= 3 &&
         std::memcmp(index->data, "R03", 3) == 0;
}

ExifFacts parse(Bytes tiff) {
  ExifFacts facts;
  if (tiff.size() < 8) return facts;
  tiff = tiff.first(std::min(tiff.size(), kMaxTiffBytes));
  // libexif wants the block as in APP1: "Exif\0\0" followed by the TIFF header.
  std::vector<unsigned char> block(sizeof kExifHeader + tiff.size());
  std::memcpy(block.data(), kExifHeader, sizeof kExifHeader);
  std::memcpy(block.data() + sizeof kExifHeader, tiff.data(), tiff.size());

  const std::unique_ptr<ExifData, ExifDataUnref> exif(exif_data_new());
  if (!exif) return facts;
  // Following the specification would make libexif add and "fix" tags: wasted work here.
  exif_data_unset_option(exif.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_load_data(exif.get(), block.data(), static_cast<unsigned>(block.size()));
  const ExifByteOrder order = exif_data_get_byte_order(exif.get());
  const int orientation = short_value(exif->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION, order);
  facts.orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
  facts.adobe_rgb = states_adobe_rgb(*exif, order);
  return facts;
}

}  // namespace

ExifFacts read_exif(Bytes data, ImageFormat format) {
  try {
    switch (format) {
      case ImageFormat::Jpeg:
        return parse(jpeg_exif(data));
      case ImageFormat::Webp:
        return parse(webp_exif(data));
      case ImageFormat::Png:
        return parse(png_exif(data));
      default:
        return {};
    }
  } catch (const std::bad_alloc&) {
    return {};  // at most a 64 KiB copy; not worth failing the image for
  }
}

int read_exif_orientation(Bytes data, ImageFormat format) { return read_exif(data, format).orientation; }

}  // namespace thumbflow::detail
