#include <gtest/gtest.h>

#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "image/decode.hpp"
#include "image/decode_error.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

class Orientation : public ::testing::TestWithParam<int> {};

TEST_P(Orientation, StoredPixelsComeBackUpright) {
  const cv::Mat upright = test::make_picture(60, 40, CV_8UC3, 7);
  const cv::Mat stored = test::store_for_orientation(upright, GetParam());
  const cv::Mat back = apply_orientation(stored, GetParam());
  ASSERT_EQ(back.size(), upright.size());
  EXPECT_EQ(cv::norm(back, upright, cv::NORM_INF), 0);
}

TEST_P(Orientation, DecodeAppliesExifOrientation) {
  const cv::Mat upright = test::make_picture(320, 200, CV_8UC3, 3);
  const auto jpeg = test::jpeg_with_orientation(test::store_for_orientation(upright, GetParam()), GetParam(),
                                                GetParam() % 2 == 0);
  ThumbnailOptions options;
  options.box_width = options.box_height = 64;
  const DecodedImage decoded = decode_for_thumbnail(jpeg, options);
  EXPECT_EQ(decoded.orientation, GetParam());
  EXPECT_EQ(decoded.target, (Dimensions{64, 40}));
  ASSERT_EQ(decoded.pixels.cols * 200, decoded.pixels.rows * 320) << "not upright";
  cv::Mat expected;
  cv::resize(upright, expected, decoded.pixels.size(), 0, 0, cv::INTER_AREA);
  EXPECT_GE(test::psnr_luma(decoded.pixels, expected), 30.0);
}

// An uncompressed RGB TIFF (little-endian) of `stored` with orientation tag `orientation`: one
// strip, or 32x32 tiles.
std::vector<std::uint8_t> tiff_with_orientation(const cv::Mat& stored, int orientation, bool tiled) {
  constexpr int kTile = 32;
  std::vector<std::uint8_t> out = {'I', 'I', 42, 0, 8, 0, 0, 0};
  const auto put16 = [&](std::size_t at, std::uint32_t v) {
    out[at] = std::uint8_t(v);
    out[at + 1] = std::uint8_t(v >> 8);
  };
  const auto put32 = [&](std::size_t at, std::uint32_t v) {
    put16(at, v & 0xFFFF);
    put16(at + 2, v >> 16);
  };
  const int across = (stored.cols + kTile - 1) / kTile, down = (stored.rows + kTile - 1) / kTile;
  const std::uint32_t pieces = tiled ? std::uint32_t(across * down) : 1;
  struct Tag {
    std::uint16_t tag, type;
    std::uint32_t count, value;
  };
  std::vector<Tag> tags = {{256, 4, 1, std::uint32_t(stored.cols)},
                           {257, 4, 1, std::uint32_t(stored.rows)},
                           {258, 3, 3, 0},
                           {259, 3, 1, 1},
                           {262, 3, 1, 2},
                           {274, 3, 1, std::uint32_t(orientation)},
                           {277, 3, 1, 3},
                           {284, 3, 1, 1}};
  if (tiled) {
    tags.insert(tags.end(),
                {{322, 4, 1, kTile}, {323, 4, 1, kTile}, {324, 4, pieces, 0}, {325, 4, pieces, 0}});
  } else {
    tags.insert(tags.begin() + 5, {273, 4, 1, 0});
    tags.insert(tags.begin() + 8, {278, 4, 1, std::uint32_t(stored.rows)});
    tags.insert(tags.begin() + 9, {279, 4, 1, std::uint32_t(stored.total() * 3)});
  }
  const std::size_t ifd = 8, after = ifd + 2 + tags.size() * 12 + 4;
  out.resize(after + 6 + 8 * pieces);  // BitsPerSample, then tile offsets and counts
  const std::size_t bits = after, offsets = after + 6, counts = offsets + 4 * pieces;
  for (int i = 0; i < 3; ++i) put16(bits + 2 * std::size_t(i), 8);
  // Pixel data, RGB.
  const auto pixel = [&](int y, int x) {
    const cv::Vec3b bgr = (y < stored.rows && x < stored.cols) ? stored.at<cv::Vec3b>(y, x) : cv::Vec3b();
    for (int c = 2; c >= 0; --c) out.push_back(bgr[c]);
  };
  std::vector<std::uint32_t> piece_at;
  if (tiled) {
    for (int ty = 0; ty < down; ++ty)
      for (int tx = 0; tx < across; ++tx) {
        piece_at.push_back(std::uint32_t(out.size()));
        for (int y = 0; y < kTile; ++y)
          for (int x = 0; x < kTile; ++x) pixel(ty * kTile + y, tx * kTile + x);
      }
  } else {
    piece_at.push_back(std::uint32_t(out.size()));
    for (int y = 0; y < stored.rows; ++y)
      for (int x = 0; x < stored.cols; ++x) pixel(y, x);
  }
  put16(ifd, std::uint16_t(tags.size()));
  for (std::size_t i = 0; i < tags.size(); ++i) {
    Tag t = tags[i];
    if (t.tag == 258) t.value = std::uint32_t(bits);
    if (t.tag == 273) t.value = piece_at[0];
    if (t.tag == 324) t.value = pieces == 1 ? piece_at[0] : std::uint32_t(offsets);
    if (t.tag == 325) t.value = pieces == 1 ? std::uint32_t(kTile * kTile * 3) : std::uint32_t(counts);
    const std::size_t at = ifd + 2 + i * 12;
    put16(at, t.tag);
    put16(at + 2, t.type);
    put32(at + 4, t.count);
    if (t.type == 3 && t.count == 1)
      put16(at + 8, t.value);
    else
      put32(at + 8, t.value);
  }
  for (std::uint32_t i = 0; i < pieces; ++i) {
    put32(offsets + 4 * i, piece_at[i]);
    put32(counts + 4 * i, kTile * kTile * 3);
  }
  return out;
}

// The decoder hands over the pixels as stored and decode.cpp turns them once, tiles included
// (OpenCV's reader, used before, mirrored each tile on its own for orientations 2, 3, 6 and 7).
TEST_P(Orientation, DecodeAppliesTiffOrientationOnce) {
  const cv::Mat upright = test::make_picture(320, 192, CV_8UC3, 5);
  for (const bool tiled : {false, true}) {
    const auto tiff =
        tiff_with_orientation(test::store_for_orientation(upright, GetParam()), GetParam(), tiled);
    ThumbnailOptions options;
    options.box_width = options.box_height = 64;
    const DecodedImage decoded = decode_for_thumbnail(tiff, options);
    EXPECT_EQ(decoded.target, (Dimensions{64, 38})) << "tiled " << tiled;
    ASSERT_EQ(decoded.pixels.size(), upright.size()) << "not upright, tiled " << tiled;
    EXPECT_EQ(cv::norm(decoded.pixels, upright, cv::NORM_INF), 0) << "tiled " << tiled;
  }
}

INSTANTIATE_TEST_SUITE_P(AllEight, Orientation, ::testing::Range(1, 9));

}  // namespace
}  // namespace thumbflow::detail
