#include "image/jpeg_decoder.hpp"

#include <gtest/gtest.h>
#include <jpeglib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

#include "image/decode_error.hpp"
#include "jpeg_maker.hpp"

namespace thumbflow::detail {
namespace {

using Buffer = std::vector<std::uint8_t>;
using test::encode_jpeg;
using test::JpegSpec;
using test::many_scans;
using test::scan;

// Smooth gradients plus hard-edged shapes, thin lines and text: both the low and the high
// frequencies a photograph has.
cv::Mat synthetic(int width, int height) {
  cv::Mat img(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      img.at<cv::Vec3b>(y, x) = {
          cv::saturate_cast<uchar>(x * 255 / width), cv::saturate_cast<uchar>(y * 255 / height),
          cv::saturate_cast<uchar>(128 + 90 * std::sin(x * 0.03) * std::cos(y * 0.02))};
  cv::circle(img, {width / 3, height / 2}, height / 4, {30, 200, 240}, cv::FILLED, cv::LINE_AA);
  cv::rectangle(img, {width / 2, height / 5}, {width * 4 / 5, height / 2}, {250, 40, 60}, cv::FILLED);
  for (int i = 0; i < 12; ++i)
    cv::line(img, {i * width / 12, 0}, {width - i * width / 12, height}, {20, 20, 20}, 1 + i % 3,
             cv::LINE_AA);
  cv::putText(img, "thumbflow", {width / 10, height * 4 / 5}, cv::FONT_HERSHEY_SIMPLEX, height / 150.0,
              {255, 255, 255}, 3, cv::LINE_AA);
  return img;
}

double jpeg_luma_psnr(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat ga = a, gb = b;
  if (a.channels() == 3) cv::cvtColor(a, ga, cv::COLOR_BGR2GRAY);
  if (b.channels() == 3) cv::cvtColor(b, gb, cv::COLOR_BGR2GRAY);
  return cv::PSNR(ga, gb);
}

cv::Mat jpeg_area_resize(const cv::Mat& img, cv::Size size) {
  cv::Mat out;
  cv::resize(img, out, size, 0, 0, cv::INTER_AREA);
  return out;
}

// Luma PSNR of a 1/denom decode against `reference` (full size) area-averaged by exactly denom.
// Only whole blocks are compared: a partial last block column/row of the shrunk image stands for
// fewer pixels, and resizing the reference to the rounded-up size instead would shift every
// averaging window against the blocks (25-30 dB on detailed pictures, whatever the decoder).
double block_aligned_psnr(const cv::Mat& shrunk, const cv::Mat& reference, int denom) {
  const cv::Size whole(reference.cols / denom, reference.rows / denom);
  const cv::Mat ref =
      jpeg_area_resize(reference(cv::Rect(0, 0, whole.width * denom, whole.height * denom)), whole);
  return jpeg_luma_psnr(shrunk(cv::Rect(cv::Point(0, 0), whole)), ref);
}

// The quality bar: the shrunk decode against a full decode area-averaged to its scale.
double psnr_against_full_decode(const Buffer& jpeg, Dimensions min_size) {
  const cv::Mat full = decode_jpeg(jpeg, {0, 0});
  const int denom = jpeg_scale_denom({full.cols, full.rows}, min_size);
  return block_aligned_psnr(decode_jpeg(jpeg, min_size), full, denom);
}

Buffer jpegdec_read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(JpegScaleDenom, PicksLargestReductionThatStaysAtLeastMinSize) {
  const Dimensions stored{1001, 800};
  EXPECT_EQ(jpeg_scale_denom(stored, {0, 0}), 1);
  EXPECT_EQ(jpeg_scale_denom(stored, {126, 100}), 8);  // ceil(1001 / 8) = 126
  EXPECT_EQ(jpeg_scale_denom(stored, {127, 100}), 4);
  EXPECT_EQ(jpeg_scale_denom(stored, {0, 101}), 4);  // a zero side is unconstrained
  EXPECT_EQ(jpeg_scale_denom(stored, {501, 0}), 2);
  EXPECT_EQ(jpeg_scale_denom(stored, {502, 1}), 1);
  EXPECT_EQ(jpeg_scale_denom(stored, {5000, 5000}), 1);
  EXPECT_EQ(jpeg_scale_denom({7, 5}, {1, 1}), 8);
}

TEST(JpegScaleEighths, ProgressiveFilesTakeEveryEighthBaselineOnlyPowersOfTwo) {
  const Dimensions stored{1001, 800};
  EXPECT_EQ(jpeg_scale_eighths(stored, {0, 0}, true), 8);
  EXPECT_EQ(jpeg_scale_eighths(stored, {126, 100}, true), 1);  // ceil(1001 / 8) = 126
  EXPECT_EQ(jpeg_scale_eighths(stored, {127, 100}, true), 2);
  EXPECT_EQ(jpeg_scale_eighths(stored, {376, 0}, true), 3);  // ceil(1001 * 3 / 8) = 376
  EXPECT_EQ(jpeg_scale_eighths(stored, {377, 0}, true), 4);
  EXPECT_EQ(jpeg_scale_eighths(stored, {0, 401}, true), 5);  // a zero side is unconstrained
  EXPECT_EQ(jpeg_scale_eighths(stored, {876, 700}, true), 7);
  EXPECT_EQ(jpeg_scale_eighths(stored, {877, 700}, true), 8);
  EXPECT_EQ(jpeg_scale_eighths(stored, {377, 0}, false), 4);
  EXPECT_EQ(jpeg_scale_eighths(stored, {376, 0}, false), 4) << "baseline: no 3/8";
  EXPECT_EQ(jpeg_scale_eighths(stored, {0, 401}, false), 8) << "baseline: no 5/8";
  EXPECT_EQ(jpeg_scale_eighths(stored, {126, 100}, false), 1);
}

TEST(JpegDecoder, DecodesEveryScaleWithExpectedSizeAndContent) {
  const cv::Mat original = synthetic(803, 597);
  for (bool subsample : {true, false}) {
    JpegSpec spec;
    spec.subsample = subsample;
    const Buffer jpeg = encode_jpeg(original, spec);
    for (int denom : {1, 2, 4, 8}) {
      const Dimensions min_size{(803 + denom - 1) / denom, (597 + denom - 1) / denom};
      const cv::Mat img = decode_jpeg(jpeg, min_size);
      ASSERT_EQ(img.type(), CV_8UC3);
      EXPECT_EQ(img.cols, min_size.width) << "denom " << denom;
      EXPECT_EQ(img.rows, min_size.height) << "denom " << denom;
      EXPECT_GT(block_aligned_psnr(img, original, denom), 30.0) << "denom " << denom;
    }
  }
}

TEST(JpegDecoder, FullDecodeIsCloseToTheOriginal) {
  const cv::Mat original = synthetic(320, 240);
  const cv::Mat img = decode_jpeg(encode_jpeg(original), {0, 0});
  ASSERT_EQ(img.size(), original.size());
  cv::Mat diff;
  cv::absdiff(img, original, diff);
  const cv::Scalar per_channel = cv::mean(diff);  // each channel: catches a BGR/RGB swap
  for (int ch = 0; ch < 3; ++ch) EXPECT_LT(per_channel[ch], 8.0) << "channel " << ch;
  EXPECT_GT(jpeg_luma_psnr(img, original), 35.0);
}

TEST(JpegDecoder, GrayStaysOneChannel) {
  cv::Mat gray;
  cv::cvtColor(synthetic(200, 120), gray, cv::COLOR_BGR2GRAY);
  const Buffer jpeg = encode_jpeg(gray);
  for (Dimensions box : {Dimensions{0, 0}, Dimensions{25, 15}}) {
    const cv::Mat img = decode_jpeg(jpeg, box);
    EXPECT_EQ(img.type(), CV_8UC1);
    EXPECT_GT(jpeg_luma_psnr(img, jpeg_area_resize(gray, img.size())), 30.0);
  }
  EXPECT_EQ(read_jpeg_info(jpeg).components, 1);
}

TEST(JpegDecoder, ReadsHeaderInfo) {
  const cv::Mat img = synthetic(123, 45);
  JpegSpec progressive;
  progressive.progressive = true;
  const JpegInfo base = read_jpeg_info(encode_jpeg(img));
  EXPECT_EQ(base.size, (Dimensions{123, 45}));
  EXPECT_EQ(base.components, 3);
  EXPECT_FALSE(base.progressive);
  EXPECT_TRUE(read_jpeg_info(encode_jpeg(img, progressive)).progressive);
  EXPECT_EQ(read_jpeg_info(encode_jpeg(cv::Mat(8, 8, CV_8UC4, cv::Scalar::all(9)))).components, 4);
}

TEST(JpegDecoder, TruncatedFileIsAnErrorAtEveryScale) {
  const Buffer jpeg = encode_jpeg(synthetic(400, 300));
  const Buffer cut(jpeg.begin(), jpeg.begin() + static_cast<long>(jpeg.size() * 6 / 10));
  for (Dimensions box : {Dimensions{0, 0}, Dimensions{50, 38}, Dimensions{200, 150}}) {
    try {
      decode_jpeg(cut, box);
      FAIL() << "no error";
    } catch (const DecodeError& e) {
      EXPECT_EQ(std::string(e.what()), "truncated or corrupt JPEG: premature end of JPEG file");
    }
  }
  EXPECT_THROW(read_jpeg_info(Buffer(jpeg.begin(), jpeg.begin() + 100)), DecodeError);
}

// Cameras and interrupted copies leave files whose data is whole but whose end-of-image marker
// is missing: they decode as the whole file does (the pipeline keeps libjpeg's note as a warning).
TEST(JpegDecoder, AMissingEndMarkerAloneIsNoError) {
  const Buffer jpeg = encode_jpeg(synthetic(400, 300));
  ASSERT_EQ(jpeg[jpeg.size() - 2], 0xFF);
  ASSERT_EQ(jpeg[jpeg.size() - 1], 0xD9);
  for (const std::size_t cut : {std::size_t{1}, std::size_t{2}}) {
    const Buffer no_eoi(jpeg.begin(), jpeg.end() - static_cast<long>(cut));
    for (Dimensions box : {Dimensions{0, 0}, Dimensions{50, 38}, Dimensions{100, 75}, Dimensions{200, 150}}) {
      const cv::Mat whole = decode_jpeg(jpeg, box);
      const cv::Mat mine = decode_jpeg(no_eoi, box);
      ASSERT_EQ(mine.size(), whole.size()) << cut << " " << box.width;
      EXPECT_EQ(cv::norm(mine, whole, cv::NORM_INF), 0) << cut << " " << box.width;
    }
  }
  // One byte of the scan's data missing as well is still an error.
  const Buffer short_scan(jpeg.begin(), jpeg.end() - 3);
  EXPECT_THROW(decode_jpeg(short_scan, {0, 0}), DecodeError);
  // The note is for the caller of this decode only.
  EXPECT_FALSE(take_jpeg_notes().empty()) << "the last decode above took a file without EOI";
  decode_jpeg(jpeg, {0, 0});
  EXPECT_TRUE(take_jpeg_notes().empty());
  // Arithmetic coding takes zeros after the end of the data without a second warning: a cut
  // anywhere in its scan must stay an error, the end marker alone too.
  JpegSpec arithmetic;
  arithmetic.arithmetic = true;
  const Buffer arith = encode_jpeg(synthetic(400, 300), arithmetic);
  ASSERT_NO_THROW(decode_jpeg(arith, {0, 0}));
  for (const std::size_t cut : {std::size_t{2}, arith.size() / 2})
    EXPECT_THROW(decode_jpeg(Buffer(arith.begin(), arith.end() - static_cast<long>(cut)), {0, 0}),
                 DecodeError)
        << cut;
}

// A progressive file decoded at a small scale reads only its first scans. Cut inside the later
// ones (an interrupted download or copy), it gives the whole file's thumbnail, and the cut is
// noted for the item's warnings: the picture itself is damaged. Data after the end marker is not.
TEST(JpegDecoder, AProgressiveFileCutInScansTheBoxDoesNotNeedIsNoted) {
  JpegSpec spec;
  spec.progressive = true;
  const Buffer jpeg = encode_jpeg(synthetic(400, 300), spec);
  const Dimensions box{50, 38};
  take_jpeg_notes();
  const cv::Mat whole = decode_jpeg(jpeg, box);
  EXPECT_TRUE(take_jpeg_notes().empty());
  Buffer trailing = jpeg;
  trailing.insert(trailing.end(), {0x00, 0xFF, 0x12, 0x34, 0xFF});
  decode_jpeg(trailing, box);
  EXPECT_TRUE(take_jpeg_notes().empty()) << "bytes after the end marker";
  for (const std::size_t cut : {std::size_t{2}, jpeg.size() / 10, jpeg.size() / 4}) {
    const Buffer shorter(jpeg.begin(), jpeg.end() - static_cast<long>(cut));
    const cv::Mat mine = decode_jpeg(shorter, box);
    ASSERT_EQ(mine.size(), whole.size()) << cut;
    EXPECT_EQ(cv::norm(mine, whole, cv::NORM_INF), 0) << cut;
    const std::vector<std::string> notes = take_jpeg_notes();
    ASSERT_EQ(notes.size(), 1u) << cut;
    EXPECT_EQ(
        notes[0],
        "the file is cut short: its last progressive scans are missing (the thumbnail did not need them)");
    EXPECT_THROW(decode_jpeg(shorter, {0, 0}), DecodeError) << "a full decode needs every scan";
  }
}

TEST(JpegDecoder, MarkerInsideEntropyDataIsAnError) {
  Buffer jpeg = encode_jpeg(synthetic(400, 300));
  const auto middle = static_cast<long>(jpeg.size() / 2);
  jpeg.insert(jpeg.begin() + middle, {0xFF, 0xD5});  // RST5, but the file has no restart interval
  EXPECT_THROW(decode_jpeg(jpeg, {0, 0}), DecodeError);
}

TEST(JpegDecoder, GarbageIsAnError) {
  std::mt19937 rng(7);
  Buffer random(5000);
  for (auto& b : random) b = static_cast<std::uint8_t>(rng());
  Buffer fake = random;
  fake[0] = 0xFF, fake[1] = 0xD8, fake[2] = 0xFF;
  for (const Buffer& bad : {Buffer{}, Buffer{0xFF, 0xD8}, random, fake}) {
    EXPECT_THROW(decode_jpeg(bad, {0, 0}), DecodeError);
    EXPECT_THROW(read_jpeg_info(bad), DecodeError);
  }
}

TEST(JpegDecoder, PixelLimitIsCheckedBeforeDecoding) {
  const Buffer jpeg = encode_jpeg(synthetic(300, 200));
  EXPECT_NO_THROW(decode_jpeg(jpeg, {0, 0}, 60'000));
  try {
    decode_jpeg(jpeg, {0, 0}, 59'999);
    FAIL() << "no error";
  } catch (const DecodeError& e) {
    EXPECT_EQ(std::string(e.what()),
              "declares 300x200 pixels (60000 pixels), over the limit of 59999 pixels (--max-pixels)");
  }
}

// Left half pure red, right half pure blue, as ink percentages C, M, Y, K.
cv::Mat red_blue_cmyk(bool inverted) {
  cv::Mat cmyk(32, 64, CV_8UC4);
  cmyk(cv::Rect(0, 0, 32, 32)).setTo(cv::Scalar(0, 255, 255, 0));
  cmyk(cv::Rect(32, 0, 32, 32)).setTo(cv::Scalar(255, 255, 0, 0));
  if (inverted) cmyk = cv::Scalar::all(255) - cmyk;
  return cmyk;
}

TEST(JpegDecoder, CmykAndYcckBecomeBgrWithTheRightColours) {
  struct Case {
    J_COLOR_SPACE space;
    bool adobe;
  };
  for (const Case& c : {Case{JCS_CMYK, true}, Case{JCS_CMYK, false}, Case{JCS_YCCK, true}}) {
    JpegSpec spec;
    spec.four_channel_as = c.space, spec.adobe_marker = c.adobe, spec.subsample = false;
    const Buffer jpeg = encode_jpeg(red_blue_cmyk(c.adobe), spec);  // Adobe files store inverted
    for (Dimensions box : {Dimensions{0, 0}, Dimensions{8, 4}}) {
      const cv::Mat img = decode_jpeg(jpeg, box);
      ASSERT_EQ(img.type(), CV_8UC3);
      const cv::Scalar red = cv::mean(img(cv::Rect(0, 0, img.cols / 4, img.rows)));
      const cv::Scalar blue = cv::mean(img(cv::Rect(img.cols * 3 / 4, 0, img.cols / 4, img.rows)));
      EXPECT_LT(cv::norm(red - cv::Scalar(0, 0, 255)), 12.0) << c.space << " adobe " << c.adobe << " " << red;
      EXPECT_LT(cv::norm(blue - cv::Scalar(255, 0, 0)), 12.0)
          << c.space << " adobe " << c.adobe << " " << blue;
    }
  }
}

TEST(JpegDecoder, ProgressiveDcOnlyDecodeMatchesFullDecode) {
  JpegSpec spec;
  spec.progressive = true;
  for (bool subsample : {true, false}) {
    spec.subsample = subsample;
    // Sides that are multiples of 8: the plain comparison (full decode resized to the same size)
    // lines up with the blocks.
    const Buffer aligned = encode_jpeg(synthetic(1600, 1200), spec);
    const cv::Mat fast = decode_jpeg(aligned, {150, 100});
    ASSERT_EQ(fast.size(), cv::Size(200, 150));
    EXPECT_GE(jpeg_luma_psnr(fast, jpeg_area_resize(decode_jpeg(aligned, {0, 0}), fast.size())), 38.0)
        << subsample;
    // Other sides: partial edge blocks.
    const Buffer odd = encode_jpeg(synthetic(1603, 1201), spec);
    EXPECT_EQ(decode_jpeg(odd, {150, 100}).size(), cv::Size(201, 151));
    EXPECT_GE(psnr_against_full_decode(odd, {150, 100}), 38.0) << "subsample " << subsample;
  }
}

TEST(JpegDecoder, DcOnlyDecodeDoesNotReadTheAcScans) {
  JpegSpec spec;
  spec.progressive = true;
  const Buffer jpeg = encode_jpeg(synthetic(800, 600), spec);
  // Standard progression: the first scan (DC, all components) is about a tenth of the file.
  const Buffer cut(jpeg.begin(), jpeg.begin() + static_cast<long>(jpeg.size() * 6 / 10));
  EXPECT_EQ(decode_jpeg(cut, {100, 75}).size(), cv::Size(100, 75));
  EXPECT_THROW(decode_jpeg(cut, {401, 75}), DecodeError);  // 1/4 and 1/2 need less: the next test
  const Buffer too_short(jpeg.begin(), jpeg.begin() + 1000);
  EXPECT_THROW(decode_jpeg(too_short, {100, 75}), DecodeError);
}

// Where each scan starts in a JPEG: the offset of its SOS marker and of its entropy-coded data.
struct ScanOffsets {
  std::size_t marker, data;
};

std::vector<ScanOffsets> scan_offsets(const Buffer& jpeg) {
  std::vector<ScanOffsets> scans;
  std::size_t i = 2;  // after SOI
  while (i + 4 <= jpeg.size() && jpeg[i] == 0xFF) {
    const int marker = jpeg[i + 1];
    if (marker == 0xD9) break;  // EOI
    const std::size_t length = std::size_t(jpeg[i + 2]) << 8 | jpeg[i + 3];
    const std::size_t next = i + 2 + length;
    if (marker != 0xDA) {
      i = next;
      continue;
    }
    scans.push_back({i, next});
    // Entropy data runs to the next marker that is neither a stuffed 0xFF00 nor a restart (RSTn).
    for (i = next; i + 1 < jpeg.size(); ++i)
      if (jpeg[i] == 0xFF && jpeg[i + 1] != 0x00 && (jpeg[i + 1] < 0xD0 || jpeg[i + 1] > 0xD7)) break;
  }
  return scans;
}

Buffer prefix(const Buffer& jpeg, std::size_t size) { return {jpeg.begin(), jpeg.begin() + long(size)}; }

TEST(JpegDecoder, ProgressiveHalfAndQuarterDecodesMatchFullDecode) {
  JpegSpec spec;
  spec.progressive = true;
  for (bool subsample : {true, false}) {
    spec.subsample = subsample;
    const Buffer aligned = encode_jpeg(synthetic(1600, 1200), spec);
    const cv::Mat full = decode_jpeg(aligned, {0, 0});
    for (const Dimensions min_size : {Dimensions{300, 200}, Dimensions{700, 500}}) {
      const cv::Mat fast = decode_jpeg(aligned, min_size);
      ASSERT_EQ(fast.cols, 1600 / jpeg_scale_denom({1600, 1200}, min_size));
      // At the decoded scale, and at a thumbnail size (what a user sees).
      EXPECT_GE(jpeg_luma_psnr(fast, jpeg_area_resize(full, fast.size())), 38.0)
          << subsample << " " << fast.cols;
      EXPECT_GE(jpeg_luma_psnr(jpeg_area_resize(fast, {128, 96}), jpeg_area_resize(full, {128, 96})), 38.0);
    }
    const Buffer odd = encode_jpeg(synthetic(1603, 1201), spec);
    EXPECT_EQ(decode_jpeg(odd, {700, 500}).size(), cv::Size(802, 601));
    EXPECT_GE(psnr_against_full_decode(odd, {700, 500}), 38.0) << "subsample " << subsample;
    EXPECT_GE(psnr_against_full_decode(odd, {300, 200}), 38.0) << "subsample " << subsample;
  }
}

// libjpeg's standard script (10 scans): 1 DC; 2 Y AC 1-5; 3, 4 Cr, Cb AC; 5 Y AC 6-63 (AC at 2
// bits less, DC 1); 6 Y AC refinement to 1 bit less; then the last bits: DC, Cr, Cb, Y. At 1/4 only
// scans 1-4 are needed, at 1/2 scans 1-6: a file cut right after the next scan's header still
// decodes (and equals the full decode within the bar), while larger scales of it fail.
TEST(JpegDecoder, ScaledDecodesReadOnlyTheScansTheyNeed) {
  JpegSpec spec;
  spec.progressive = true;
  const Buffer jpeg = encode_jpeg(synthetic(800, 600), spec);
  const std::vector<ScanOffsets> scans = scan_offsets(jpeg);
  ASSERT_EQ(scans.size(), 10u);
  const cv::Mat full = decode_jpeg(jpeg, {0, 0});
  const Buffer quarter_only = prefix(jpeg, scans[4].data), half_only = prefix(jpeg, scans[6].data);
  EXPECT_GT(jpeg.size() - quarter_only.size(), jpeg.size() / 2) << "the skipped scans are a fair share";
  EXPECT_GT(jpeg.size() - half_only.size(), jpeg.size() / 5);
  const cv::Mat quarter = decode_jpeg(quarter_only, {200, 150});
  ASSERT_EQ(quarter.size(), cv::Size(200, 150));
  EXPECT_GE(jpeg_luma_psnr(quarter, jpeg_area_resize(full, quarter.size())), 38.0);
  const cv::Mat half = decode_jpeg(half_only, {400, 300});
  ASSERT_EQ(half.size(), cv::Size(400, 300));
  EXPECT_GE(jpeg_luma_psnr(half, jpeg_area_resize(full, half.size())), 38.0);
  EXPECT_THROW(decode_jpeg(quarter_only, {400, 300}), DecodeError);
  // Between 1/2 and full, M/8: 5/8 needs the 5x5 lowest frequencies, which the six scans hold at
  // one bit less; only the full size (8/8) needs every scan.
  const cv::Mat five_eighths = decode_jpeg(half_only, {401, 300});
  ASSERT_EQ(five_eighths.size(), cv::Size(500, 375));
  EXPECT_GE(jpeg_luma_psnr(five_eighths, jpeg_area_resize(full, five_eighths.size())), 38.0);
  EXPECT_EQ(decode_jpeg(half_only, {700, 525}).size(), cv::Size(700, 525));  // 7/8
  EXPECT_THROW(decode_jpeg(half_only, {701, 526}), DecodeError);
  const Buffer inside_fourth = prefix(jpeg, (scans[3].data + scans[4].marker) / 2);
  EXPECT_THROW(decode_jpeg(inside_fourth, {200, 150}), DecodeError);
  EXPECT_EQ(decode_jpeg(inside_fourth, {100, 75}).size(), cv::Size(100, 75));  // 1/8: DC only
}

TEST(JpegDecoder, DcOnlyDecodeHandlesUnusualProgressions) {
  const cv::Mat img = synthetic(640, 480);
  // Chroma DC after luma AC: the decoder reads on until every component's DC is in.
  JpegSpec late_chroma;
  late_chroma.scans = {scan(0, 0, 0, 0, 0), scan(0, 1, 63, 0, 0), scan(1, 0, 0, 0, 0),
                       scan(2, 0, 0, 0, 0), scan(1, 1, 63, 0, 0), scan(2, 1, 63, 0, 0)};
  // DC sent with 5 bits dropped and refined only after all AC: read on until the refinements.
  JpegSpec coarse_dc;
  coarse_dc.scans = {
      {3, {0, 1, 2}, 0, 0, 0, 5}, scan(0, 1, 63, 0, 0), scan(1, 1, 63, 0, 0), scan(2, 1, 63, 0, 0)};
  for (int ah = 5; ah > 0; --ah) coarse_dc.scans.push_back({3, {0, 1, 2}, 0, 0, ah, ah - 1});
  for (const JpegSpec& spec : {late_chroma, coarse_dc}) {
    const Buffer jpeg = encode_jpeg(img, spec);
    ASSERT_TRUE(read_jpeg_info(jpeg).progressive);
    for (const Dimensions min_size : {Dimensions{80, 60}, Dimensions{160, 120}, Dimensions{320, 240}})
      EXPECT_GE(psnr_against_full_decode(jpeg, min_size), 38.0) << min_size.width;
  }
}

TEST(JpegDecoder, TooManyScansIsAnError) {
  const cv::Mat img = synthetic(48, 40);
  JpegSpec dc_first, dc_last;
  dc_first.scans = many_scans({0, 1}, true);
  dc_last.scans = many_scans({0, 1}, false);
  ASSERT_GT(dc_first.scans.size(), 1000u);
  const Buffer early = encode_jpeg(img, dc_first), late = encode_jpeg(img, dc_last);
  for (const Buffer* jpeg : {&early, &late}) {
    try {
      decode_jpeg(*jpeg, {0, 0});
      FAIL() << "no error";
    } catch (const DecodeError& e) {
      EXPECT_EQ(std::string(e.what()), "too many scans (over 1000)");
    }
  }
  EXPECT_EQ(decode_jpeg(early, {6, 5}).size(), cv::Size(6, 5));  // DC-only stops at scan 4
  EXPECT_THROW(decode_jpeg(late, {6, 5}), DecodeError);
  // Under the cap (693 + a few scans) the same construction decodes.
  JpegSpec fewer;
  fewer.scans = many_scans({0}, true);
  EXPECT_GE(jpeg_luma_psnr(decode_jpeg(encode_jpeg(img, fewer), {0, 0}), img), 30.0);
}

TEST(JpegDecoder, SampleImagesShrinkWithinQualityBar) {
  const std::filesystem::path dir = THUMBFLOW_DATA_DIR;
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".jpg") continue;
    const Buffer jpeg = jpegdec_read_file(entry.path());
    const JpegInfo info = read_jpeg_info(jpeg);
    for (int denom : {2, 4, 8}) {
      const Dimensions min_size{(info.size.width + denom - 1) / denom,
                                (info.size.height + denom - 1) / denom};
      EXPECT_GE(psnr_against_full_decode(jpeg, min_size), 38.0) << entry.path() << " 1/" << denom;
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(JpegDecoder, SampleCmykFileLooksLikeItsRgbOriginal) {
  const std::filesystem::path dir = THUMBFLOW_DATA_DIR;
  if (!std::filesystem::exists(dir / "fruits_cmyk.jpg") || !std::filesystem::exists(dir / "fruits.jpg"))
    GTEST_SKIP() << "sample files missing";
  const cv::Mat cmyk = decode_jpeg(jpegdec_read_file(dir / "fruits_cmyk.jpg"), {0, 0});
  const cv::Mat rgb = decode_jpeg(jpegdec_read_file(dir / "fruits.jpg"), {0, 0});
  ASSERT_EQ(cmyk.size(), rgb.size());
  // ImageMagick's naive RGB->CMYK is exactly invertible, so the colours should come back.
  EXPECT_GT(cv::PSNR(cmyk, rgb), 30.0);
}

}  // namespace
}  // namespace thumbflow::detail
