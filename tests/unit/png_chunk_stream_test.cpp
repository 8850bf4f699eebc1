// PngChunkStream::inflate_at_once: the image data inflated by libdeflate and served to libspng as
// stored deflate blocks must be a PNG of the same pixels for libspng told to ignore the checksums
// (as the PNG decoder tells it: the stream writes them as zeros), and anything it cannot vouch for
// must leave the stream as it was.
#include "image/png_chunk_stream.hpp"

#include <gtest/gtest.h>
#include <spng.h>
#include <zlib.h>

#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "image/decode_error.hpp"
#include "image/integrity.hpp"
#include "png_maker.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

using test::PngSpec;

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(v >> shift));
}

void put_chunk(std::vector<std::uint8_t>& out, const char* type, const std::uint8_t* data, std::size_t n) {
  put32(out, std::uint32_t(n));
  const std::size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data, data + n);
  put32(out, std::uint32_t(crc32(0L, out.data() + start, uInt(n + 4))));
}

// `png` with its image data cut into IDAT chunks of at most `size` bytes.
std::vector<std::uint8_t> rechunked(const std::vector<std::uint8_t>& png, std::size_t size) {
  std::vector<std::uint8_t> out(png.begin(), png.begin() + 8), idat;
  std::size_t at = 8;
  bool idat_written = false;
  while (at + 12 <= png.size()) {
    const std::uint32_t n = be32(&png[at]);
    const char* type = reinterpret_cast<const char*>(&png[at + 4]);
    if (std::memcmp(type, "IDAT", 4) == 0) {
      idat.insert(idat.end(), &png[at + 8], &png[at + 8] + n);
    } else {
      if (!idat.empty() && !idat_written) {
        for (std::size_t i = 0; i < idat.size(); i += size)
          put_chunk(out, "IDAT", idat.data() + i, std::min(size, idat.size() - i));
        idat_written = true;
      }
      out.insert(out.end(), &png[at], &png[at] + 12 + n);
    }
    at += 12 + n;
  }
  return out;
}

std::vector<std::uint8_t> read_all(PngChunkStream& stream) {
  std::vector<std::uint8_t> out;
  std::uint8_t byte = 0;
  while (stream.read(&byte, 1)) out.push_back(byte);
  return out;
}

// Filtered scanline bytes of a non-interlaced image.
std::size_t filtered(int width, int height, int channels, int depth) {
  return std::size_t(height) * (1 + (std::size_t(width) * std::size_t(channels * depth) + 7) / 8);
}

// The image bytes (the PNG's own format) as libspng decodes them with the checksums ignored, as
// the PNG decoder asks after inflate_at_once; empty if it fails.
std::vector<std::uint8_t> spng_decoded(const std::vector<std::uint8_t>& png) {
  spng_ctx* ctx = spng_ctx_new(SPNG_CTX_IGNORE_ADLER32);
  std::vector<std::uint8_t> out;
  std::size_t size = 0;
  if (spng_set_crc_action(ctx, SPNG_CRC_USE, SPNG_CRC_USE) == 0 &&
      spng_set_png_buffer(ctx, png.data(), png.size()) == 0 &&
      spng_decoded_image_size(ctx, SPNG_FMT_PNG, &size) == 0) {
    out.resize(size);
    if (spng_decode_image(ctx, out.data(), size, SPNG_FMT_PNG, 0) != 0) out.clear();
  }
  spng_ctx_free(ctx);
  return out;
}

struct Case {
  const char* name;
  PngSpec spec;
  int channels;
};

TEST(PngChunkStream, InflatedAtOnceGivesLibspngTheSamePixels) {
  const cv::Mat bgr = test::make_picture(300, 250, CV_8UC3, 7);  // noisy: ~225 KB filtered
  cv::Mat bgra, gray, sixteen;
  cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  bgr.convertTo(sixteen, CV_16U, 257.0);
  const Case cases[] = {{"rgb8", {8, 2, false, {}, {}}, 3},
                        {"rgba8", {8, 6, false, {}, {}}, 4},
                        {"gray8", {8, 0, false, {}, {}}, 1},
                        {"rgb16", {16, 2, false, {}, {}}, 3},
                        {"palette8", {8, 3, false, {}, {}}, 1}};
  for (const Case& c : cases) {
    const cv::Mat& picture = c.channels == 4          ? bgra
                             : c.channels == 1        ? gray
                             : c.spec.bit_depth == 16 ? sixteen
                                                      : bgr;
    const std::vector<std::uint8_t> original = rechunked(test::make_png(picture, c.spec), 1000);
    PngChunkStream stream(original);
    ASSERT_TRUE(stream.inflate_at_once(filtered(300, 250, c.channels, c.spec.bit_depth))) << c.name;
    const std::vector<std::uint8_t> served = read_all(stream);
    EXPECT_NE(served, original) << c.name;
    const std::vector<std::uint8_t> expected = spng_decoded(original), got = spng_decoded(served);
    ASSERT_FALSE(got.empty()) << c.name;
    EXPECT_EQ(got, expected) << c.name;
  }
}

