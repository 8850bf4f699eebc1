#include "image/format.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include "image/byte_order.hpp"
#include "image/tiff_ifd.hpp"

namespace thumbflow::detail {
namespace {

bool starts_with(Bytes data, std::size_t offset, const char* magic, std::size_t n) {
  return data.size() >= offset + n && std::memcmp(data.data() + offset, magic, n) == 0;
}

// An ISO-BMFF brand (ftyp major or compatible brand) that names a still-image format.
ImageFormat brand_format(const std::uint8_t* brand) {
  const auto is = [brand](const char* name) { return std::memcmp(brand, name, 4) == 0; };
  if (is("avif") || is("avis")) return ImageFormat::Avif;
  for (const char* heif : {"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1"})
    if (is(heif)) return ImageFormat::Heif;
  return ImageFormat::Unknown;
}

// ISO-BMFF ("ftyp" box): HEIF/HEIC and AVIF share the container with MP4, QuickTime and others,
// and differ by brand. AVIF files usually name mif1 (the generic HEIF brand) too, so an AV1 brand
// anywhere wins over mif1; a file with no image brand (an MP4 video) is not an image.
ImageFormat sniff_bmff(Bytes data) {
  if (!starts_with(data, 4, "ftyp", 4) || data.size() < 12) return ImageFormat::Unknown;
  if (starts_with(data, 8, "crx ", 4)) return ImageFormat::Raw;  // Canon CR3
  const ImageFormat major = brand_format(data.data() + 8);
  const bool generic = starts_with(data, 8, "mif1", 4) || starts_with(data, 8, "msf1", 4);
  if (major == ImageFormat::Avif || (major == ImageFormat::Heif && !generic)) return major;
  const std::size_t end = std::min<std::size_t>(be32(data, 0), data.size());
  ImageFormat found = major;
  for (std::size_t at = 16; at + 4 <= end; at += 4) {
    const ImageFormat compatible = brand_format(data.data() + at);
    if (compatible == ImageFormat::Avif) return compatible;
    if (compatible == ImageFormat::Heif) found = compatible;
  }
  return found;
}

// A TIFF file that is a camera's raw data rather than a picture: a DNG (its DNGVersion tag in the
// first directory), or a camera maker's raw (NEF, ARW, PEF, SRW, ...: a Make tag and sub-directories
// for the raw data). LibRaw has the last word: a file it does not take is read as a TIFF.
bool tiff_is_camera_raw(Bytes d) {
  const std::optional<TiffDirectory> dir = read_first_tiff_directory(d);
  if (!dir) return false;
  if (dir->find(50706) != nullptr) return true;                   // DNGVersion
  return dir->find(271) != nullptr && dir->find(330) != nullptr;  // Make, SubIFDs
}

}  // namespace

ImageFormat sniff_format(Bytes data) {
  // Camera RAW containers first: several are TIFF files with their own marks.
  if (starts_with(data, 0, "II*\0", 4) && starts_with(data, 8, "CR\x02", 3)) return ImageFormat::Raw;  // CR2
  if (starts_with(data, 0, "IIRO", 4) || starts_with(data, 0, "IIRS", 4) || starts_with(data, 0, "MMOR", 4) ||
      starts_with(data, 0, "IIU\0", 4) || starts_with(data, 0, "FUJIFILMCCD-RAW", 15))
    return ImageFormat::Raw;  // ORF, RW2, RAF
  if ((starts_with(data, 0, "II*\0", 4) || starts_with(data, 0, "MM\0*", 4)) && tiff_is_camera_raw(data))
    return ImageFormat::Raw;
  if (starts_with(data, 0, "\xFF\xD8\xFF", 3)) return ImageFormat::Jpeg;
  if (starts_with(data, 0, "\x89PNG\r\n\x1A\n", 8)) return ImageFormat::Png;
  if (starts_with(data, 0, "RIFF", 4) && starts_with(data, 8, "WEBP", 4)) return ImageFormat::Webp;
  if (starts_with(data, 0, "BM", 2) && data.size() >= 26) return ImageFormat::Bmp;
  if (starts_with(data, 0, "II*\0", 4) || starts_with(data, 0, "MM\0*", 4) ||
      starts_with(data, 0, "II+\0", 4) || starts_with(data, 0, "MM\0+", 4))
    return ImageFormat::Tiff;  // classic TIFF or BigTIFF
  if (data.size() >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7' &&
      (data[2] == ' ' || data[2] == '\n' || data[2] == '\r' || data[2] == '\t'))
    return ImageFormat::Pnm;
  if (starts_with(data, 0, "GIF87a", 6) || starts_with(data, 0, "GIF89a", 6)) return ImageFormat::Gif;
  if (starts_with(data, 0, "\xFF\x0A", 2) || starts_with(data, 0, "\0\0\0\x0CJXL \r\n\x87\n", 12))
    return ImageFormat::Jxl;
  if (starts_with(data, 0, "\0\0\0\x0CjP  \r\n\x87\n", 12) || starts_with(data, 0, "\xFF\x4F\xFF\x51", 4))
    return ImageFormat::Jpeg2000;
  if (starts_with(data, 0, "\0\0\1\0", 4)) return ImageFormat::Ico;
  if (starts_with(data, 0, "8BPS", 4)) return ImageFormat::Psd;
  return sniff_bmff(data);
}

const char* format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg:
      return "JPEG";
    case ImageFormat::Png:
      return "PNG";
    case ImageFormat::Webp:
      return "WebP";
    case ImageFormat::Bmp:
      return "BMP";
    case ImageFormat::Tiff:
      return "TIFF";
    case ImageFormat::Pnm:
      return "PNM";
    case ImageFormat::Gif:
      return "GIF";
    case ImageFormat::Heif:
      return "HEIF";
    case ImageFormat::Avif:
      return "AVIF";
    case ImageFormat::Jxl:
      return "JPEG XL";
    case ImageFormat::Jpeg2000:
      return "JPEG 2000";
    case ImageFormat::Ico:
      return "ICO";
    case ImageFormat::Psd:
      return "PSD";
    case ImageFormat::Raw:
      return "camera RAW";
    case ImageFormat::Unknown:
      break;
  }
  return "unknown";
}

}  // namespace thumbflow::detail
