#include "image/header.hpp"

#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

#include "image/byte_order.hpp"
#include "image/codec.hpp"
#include "image/decode_error.hpp"
#include "image/pam_decoder.hpp"

namespace thumbflow::detail {
namespace {

// Reads unsigned integers of a TIFF file in its byte order, bounds-checked.
struct TiffReader {
  Bytes d;
  bool little;
  bool has(std::size_t at, std::size_t n) const { return at <= d.size() && n <= d.size() - at; }
  std::uint32_t u16(std::size_t at) const {
    return little ? std::uint32_t(d[at] | d[at + 1] << 8) : std::uint32_t(d[at] << 8 | d[at + 1]);
  }
  std::uint32_t u32(std::size_t at) const {
    return little ? (u16(at) | u16(at + 2) << 16) : (u16(at) << 16 | u16(at + 2));
  }
};

}  // namespace

TiffLayout read_tiff_layout(Bytes d) {
  const TiffReader r{d, d[0] == 'I'};
  TiffLayout t;
  if (!r.has(4, 4)) throw DecodeError("truncated TIFF header");
  const std::size_t ifd = r.u32(4);
  if (!r.has(ifd, 2)) throw DecodeError("truncated TIFF (first directory past the end)");
  const std::uint32_t count = r.u16(ifd);
  for (std::uint32_t i = 0; i < count && i < 4096; ++i) {
    const std::size_t entry = ifd + 2 + std::size_t(i) * 12;
    if (!r.has(entry, 12)) throw DecodeError("truncated TIFF directory");
    const std::uint32_t tag = r.u16(entry), type = r.u16(entry + 2);
    const std::uint32_t value = type == 3 ? r.u16(entry + 8) : r.u32(entry + 8);  // SHORT or LONG
    if (tag == 256)
      t.size.width = int(value);
    else if (tag == 257)
      t.size.height = int(value);
    else if (tag == 274 && value >= 1 && value <= 8)
      t.orientation = int(value);
    else if (tag == 322)  // TileWidth
      t.tiled = true;
    else if (tag == 258 || tag == 277 || tag == 338 || tag == 339) {
      // BitsPerSample, ExtraSamples and SampleFormat hold one value per sample: the first is inline
      // for up to two SHORTs, else at the offset (all samples alike in the files OpenCV reads).
      const std::uint32_t n = r.u32(entry + 4);
      std::uint32_t first = value;
      if (type == 3 && n > 2) {
        if (!r.has(r.u32(entry + 8), 2)) throw DecodeError("truncated TIFF directory");
        first = r.u16(r.u32(entry + 8));
      }
      (tag == 258 ? t.bits : tag == 277 ? t.samples : tag == 338 ? t.extra_samples : t.sample_format) = first;
    }
  }
  return t;
}

bool opencv_tiff_alpha_is_premultiplied(const TiffLayout& t) {
  // Up to 8 bits OpenCV reads through libtiff's RGBA interface, which premultiplies unassociated
  // alpha and passes the others through; above, it hands the samples over as stored. Unspecified
  // extra samples (0) are taken as straight, as libvips does.
  return t.extra_samples == 1 || (t.bits <= 8 && t.extra_samples == 2);
}

// OpenCV's TIFF reader turns the picture upright itself (libtiff's RGBA reader, orientation tag
// 274), so the header reports the upright size and orientation 1, as for HEIF's irot: turning it
// again gave mirrored, upside-down or squeezed thumbnails. In tiled files it mirrors each tile on
// its own where the orientation mirrors left and right (2, 3, 6, 7): those are refused.
ImageHeader read_tiff_header(Bytes d) {
  const TiffLayout t = read_tiff_layout(d);
  // What OpenCV 4.6's reader refuses, or returns as it cannot be resized: said here, not as its
  // assertion text. It reads unsigned 1, 8 and 16 bit, signed 8-32 bit, 32-bit float and grey 64-bit
  // float, with at most 4 samples per pixel.
  const auto unsupported = [&](const std::string& what) {
    throw DecodeError("unsupported TIFF: " + what +
                      " samples (thumbflow reads 1, 8 and 16-bit unsigned, 8-32 bit "
                      "signed and 32-bit floating-point TIFFs)");
  };
  if (t.samples > 4)
    throw DecodeError("unsupported TIFF: " + std::to_string(t.samples) +
                      " samples per pixel (extra channels; thumbflow reads up to 4: colour and one alpha)");
  const std::string bits = std::to_string(t.bits);
  if (t.sample_format == 3 && (t.bits != 32 && !(t.bits == 64 && t.samples == 1)))
    unsupported(bits + "-bit floating-point" + (t.bits == 64 ? " colour" : ""));
  if (t.sample_format == 1 && t.bits != 1 && t.bits != 8 && t.bits != 16)
    unsupported(bits + "-bit unsigned integer");
  if (t.sample_format == 2 && t.bits > 32) unsupported(bits + "-bit signed integer");
  if (t.sample_format == 5 || t.sample_format == 6) unsupported("complex-number");
  if (t.sample_format == 4) unsupported("untyped (SampleFormat 4)");
  const int o = t.orientation;
  if (t.tiled && (o == 2 || o == 3 || o == 6 || o == 7))
    throw DecodeError("unsupported TIFF: tiles with orientation " + std::to_string(o) +
                      " (OpenCV's reader mirrors each tile on its own)");
  ImageHeader h{t.size, 1};
  if (o >= 5) std::swap(h.size.width, h.size.height);
  return h;
}

ImageHeader read_png_header(Bytes d) {
  if (d.size() < 24 || be32(d, 12) != 0x49484452u)  // "IHDR"
    throw DecodeError("truncated PNG header");
  return {{int(be32(d, 16) & 0x7FFFFFFF), int(be32(d, 20) & 0x7FFFFFFF)}, 1};
}

ImageHeader read_bmp_header(Bytes d) {
  if (d.size() < 26) throw DecodeError("truncated BMP header");
  if (le32(d, 14) == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sides
    return {{int(le16(d, 18)), int(le16(d, 20))}, 1};
  }
  // height < 0 means top-down rows
  // A negative width has no meaning (only the height carries the row order), and std::abs of
  // INT32_MIN is undefined: refuse it here rather than hand a wrapped size to the pixel limit.
  const auto w = std::int32_t(le32(d, 18)), h = std::int32_t(le32(d, 22));
  if (w < 0) throw DecodeError("invalid BMP header (negative width)");
  return {{w, h == INT32_MIN ? INT32_MAX : std::abs(h)}, 1};
}

// "P6 640 480 255" with comments and any whitespace between fields.
ImageHeader read_pnm_header(Bytes d) {
  if (d.size() > 1 && d[1] == '7') {
    const PamHeader pam = read_pam_header(d);
    return {{pam.width, pam.height}, 1};
  }
  std::size_t i = 2;
  int fields[2] = {0, 0};
  for (int& field : fields) {
    while (i < d.size() && (std::isspace(d[i]) || d[i] == '#')) {
      if (d[i] == '#')
        while (i < d.size() && d[i] != '\n') ++i;
      else
        ++i;
    }
    long long v = 0;
    const std::size_t start = i;
    while (i < d.size() && std::isdigit(d[i]) && v < (1LL << 31)) v = v * 10 + (d[i++] - '0');
    if (i == start || v >= (1LL << 31)) throw DecodeError("bad PNM header");
    field = int(v);
  }
  return {{fields[0], fields[1]}, 1};
}

ImageHeader read_header(Bytes data, ImageFormat format) {
  const Codec* codec = find_codec(format);
  if (codec == nullptr)
    throw std::invalid_argument(std::string("no header reader for ") + format_name(format));
  const ImageHeader h = codec->header(data);
  // TIFF may leave its size to the decoder ({0,0}); every other header must state one.
  if (h.size.width < 0 || h.size.height < 0 ||
      (format != ImageFormat::Tiff && (h.size.width == 0 || h.size.height == 0)))
    throw DecodeError("header declares an empty image (" + std::to_string(h.size.width) + "x" +
                      std::to_string(h.size.height) + ")");
  return h;
}

}  // namespace thumbflow::detail
