#include "hostile_images.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <stdexcept>

#include "jpeg_maker.hpp"
#include "test_support.hpp"

namespace thumbflow::test {
namespace {

void put_be32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_le16(Bytes& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put_le32(Bytes& b, std::uint32_t v) {
  put_le16(b, v & 0xFFFF);
  put_le16(b, v >> 16);
}

Bytes png_header(std::uint32_t width, std::uint32_t height, std::uint8_t bit_depth,
                 std::uint8_t colour_type) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  Bytes ihdr;
  put_be32(ihdr, width);
  put_be32(ihdr, height);
  ihdr.insert(ihdr.end(), {bit_depth, colour_type, 0, 0, 0});  // deflate, no filter, no interlace
  put_png_chunk(png, "IHDR", ihdr);
  return png;
}

// Scan lines of `row_bytes` each, filter type 0, filled by `pixel(x, y)`.
template <typename Pixel>
Bytes png_image_data(std::uint32_t row_bytes, std::uint32_t height, Pixel pixel) {
  Bytes raw;
  raw.reserve(std::size_t(row_bytes + 1) * height);
  for (std::uint32_t y = 0; y < height; ++y) {
    raw.push_back(0);
    for (std::uint32_t x = 0; x < row_bytes; ++x) raw.push_back(pixel(x, y));
  }
  return zlib_compress(raw);
}

// A 64x48 RGB PNG with `chunk` (type, data) before the image data.
Bytes small_png_with(const std::string& type, const Bytes& data) {
  Bytes png = png_header(64, 48, 8, 2);
  put_png_chunk(png, type, data);
  put_png_chunk(png, "IDAT", png_image_data(64 * 3, 48, [](std::uint32_t x, std::uint32_t y) {
                  return static_cast<std::uint8_t>(x * 3 + y);
                }));
  put_png_chunk(png, "IEND", {});
  return png;
}

// A little-endian TIFF block of `bytes` bytes: IFD0 at 8 claims 65535 entries and holds as many
// as fit, each an Orientation, an Exif-IFD pointer or a huge-count entry whose offsets point back
// into the IFD; the next-IFD link (if it fits) points at IFD0 again.
Bytes hostile_tiff(std::size_t bytes) {
  Bytes t = {'I', 'I', 42, 0};
  put_le32(t, 8);
  put_le16(t, 0xFFFF);
  const auto entry = [&t](std::uint32_t tag, std::uint32_t type, std::uint32_t count, std::uint32_t value) {
    put_le16(t, tag);
    put_le16(t, type);
    put_le32(t, count);
    put_le32(t, value);
  };
  for (std::uint32_t i = 0; t.size() + 12 + 4 <= bytes; ++i) {
    switch (i % 4) {
      case 0:
        entry(0x0112, 3, 0xFFFFFFFF, 6);  // Orientation, SHORT, 2^32-1 of them
        break;
      case 1:
        entry(0x8769, 4, 1, 8);  // Exif IFD pointer back to IFD0
        break;
      case 2:
        entry(0x0112, 4, 4, 0xFFFFFFF0);  // Orientation as LONGs at an offset past the end
        break;
      default:
        entry(0x0112, 0xEEEE, 1, 3);  // unknown type
        break;
    }
  }
  put_le32(t, 8);
  t.resize(bytes, 0);
  return t;
}

// A 64x48 baseline JPEG with the given segments (marker, payload) right after SOI.
Bytes jpeg_with_segments(const std::vector<std::pair<std::uint8_t, Bytes>>& segments) {
  const Bytes plain = encode(make_picture(64, 48, CV_8UC3), ".jpg");
  Bytes out = {0xFF, 0xD8};
  for (const auto& [marker, payload] : segments) {
    if (payload.size() + 2 > 0xFFFF) throw std::invalid_argument("JPEG segment over 64 KB");
    const std::size_t len = payload.size() + 2;
    out.insert(out.end(), {0xFF, marker, std::uint8_t(len >> 8), std::uint8_t(len & 0xFF)});
    out.insert(out.end(), payload.begin(), payload.end());
  }
  out.insert(out.end(), plain.begin() + 2, plain.end());
  return out;
}

constexpr std::size_t kMaxSegmentPayload = 0xFFFF - 2;

std::uint32_t crc32_of(const Bytes& b) { return std::uint32_t(::crc32(0, b.data(), uInt(b.size()))); }

}  // namespace

void put_png_chunk(Bytes& png, const std::string& type, const Bytes& data) {
  put_be32(png, static_cast<std::uint32_t>(data.size()));
  Bytes body(type.begin(), type.end());
  body.insert(body.end(), data.begin(), data.end());
  png.insert(png.end(), body.begin(), body.end());
  put_be32(png, crc32_of(body));
}

Bytes zlib_compress(const Bytes& data) {
  uLongf size = ::compressBound(uLong(data.size()));
  Bytes out(size);
  if (::compress2(out.data(), &size, data.data(), uLong(data.size()), 9) != Z_OK)
    throw std::runtime_error("zlib compress2 failed");
  out.resize(size);
  return out;
}

Bytes png_declaring(std::uint32_t width, std::uint32_t height) {
  Bytes png = png_header(width, height, 8, 2);
  put_png_chunk(png, "IDAT", {0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01});
  put_png_chunk(png, "IEND", {});
  return png;
}

Bytes jpeg_declaring(std::uint16_t width, std::uint16_t height) {
  Bytes jpg = encode(make_picture(64, 64, CV_8UC3), ".jpg");
  for (std::size_t i = 2; i + 9 < jpg.size();) {
    if (jpg[i] != 0xFF) break;
    const std::uint8_t marker = jpg[i + 1];
    const std::size_t len = std::size_t(jpg[i + 2]) << 8 | jpg[i + 3];
    if (marker == 0xC0) {
      jpg[i + 5] = static_cast<std::uint8_t>(height >> 8);
      jpg[i + 6] = static_cast<std::uint8_t>(height);
      jpg[i + 7] = static_cast<std::uint8_t>(width >> 8);
      jpg[i + 8] = static_cast<std::uint8_t>(width);
      return jpg;
    }
    i += 2 + len;
  }
  ADD_FAILURE() << "no SOF0 in the encoder's JPEG";
  return jpg;
}

Bytes png_palette_out_of_range(std::uint32_t width, std::uint32_t height) {
  Bytes png = png_header(width, height, 8, 3);
  put_png_chunk(png, "PLTE", {255, 0, 0, 0, 0, 255});  // red and blue only
  put_png_chunk(png, "IDAT", png_image_data(width, height, [](std::uint32_t x, std::uint32_t y) {
                  return static_cast<std::uint8_t>(x + y);
                }));
  put_png_chunk(png, "IEND", {});
  return png;
}

Bytes png_with_icc_bomb(std::uint32_t profile_bytes) {
  Bytes profile(profile_bytes, 0);
  for (int i = 0; i < 4; ++i) profile[std::size_t(i)] = std::uint8_t(profile_bytes >> (24 - 8 * i));
  Bytes iccp = {'b', 'o', 'm', 'b', 0, 0};  // name, NUL, compression method 0
  const Bytes packed = zlib_compress(profile);
  iccp.insert(iccp.end(), packed.begin(), packed.end());
  return small_png_with("iCCP", iccp);
}

Bytes jpeg_with_huge_icc(int segments) {
  std::vector<std::pair<std::uint8_t, Bytes>> app2;
  for (int i = 0; i < segments; ++i) {
    Bytes payload = {'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0};
    payload.push_back(std::uint8_t(i + 1));                               // sequence number
    payload.push_back(std::uint8_t(segments));                            // of this many
    if (i == 0) payload.insert(payload.end(), {0xFF, 0xFF, 0xFF, 0xFF});  // profile size: 4 GB
    payload.resize(kMaxSegmentPayload, std::uint8_t(i));
    app2.emplace_back(0xE2, std::move(payload));
  }
  return jpeg_with_segments(app2);
}

Bytes jpeg_with_huge_exif(int extra_segments) {
  std::vector<std::pair<std::uint8_t, Bytes>> app1;
  for (int i = 0; i <= extra_segments; ++i) {
    Bytes payload = {'E', 'x', 'i', 'f', 0, 0};
    const Bytes tiff = hostile_tiff(kMaxSegmentPayload - payload.size());
    payload.insert(payload.end(), tiff.begin(), tiff.end());
    app1.emplace_back(0xE1, std::move(payload));
  }
  return jpeg_with_segments(app1);
}

Bytes png_with_huge_exif(std::uint32_t bytes) { return small_png_with("eXIf", hostile_tiff(bytes)); }

Bytes jpeg_with_thousands_of_scans(int width, int height) {
  JpegSpec spec;
  spec.scans = many_scans({0, 1, 2}, true);
  return encode_jpeg(make_picture(width, height, CV_8UC3), spec);
}

Bytes bmp_declaring(std::int32_t width, std::int32_t height, std::size_t pixel_bytes) {
  Bytes b = {'B', 'M'};
  put_le32(b, std::uint32_t(54 + pixel_bytes));
  put_le32(b, 0);
  put_le32(b, 54);  // pixel data offset
  put_le32(b, 40);  // BITMAPINFOHEADER
  put_le32(b, std::uint32_t(width));
  put_le32(b, std::uint32_t(height));
  put_le16(b, 1);   // planes
  put_le16(b, 24);  // bits per pixel
  for (int i = 0; i < 6; ++i) put_le32(b, 0);
  b.resize(b.size() + pixel_bytes, 0x80);
  return b;
}

Bytes bmp16(const std::vector<std::vector<std::uint16_t>>& pixels, const std::vector<std::uint32_t>& masks,
            bool top_down) {
  const auto put = [](std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x, int n) {
    for (int i = 0; i < n; ++i) v[at + std::size_t(i)] = std::uint8_t(x >> (8 * i));
  };
  const int h = int(pixels.size()), w = int(pixels[0].size());
  const std::uint32_t header = masks.size() == 4 ? 108 : 40;
  const std::size_t offset = 14 + header + (masks.size() == 3 ? 12 : 0),
                    stride = (std::size_t(w) * 2 + 3) / 4 * 4;
  std::vector<std::uint8_t> b(offset + stride * std::size_t(h), 0);
  b[0] = 'B';
  b[1] = 'M';
  put(b, 2, std::uint32_t(b.size()), 4);
  put(b, 10, std::uint32_t(offset), 4);
  put(b, 14, header, 4);
  put(b, 18, std::uint32_t(w), 4);
  put(b, 22, std::uint32_t(top_down ? -h : h), 4);
  put(b, 26, 1, 2);
  put(b, 28, 16, 2);
  put(b, 30, masks.empty() ? 0 : 3, 4);
  for (std::size_t i = 0; i < masks.size(); ++i) put(b, 54 + 4 * i, masks[i], 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      put(b, offset + std::size_t(top_down ? y : h - 1 - y) * stride + 2 * std::size_t(x),
          pixels[std::size_t(y)][std::size_t(x)], 2);
  return b;
}

Bytes os2_bmp(int bits, const std::vector<cv::Vec3b>& colours) {
  const int w = 3, h = 2;
  const std::size_t palette = bits == 24 ? 0 : std::min<std::size_t>(colours.size(), 1u << bits);
  const std::size_t offset = 26 + 3 * palette, stride = (std::size_t(w) * std::size_t(bits) + 31) / 32 * 4;
  std::vector<std::uint8_t> b(offset + stride * h, 0);
  const auto put16 = [&](std::size_t at, unsigned v) {
    b[at] = std::uint8_t(v), b[at + 1] = std::uint8_t(v >> 8);
  };
  b[0] = 'B';
  b[1] = 'M';
  put16(2, unsigned(b.size()));
  put16(10, unsigned(offset));
  put16(14, 12);
  put16(18, w);
  put16(20, h);
  put16(22, 1);
  put16(24, unsigned(bits));
  for (std::size_t i = 0; i < palette; ++i)
    for (int c = 0; c < 3; ++c) b[26 + 3 * i + std::size_t(c)] = colours[i][c];
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::size_t index = std::min<std::size_t>(std::size_t(y * w + x), palette > 0 ? palette - 1 : 5);
      std::uint8_t* row = b.data() + offset + std::size_t(h - 1 - y) * stride;  // bottom-up
      if (bits == 24) {
        for (int c = 0; c < 3; ++c) row[3 * x + c] = colours[index][c];
      } else {
        const int per_byte = 8 / bits;
        row[x / per_byte] |= std::uint8_t(index << (8 - bits * (x % per_byte + 1)));
      }
    }
  return b;
}

Bytes tiff_with_shared_tag_data(int tags, std::uint32_t blob) {
  Bytes b = {'I', 'I', 42, 0, 8, 0, 0, 0};
  const auto put = [&](std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) b.push_back(std::uint8_t(v >> (8 * i)));
  };
  const std::uint32_t entries = 9 + std::uint32_t(tags), data_at = 8 + 2 + 12 * entries + 4;
  const auto entry = [&](std::uint32_t tag, std::uint32_t type, std::uint32_t count, std::uint32_t value) {
    put(tag, 2), put(type, 2), put(count, 4), put(value, 4);
  };
  put(entries, 2);
  entry(256, 4, 1, 16), entry(257, 4, 1, 16), entry(258, 3, 1, 8);
  entry(259, 3, 1, 1), entry(262, 3, 1, 1), entry(273, 4, 1, data_at);
  entry(277, 3, 1, 1), entry(278, 4, 1, 16);
  entry(279, 4, 1, 256);
  for (int i = 0; i < tags; ++i) entry(40000 + std::uint32_t(i), 7, blob, data_at);
  put(0, 4);
  b.resize(b.size() + std::max<std::size_t>(blob, 256), 0x80);
  return b;
}

Bytes png_flat_rgba(std::uint32_t width, std::uint32_t height) {
  Bytes png = png_header(width, height, 8, 6);
  put_png_chunk(png, "IDAT", png_image_data(width * 4, height, [](std::uint32_t x, std::uint32_t) {
                  return static_cast<std::uint8_t>(x % 4 == 3 ? 128 : 40 * (x % 4 + 1));
                }));
  put_png_chunk(png, "IEND", {});
  return png;
}

}  // namespace thumbflow::test
