#include "image/gif_decoder.hpp"

#include <gif_lib.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <opencv2/core.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "gif_maker.hpp"
#include "image/decode.hpp"
#include "image/decode_error.hpp"

namespace thumbflow::detail {
namespace {

using test::GifFrameSpec;
using test::GifSpec;

// RGB table entries; the decoder gives BGR(A).
const std::vector<cv::Vec3b> kColours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
const cv::Vec4b kRed{0, 0, 255, 255}, kGreen{0, 255, 0, 255}, kBlue{255, 0, 0, 255}, kClear{0, 0, 0, 0};

cv::Mat filled(int w, int h, int index) { return cv::Mat(h, w, CV_8UC1, cv::Scalar(index)); }

GifFrameSpec frame(cv::Mat indices, int left = 0, int top = 0, int disposal = 0) {
  GifFrameSpec f;
  f.indices = std::move(indices);
  f.left = left;
  f.top = top;
  f.disposal = disposal;
  f.delay_cs = 7;
  return f;
}

DecodedPixels decode_gif(const std::vector<std::uint8_t>& gif, bool all_frames = false,
                         std::uint64_t max_pixels = 0, std::uint64_t max_frame_pixels = 0) {
  DecodeRequest request;
  request.all_frames = all_frames;
  request.max_pixels = max_pixels;
  request.max_frame_pixels = max_frame_pixels;
  return decode_gif(gif, request);
}

std::string gif_error_of(const std::vector<std::uint8_t>& gif, bool all_frames = false,
                         std::uint64_t max_pixels = 0, std::uint64_t max_frame_pixels = 0) {
  try {
    decode_gif(gif, all_frames, max_pixels, max_frame_pixels);
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "";
}

// Red screen 4x4 (disposal `first`), then a green 2x2 square at (1,1) (disposal `second`), then
// one blue pixel at (0,0).
std::vector<std::uint8_t> three_frame_gif(int first, int second) {
  GifSpec spec{4, 4, kColours, {}};
  spec.frames = {frame(filled(4, 4, 0), 0, 0, first), frame(filled(2, 2, 1), 1, 1, second),
                 frame(filled(1, 1, 2), 0, 0, 1)};
  return test::make_gif(spec);
}

TEST(GifDecoder, HeaderIsTheLogicalScreen) {
  const auto gif = three_frame_gif(1, 1);
  const ImageHeader h = read_gif_header(gif);
  EXPECT_EQ(h.size, (Dimensions{4, 4}));
  EXPECT_EQ(h.orientation, 1);
  EXPECT_EQ(count_gif_frames(gif), 3);
  EXPECT_THROW(read_gif_header(std::vector<std::uint8_t>(gif.begin(), gif.begin() + 12)), DecodeError);
}

// A screen of 0x0, or smaller than the first frame: the canvas grows to hold that frame (as
// browsers show it); such files failed ("empty screen") or lost the frame's right and bottom.
TEST(GifDecoder, AScreenSmallerThanTheFirstFrameGrowsToHoldIt) {
  GifSpec smaller{3, 2, kColours, {frame(filled(5, 4, 1))}};
  EXPECT_EQ(read_gif_header(test::make_gif(smaller)).size, (Dimensions{5, 4}));
  const DecodedPixels d = decode_gif(test::make_gif(smaller));
  ASSERT_EQ(d.pixels.size(), cv::Size(5, 4));
  EXPECT_EQ(d.pixels.at<cv::Vec3b>(3, 4), cv::Vec3b(0, 255, 0));
  GifSpec empty{0, 0, kColours, {frame(filled(2, 3, 2), 1, 1)}};
  const DecodedPixels e = decode_gif(test::make_gif(empty));
  ASSERT_EQ(e.pixels.size(), cv::Size(3, 4));
  EXPECT_EQ(e.pixels.at<cv::Vec4b>(3, 2), kBlue);
  EXPECT_EQ(e.pixels.at<cv::Vec4b>(0, 0)[3], 0);  // outside the frame: transparent
}

TEST(GifDecoder, OpaqueStillIsBgrWithTheTableColours) {
  cv::Mat indices = filled(5, 3, 0);
  indices.col(4).setTo(2);
  const DecodedPixels d = decode_gif(test::make_still_gif(indices, kColours));
  ASSERT_EQ(d.pixels.type(), CV_8UC3);
  ASSERT_EQ(d.pixels.size(), cv::Size(5, 3));
  EXPECT_EQ(d.pixels.at<cv::Vec3b>(1, 0), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(d.pixels.at<cv::Vec3b>(2, 4), cv::Vec3b(255, 0, 0));
  EXPECT_TRUE(d.frames.empty());
}

TEST(GifDecoder, TransparentIndexBecomesAlpha) {
  cv::Mat indices = filled(4, 4, 1);
  indices(cv::Rect(0, 0, 2, 4)).setTo(3);
  const DecodedPixels d = decode_gif(test::make_still_gif(indices, kColours, 3));
  ASSERT_EQ(d.pixels.type(), CV_8UC4);
  EXPECT_EQ(d.pixels.at<cv::Vec4b>(0, 0)[3], 0);
  EXPECT_EQ(d.pixels.at<cv::Vec4b>(3, 1)[3], 0);
  EXPECT_EQ(d.pixels.at<cv::Vec4b>(2, 3), kGreen);
}

// ImageMagick writes a comment or an application extension between the control extension and the
// image: the transparency, delay and disposal still apply (they were lost: transparent came out
// opaque black).
TEST(GifDecoder, AnotherExtensionAfterTheControlExtensionKeepsIt) {
  cv::Mat indices = filled(4, 4, 1);
  indices(cv::Rect(0, 0, 2, 4)).setTo(3);
  GifSpec spec{4, 4, kColours, {}};
  GifFrameSpec first;
  first.indices = indices;
  first.transparent = 3;
  first.delay_cs = 50;
  first.disposal = 2;
  first.comment_after_control = true;
  GifFrameSpec second = first;
  second.indices = filled(4, 4, 2);
  spec.frames = {first, second};
  spec.loop = true;
  const DecodedPixels d = decode_gif(test::make_gif(spec), true);
  ASSERT_EQ(d.pixels.type(), CV_8UC4);
  EXPECT_EQ(d.pixels.at<cv::Vec4b>(0, 0)[3], 0);
  EXPECT_EQ(d.pixels.at<cv::Vec4b>(2, 3), kGreen);
  ASSERT_EQ(d.frames.size(), 2u);
  EXPECT_EQ(d.frames[0].delay_ms, 500);
  EXPECT_EQ(d.frames[1].delay_ms, 500);
}

TEST(GifDecoder, InterlacedEqualsNonInterlaced) {
  cv::Mat indices(13, 6, CV_8UC1);
  for (int y = 0; y < indices.rows; ++y)
    for (int x = 0; x < indices.cols; ++x) indices.at<std::uint8_t>(y, x) = std::uint8_t((x + 3 * y) % 4);
  GifSpec plain{6, 13, kColours, {frame(indices)}};
  GifSpec interlaced = plain;
  interlaced.frames[0].interlaced = true;
  const cv::Mat a = decode_gif(test::make_gif(plain)).pixels,
                b = decode_gif(test::make_gif(interlaced)).pixels;
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0);
  EXPECT_EQ(a.at<cv::Vec3b>(12, 5), cv::Vec3b(0, 255, 0));  // (5 + 36) % 4 = 1: green
}

// giflib's DGifSlurp de-interlaces on its own (its pass table, not ours): a reference for the
// row order that does not share code with the decoder or the maker.
cv::Mat slurped_indices(const std::vector<std::uint8_t>& gif) {
  struct Reader {
    const std::vector<std::uint8_t>* bytes;
    std::size_t at = 0;
  } reader{&gif};
  int error = 0;
  GifFileType* file = DGifOpen(
      &reader,
      [](GifFileType* g, GifByteType* out, int n) {
        auto* r = static_cast<Reader*>(g->UserData);
        const std::size_t take = std::min(std::size_t(n), r->bytes->size() - r->at);
        std::memcpy(out, r->bytes->data() + r->at, take);
        r->at += take;
        return int(take);
      },
      &error);
  if (file == nullptr || DGifSlurp(file) != GIF_OK) throw std::runtime_error("DGifSlurp failed");
  const SavedImage& image = file->SavedImages[0];
  cv::Mat out = cv::Mat(image.ImageDesc.Height, image.ImageDesc.Width, CV_8UC1, image.RasterBits).clone();
  DGifCloseFile(file, &error);
  return out;
}

TEST(GifDecoder, InterlacedRowsMatchGiflibsOwnDeinterlacing) {
  cv::Mat indices(21, 5, CV_8UC1);
  for (int y = 0; y < indices.rows; ++y) indices.row(y).setTo(y % 4);  // each row tells its number
  GifSpec spec{5, 21, kColours, {frame(indices)}};
  spec.frames[0].interlaced = true;
  const auto gif = test::make_gif(spec);
  const cv::Mat reference = slurped_indices(gif);
  ASSERT_EQ(cv::norm(reference, indices, cv::NORM_INF), 0) << "the maker's interlaced order";
  const cv::Mat decoded = decode_gif(gif).pixels;
  for (int y = 0; y < indices.rows; ++y) {
    const cv::Vec3b c = kColours[std::size_t(y % 4)];
    EXPECT_EQ(decoded.at<cv::Vec3b>(y, 2), cv::Vec3b(c[2], c[1], c[0])) << "row " << y;
  }
}

TEST(GifDecoder, LocalTableWinsAndMissingTableIsAClearError) {
  GifSpec spec{2, 2, kColours, {frame(filled(2, 2, 0))}};
  spec.frames[0].local_colours = {{10, 20, 30}, {0, 0, 0}};
  EXPECT_EQ(decode_gif(test::make_gif(spec)).pixels.at<cv::Vec3b>(1, 1), cv::Vec3b(30, 20, 10));
  // giflib's encoder refuses a frame without a table: drop the global one from the bytes.
  spec.global_colours = {{1, 2, 3}, {4, 5, 6}};
  spec.frames[0].local_colours.clear();
  auto gif = test::make_gif(spec);
  ASSERT_EQ(gif[10] & 0x87, 0x80);  // a global table of 2 entries, 6 bytes after the header
  gif[10] &= 0x7F;
  gif.erase(gif.begin() + 13, gif.begin() + 19);
  EXPECT_EQ(gif_error_of(gif), "corrupt GIF (a frame has no colour table, local or global)");
}

TEST(GifDecoder, FramesPartlyOutsideTheScreenAreClipped) {
  GifSpec spec{4, 4, kColours, {frame(filled(4, 4, 0)), frame(filled(3, 3, 1), 2, 2)}};
  const DecodedPixels d = decode_gif(test::make_gif(spec), true);
  ASSERT_EQ(d.frames.size(), 2u);
  const cv::Mat& second = d.frames[1].pixels;
  ASSERT_EQ(second.size(), cv::Size(4, 4));
  EXPECT_EQ(second.at<cv::Vec4b>(3, 3), kGreen);
  EXPECT_EQ(second.at<cv::Vec4b>(1, 1), kRed);
}

TEST(GifDecoder, FirstFrameOfAnAnimationByDefault) {
  const DecodedPixels d = decode_gif(three_frame_gif(1, 1));
  ASSERT_EQ(d.pixels.type(), CV_8UC3);
  EXPECT_EQ(d.pixels.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(d.pixels.at<cv::Vec3b>(1, 1), cv::Vec3b(0, 0, 255));
  EXPECT_TRUE(d.frames.empty());
}

TEST(GifDecoder, DisposalNoneKeepsTheFrame) {
  const DecodedPixels d = decode_gif(three_frame_gif(1, 1), true);
  ASSERT_EQ(d.frames.size(), 3u);
  EXPECT_EQ(d.frames[0].delay_ms, 70);
  const cv::Mat& last = d.frames[2].pixels;
  EXPECT_EQ(last.at<cv::Vec4b>(0, 0), kBlue);
  EXPECT_EQ(last.at<cv::Vec4b>(1, 1), kGreen);
  EXPECT_EQ(last.at<cv::Vec4b>(2, 2), kGreen);
  EXPECT_EQ(last.at<cv::Vec4b>(3, 3), kRed);
}

TEST(GifDecoder, DisposalToBackgroundClearsTheRectangle) {
  const DecodedPixels d = decode_gif(three_frame_gif(1, 2), true);
  ASSERT_EQ(d.frames.size(), 3u);
  EXPECT_EQ(d.frames[1].pixels.at<cv::Vec4b>(1, 1), kGreen);  // disposal applies after showing
  const cv::Mat& last = d.frames[2].pixels;
  EXPECT_EQ(last.at<cv::Vec4b>(1, 1), kClear);
  EXPECT_EQ(last.at<cv::Vec4b>(2, 2), kClear);
  EXPECT_EQ(last.at<cv::Vec4b>(3, 3), kRed);
  EXPECT_EQ(last.at<cv::Vec4b>(0, 0), kBlue);
  // The first frame disposed to background: the second shows only its square.
  const DecodedPixels cleared = decode_gif(three_frame_gif(2, 1), true);
  EXPECT_EQ(cleared.frames[1].pixels.at<cv::Vec4b>(3, 3), kClear);
  EXPECT_EQ(cleared.frames[1].pixels.at<cv::Vec4b>(2, 2), kGreen);
}

TEST(GifDecoder, DisposalToPreviousRestoresWhatWasUnder) {
  const DecodedPixels d = decode_gif(three_frame_gif(1, 3), true);
  ASSERT_EQ(d.frames.size(), 3u);
  const cv::Mat& last = d.frames[2].pixels;
  EXPECT_EQ(last.at<cv::Vec4b>(1, 1), kRed);
  EXPECT_EQ(last.at<cv::Vec4b>(2, 2), kRed);
  EXPECT_EQ(last.at<cv::Vec4b>(0, 0), kBlue);
}

TEST(GifDecoder, AFrameWhollyOffTheScreenIsDecodedAndDisposedWithoutEffect) {
  // Found by mutating an animation: disposal 3 of an empty rectangle once threw from OpenCV.
  for (int disposal = 0; disposal < 4; ++disposal) {
    GifSpec spec{
        4,
        4,
        kColours,
        {frame(filled(4, 4, 0)), frame(filled(2, 2, 1), 100, 100, disposal), frame(filled(1, 1, 2), 0, 0)}};
    const DecodedPixels d = decode_gif(test::make_gif(spec), true);
    ASSERT_EQ(d.frames.size(), 3u) << disposal;
    EXPECT_EQ(d.frames[2].pixels.at<cv::Vec4b>(0, 0), kBlue) << disposal;
    EXPECT_EQ(d.frames[2].pixels.at<cv::Vec4b>(3, 3), kRed) << disposal;
  }
}

TEST(GifDecoder, PixelLimitCoversTheScreenAndEveryFrame) {
  const auto gif = three_frame_gif(1, 1);
  EXPECT_EQ(gif_error_of(gif, false, 15),
            "declares 4x4 pixels (16 pixels), over the limit of 15 pixels (--max-pixels)");
  // A frame declaring more than the screen: refused by its own rectangle.
  GifSpec spec{2, 2, kColours, {frame(filled(2, 2, 0)), frame(filled(40, 40, 1))}};
  EXPECT_NE(gif_error_of(test::make_gif(spec), true, 1000).find("declares 40x40 pixels"), std::string::npos);
  EXPECT_EQ(gif_error_of(test::make_gif(spec), false, 1000), "");  // the first frame alone is within it
}

TEST(GifDecoder, FrameBudgetIsCheckedBeforeDecoding) {
  const auto gif = three_frame_gif(1, 1);  // 3 frames of 4x4 = 48 pixels
  EXPECT_EQ(gif_error_of(gif, true, 0, 47),
            "animation of 3 frames of 4x4 is 48 pixels in all, over the limit of 47 (--max-frame-pixels)");
  EXPECT_EQ(gif_error_of(gif, true, 0, 48), "");
  EXPECT_EQ(gif_error_of(gif, false, 0, 47), "");  // first frame only: no budget needed
}

TEST(GifDecoder, TruncationAtEveryLengthIsOneClearError) {
  cv::Mat indices(16, 16, CV_8UC1);
  cv::randu(indices, 0, 4);
  const auto gif = test::make_still_gif(indices, kColours, 3);
  ThumbnailOptions options;
  for (std::size_t n = 0; n + 1 < gif.size(); ++n) {
    const std::vector<std::uint8_t> cut(gif.begin(), gif.begin() + std::ptrdiff_t(n));
    try {
      decode_for_thumbnail(cut, options);
      ADD_FAILURE() << "no error at " << n << " of " << gif.size() << " bytes";
    } catch (const DecodeError& e) {
      const std::string what = e.what();
      EXPECT_FALSE(what.empty());
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  // Only the trailer missing: every pixel is there, the frame is kept.
  const std::vector<std::uint8_t> no_trailer(gif.begin(), gif.end() - 1);
  EXPECT_EQ(decode_for_thumbnail(no_trailer, options).pixels.size(), cv::Size(16, 16));
}

TEST(GifDecoder, AnimationCutBetweenFramesKeepsTheFramesWithAWarning) {
  auto gif = three_frame_gif(1, 1);
  gif.pop_back();  // the trailer
  const DecodedPixels d = decode_gif(gif, true);
  EXPECT_EQ(d.frames.size(), 3u);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "GIF ends without a trailer after 3 frames");
}

}  // namespace
}  // namespace thumbflow::detail