TEST(PngChunkStream, InterlacedImageDataIsInflatedAtOnceToo) {
  const cv::Mat bgr = test::make_picture(123, 77, CV_8UC3, 3);
  const std::vector<std::uint8_t> original = test::make_png(bgr, {8, 2, true, {}, {}});
  // The seven Adam7 pass images, each a filter byte per row (PNG spec 8.2).
  const int x0[7] = {0, 4, 0, 2, 0, 1, 0}, dx[7] = {8, 8, 4, 4, 2, 2, 1};
  const int y0[7] = {0, 0, 4, 0, 2, 0, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
  std::size_t bytes = 0;
  for (int p = 0; p < 7; ++p) {
    const int w = (123 - x0[p] + dx[p] - 1) / dx[p], h = (77 - y0[p] + dy[p] - 1) / dy[p];
    if (w > 0 && h > 0) bytes += filtered(w, h, 3, 8);
  }
  PngChunkStream stream(original);
  ASSERT_TRUE(stream.inflate_at_once(bytes));
  const std::vector<std::uint8_t> got = spng_decoded(read_all(stream));
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got, spng_decoded(original));
}

TEST(PngChunkStream, WhatItCannotVouchForLeavesTheStreamAsItWas) {
  const cv::Mat bgr = test::make_picture(200, 100, CV_8UC3, 5);
  const std::vector<std::uint8_t> png = rechunked(test::make_png(bgr, {8, 2, false, {}, {}}), 4000);
  const std::size_t size = filtered(200, 100, 3, 8);
  const auto unchanged = [](const std::vector<std::uint8_t>& bytes, std::size_t filtered_bytes) {
    PngChunkStream stream(bytes);
    const bool done = stream.inflate_at_once(filtered_bytes);
    return !done && read_all(stream) == bytes;
  };
  EXPECT_TRUE(unchanged(png, size - 1)) << "more data than the header says";
  EXPECT_TRUE(unchanged(png, size + 1)) << "less data than the header says";
  std::vector<std::uint8_t> flipped = png;
  flipped[png.size() - 200] ^= 0x40;  // inside the last IDAT chunk's data: the stream or its checksum breaks
  EXPECT_TRUE(unchanged(flipped, size));
  std::vector<std::uint8_t> bad_ihdr_crc = png;
  bad_ihdr_crc[8 + 8 + 13] ^= 1;
  EXPECT_TRUE(unchanged(bad_ihdr_crc, size));
  const std::vector<std::uint8_t> cut(png.begin(), png.begin() + std::ptrdiff_t(png.size() / 2));
  {
    PngChunkStream stream(cut);
    EXPECT_FALSE(stream.inflate_at_once(size));
  }
  PngChunkStream begun(png);
  std::uint8_t signature[8];
  ASSERT_TRUE(begun.read(signature, 8));
  EXPECT_FALSE(begun.inflate_at_once(size)) << "libspng has begun reading";
}

// The stream writes zeros for the re-framed checksums, so the file's own must be checked before:
// check_integrity refuses damaged image data by its CRC, naming the chunk.
TEST(PngChunkStream, DamagedImageDataIsRefusedByItsCrcBeforeDecoding) {
  const std::vector<std::uint8_t> png =
      test::make_png(test::make_picture(64, 48, CV_8UC3, 5), {8, 2, false, {}, {}});
  EXPECT_NO_THROW(check_integrity(png, ImageFormat::Png));
  std::vector<std::uint8_t> damaged = png;
  for (std::size_t i = 8; i + 8 < damaged.size(); ++i)
    if (std::memcmp(&damaged[i], "IDAT", 4) == 0) {
      damaged[i + 4 + 10] ^= 0x40;  // a byte of the compressed data
      break;
    }
  try {
    check_integrity(damaged, ImageFormat::Png);
    FAIL() << "no error";
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), "corrupt PNG (bad CRC in IDAT chunk)");
  }
}

}  // namespace
}  // namespace thumbflow::detail
