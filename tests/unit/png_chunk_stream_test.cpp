// PngChunkStream::inflate_at_once: the image data inflated by libdeflate and served to libspng as
// stored deflate blocks must be a valid PNG of the same pixels, and anything it cannot vouch for
// must leave the stream as it was.
#include "image/png_chunk_stream.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

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

cv::Mat decoded(const std::vector<std::uint8_t>& png) { return cv::imdecode(png, cv::IMREAD_UNCHANGED); }

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

struct Case {
  const char* name;
  PngSpec spec;
  int channels;
};

TEST(PngChunkStream, InflatedAtOnceIsAValidPngOfTheSamePixels) {
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
    const cv::Mat expected = decoded(original), got = decoded(served);  // libpng checks CRCs and Adler-32
    ASSERT_FALSE(got.empty()) << c.name;
    EXPECT_TRUE(same_pixels(got, expected)) << c.name;
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
  EXPECT_TRUE(same_pixels(decoded(read_all(stream)), decoded(original)));
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

}  // namespace
}  // namespace thumbflow::detail
