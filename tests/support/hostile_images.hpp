// Hostile image files, made in the test rather than committed: decompression bombs, absurd
// metadata, impossible sizes. Each is small on disk (a few MB at most) unless its point is size.
#pragma once

#include <cstdint>
#include <opencv2/core/matx.hpp>
#include <string>
#include <vector>

namespace thumbflow::test {

using Bytes = std::vector<std::uint8_t>;

// PNG pieces: a chunk with its length and CRC, and a zlib stream of `data`.
void put_png_chunk(Bytes& png, const std::string& type, const Bytes& data);
Bytes zlib_compress(const Bytes& data);

// A valid-looking PNG whose IHDR declares width x height 8-bit RGB pixels, with a tiny IDAT.
Bytes png_declaring(std::uint32_t width, std::uint32_t height);

// A small real JPEG whose SOF0 is patched to declare width x height.
Bytes jpeg_declaring(std::uint16_t width, std::uint16_t height);

// An 8-bit palette PNG of width x height whose PLTE has 2 entries but whose pixels use every
// index 0..255.
Bytes png_palette_out_of_range(std::uint32_t width, std::uint32_t height);

// A 64x48 RGB PNG with an iCCP chunk whose profile inflates to `profile_bytes` (the profile's
// header says so too): a zlib bomb in the metadata.
Bytes png_with_icc_bomb(std::uint32_t profile_bytes);

// A 64x48 JPEG with `segments` full APP2 ICC_PROFILE segments (64 KB each) whose profile
// header declares 4 GB.
Bytes jpeg_with_huge_icc(int segments);

// A 64x48 JPEG whose first APP1 Exif segment is a full 64 KB IFD of bogus entries (offsets
// pointing everywhere, an IFD chain that loops back to itself), followed by `extra_segments`
// more full APP1 Exif segments.
Bytes jpeg_with_huge_exif(int extra_segments);

// A 64x48 PNG with an eXIf chunk of `bytes` bytes: an IFD with 65535 entries and self-loops.
Bytes png_with_huge_exif(std::uint32_t bytes);

// A width x height colour progressive JPEG with 2082 scans (every AC coefficient of every
// component refined bit by bit), all legal.
Bytes jpeg_with_thousands_of_scans(int width, int height);

// A BMP header declaring width x height 24-bit pixels followed by `pixel_bytes` bytes.
Bytes bmp_declaring(std::int32_t width, std::int32_t height, std::size_t pixel_bytes);

// A 16-bit BMP of `pixels` (rows top to bottom, each value as stored), bottom-up unless
// `top_down`; `masks` empty: BI_RGB (5-5-5), else BI_BITFIELDS with a 40-byte header and 3 masks
// or a 108-byte (V4) header with 4.
Bytes bmp16(const std::vector<std::vector<std::uint16_t>>& pixels, const std::vector<std::uint32_t>& masks,
            bool top_down = false);

// An OS/2 1.x BMP (12-byte header) of 3x2 pixels at `bits` per pixel: 24-bit stores `colours`
// themselves, palette files store indices 0..5 (clamped to the palette) into `colours`.
Bytes os2_bmp(int bits, const std::vector<cv::Vec3b>& colours);

// A 16x16 grey TIFF (one uncompressed strip) whose first directory also holds `tags` unknown tags
// (UNDEFINED) that all point at one shared blob of `blob` bytes, as a crafted file does.
Bytes tiff_with_shared_tag_data(int tags, std::uint32_t blob);

// A width x height RGBA PNG of one half-transparent colour: a few hundred KB for 20 MP.
Bytes png_flat_rgba(std::uint32_t width, std::uint32_t height);

}  // namespace thumbflow::test
