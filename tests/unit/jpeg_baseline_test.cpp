// The DC-only 1/8 decoder for baseline JPEGs against libjpeg-turbo's own 1/8 decode: the same
// pixels (within one grey level) on every layout it takes, libjpeg's verdict (nullopt) on every
// layout it does not, and the same outcome, error message included, on corrupt files.
#include "image/jpeg_baseline.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "image/decode_error.hpp"
#include "image/jpeg_decoder.hpp"
#include "jpeg_maker.hpp"

namespace thumbflow::detail {
namespace {

using Buffer = std::vector<std::uint8_t>;
using test::encode_jpeg;
using test::JpegSpec;

constexpr Dimensions kEighth{1, 1};  // any box this small makes the decoders pick 1/8

// Gradients, a disc, lines and noise: smooth areas, edges and busy blocks (large AC values).
cv::Mat baseline_picture(int width, int height, int channels = 3) {
  cv::Mat img(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      img.at<cv::Vec3b>(y, x) = {cv::saturate_cast<uchar>(x * 255 / std::max(1, width)),
                                 cv::saturate_cast<uchar>(y * 255 / std::max(1, height)),
                                 cv::saturate_cast<uchar>(128 + 100 * std::sin(x * 0.05 + y * 0.03))};
  cv::circle(img, {width / 3, height / 2}, std::max(1, height / 4), {30, 200, 240}, cv::FILLED);
  for (int i = 0; i < 8; ++i)
    cv::line(img, {i * width / 8, 0}, {width - i * width / 8, height}, {10, 10, 10}, 2);
  cv::Mat noise(img.size(), img.type());
  cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(40));
  img += noise;
  if (channels == 1) cv::cvtColor(img, img, cv::COLOR_BGR2GRAY);
  return img;
}

Buffer jpeg_read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

int baseline_max_difference(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  double most = 0;
  cv::minMaxLoc(diff.reshape(1), nullptr, &most);
  return int(most);
}

// Decoded here, the same size and type as libjpeg's 1/8 decode, every sample within 1.
void expect_like_libjpeg(const Buffer& jpeg, const std::string& what) {
  const std::optional<cv::Mat> mine = decode_baseline_eighth(jpeg, kEighth, 0);
  ASSERT_TRUE(mine.has_value()) << what << ": left to libjpeg";
  const cv::Mat reference = decode_jpeg_libjpeg(jpeg, kEighth, 0);
  ASSERT_EQ(mine->size(), reference.size()) << what;
  ASSERT_EQ(mine->type(), reference.type()) << what;
  EXPECT_LE(baseline_max_difference(*mine, reference), 1) << what;
}

TEST(JpegBaseline, MatchesLibjpegOnEveryBaselineSample) {
  int decoded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(THUMBFLOW_DATA_DIR)) {
    if (entry.path().extension() != ".jpg") continue;
    const Buffer jpeg = jpeg_read_file(entry.path());
    const JpegInfo info = read_jpeg_info(jpeg);
    if (info.progressive || info.components == 4) {
      EXPECT_FALSE(decode_baseline_eighth(jpeg, kEighth, 0).has_value()) << entry.path();
      continue;
    }
    expect_like_libjpeg(jpeg, entry.path().filename().string());
    ++decoded;
  }
  EXPECT_GE(decoded, 10);  // 4:2:0, 4:4:4 and gray among them
}

TEST(JpegBaseline, MatchesLibjpegOnEverySamplingAndOddSizes) {
  const std::pair<int, int> samplings[] = {{2, 2}, {2, 1}, {1, 2}, {1, 1}};
  const Dimensions sizes[] = {{1, 1}, {7, 9}, {16, 16}, {17, 33}, {250, 1}, {203, 157}};
  for (const auto& [h, v] : samplings)
    for (const Dimensions size : sizes)
      for (const int quality : {50, 95}) {
        JpegSpec spec;
        spec.luma_h = h, spec.luma_v = v, spec.quality = quality;
        expect_like_libjpeg(encode_jpeg(baseline_picture(size.width, size.height), spec),
                            std::to_string(h) + "x" + std::to_string(v) + " " + std::to_string(size.width) +
                                "x" + std::to_string(size.height) + " q" + std::to_string(quality));
      }
}

TEST(JpegBaseline, MatchesLibjpegOnGrayAndRestartIntervals) {
  for (const Dimensions size : {Dimensions{1, 1}, Dimensions{99, 41}, Dimensions{640, 480}})
    expect_like_libjpeg(encode_jpeg(baseline_picture(size.width, size.height, 1)), "gray");
  for (const int interval : {1, 2, 7, 100}) {
    JpegSpec spec;
    spec.restart_interval = interval;
    expect_like_libjpeg(encode_jpeg(baseline_picture(300, 200), spec), "restart " + std::to_string(interval));
    expect_like_libjpeg(encode_jpeg(baseline_picture(300, 200, 1), spec),
                        "gray restart " + std::to_string(interval));
  }
}

TEST(JpegBaseline, LeavesOtherLayoutsAndScalesToLibjpeg) {
  const cv::Mat img = baseline_picture(160, 120);
  JpegSpec progressive, rgb, wide, tall;
  progressive.progressive = true;
  rgb.three_channel_as = JCS_RGB;  // an Adobe marker with transform 0
  wide.luma_h = 4, wide.luma_v = 1;
  tall.luma_h = 1, tall.luma_v = 4;
  for (const JpegSpec& spec : {progressive, rgb, wide, tall})
    EXPECT_FALSE(decode_baseline_eighth(encode_jpeg(img, spec), kEighth, 0).has_value());
  EXPECT_FALSE(decode_baseline_eighth(encode_jpeg(cv::Mat(16, 16, CV_8UC4, cv::Scalar::all(9))), kEighth, 0));
  const Buffer jpeg = encode_jpeg(img);
  EXPECT_FALSE(decode_baseline_eighth(jpeg, {0, 0}, 0).has_value());   // full size
  EXPECT_FALSE(decode_baseline_eighth(jpeg, {21, 1}, 0).has_value());  // needs 1/4
  // The pixel limit is on what the 1/8 decode holds (20x15), not on the stored 160x120.
  EXPECT_FALSE(decode_baseline_eighth(jpeg, kEighth, 20 * 15 - 1).has_value());  // over the pixel limit
  EXPECT_TRUE(decode_baseline_eighth(jpeg, {20, 15}, 20 * 15).has_value());
  EXPECT_TRUE(decode_baseline_eighth(jpeg, {20, 15}, 160 * 120 - 1).has_value());
  EXPECT_THROW(decode_jpeg(jpeg, kEighth, 100), DecodeError);
}

// What a decode at 1/8 gives: the pixels, or the error message.
struct Outcome {
  std::optional<cv::Mat> pixels;
  std::string error;
};

template <class Decode>
Outcome outcome_of(Decode decode) {
  try {
    return {decode(), {}};
  } catch (const DecodeError& e) {
    return {std::nullopt, e.what()};
  }
}

// decode_jpeg (which tries the DC-only decoder first, then the 1/4 one) against libjpeg alone:
// the same error, or both succeed with pictures of the same size, at 1/8 the same pixels.
void expect_same_outcome(const Buffer& jpeg, const std::string& what, Dimensions min_size = kEighth) {
  const Outcome mine = outcome_of([&] { return decode_jpeg(jpeg, min_size, 0); });
  const Outcome reference = outcome_of([&] { return decode_jpeg_libjpeg(jpeg, min_size, 0); });
  ASSERT_EQ(mine.error, reference.error) << what;
  if (mine.pixels) {
    ASSERT_EQ(mine.pixels->size(), reference.pixels->size()) << what;
    ASSERT_EQ(mine.pixels->type(), reference.pixels->type()) << what;
    if (min_size == kEighth) {
      EXPECT_LE(baseline_max_difference(*mine.pixels, *reference.pixels), 1) << what;
    }
  }
}

std::size_t scan_start(const Buffer& jpeg) {
  for (std::size_t i = 2; i + 1 < jpeg.size(); ++i)
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA) return i;
  return jpeg.size();
}

TEST(JpegBaseline, TruncatedFilesFailAsWithLibjpeg) {
  JpegSpec spec;
  spec.restart_interval = 3;
  for (const Dimensions scale : {kEighth, Dimensions{16, 1}})  // 1/8 and 1/4 of 120 x 90
    for (const Buffer& jpeg :
         {encode_jpeg(baseline_picture(120, 90)), encode_jpeg(baseline_picture(120, 90), spec)}) {
      const std::size_t sos = scan_start(jpeg);
      for (std::size_t cut = sos; cut < jpeg.size(); cut += 1 + (jpeg.size() - sos) / 97)
        expect_same_outcome(Buffer(jpeg.begin(), jpeg.begin() + std::ptrdiff_t(cut)),
                            "cut at " + std::to_string(cut), scale);
      expect_same_outcome(Buffer(jpeg.begin(), jpeg.end() - 1), "no EOI", scale);
      expect_same_outcome(Buffer(jpeg.begin(), jpeg.end() - 2), "no EOI", scale);
    }
  // One of these must be the usual one-line message.
  const Buffer jpeg = encode_jpeg(baseline_picture(120, 90));
  EXPECT_THROW(decode_jpeg(Buffer(jpeg.begin(), jpeg.begin() + std::ptrdiff_t(jpeg.size() / 2)), kEighth, 0),
               DecodeError);
}

TEST(JpegBaseline, CorruptDataFailsOrDecodesAsWithLibjpeg) {
  JpegSpec spec;
  spec.restart_interval = 2;
  std::mt19937 random(12345);
  for (const Buffer& original :
       {encode_jpeg(baseline_picture(96, 64)), encode_jpeg(baseline_picture(96, 64), spec),
        encode_jpeg(baseline_picture(96, 64, 1), spec)}) {
    const std::size_t sos = scan_start(original);
    for (int trial = 0; trial < 150; ++trial) {
      Buffer jpeg = original;
      const int changes = 1 + int(random() % 3);
      for (int i = 0; i < changes; ++i) {
        // Mostly the entropy data; sometimes the headers (tables, sizes, markers).
        const std::size_t from = random() % 4 == 0 ? 2 : sos;
        const std::size_t at = from + random() % (jpeg.size() - from);
        jpeg[at] = random() % 3 == 0 ? 0xFF : std::uint8_t(random());
      }
      expect_same_outcome(jpeg, "trial " + std::to_string(trial));
      expect_same_outcome(jpeg, "1/4, trial " + std::to_string(trial), {13, 1});  // 1/4 of 96 x 64
    }
    // Bytes between the scan and EOI, a wrong restart marker.
    Buffer padded = original;
    padded.insert(padded.end() - 2, {0x12, 0x34});
    expect_same_outcome(padded, "bytes before EOI");
    Buffer restart = original;
    for (std::size_t i = sos; i + 1 < restart.size(); ++i)
      if (restart[i] == 0xFF && restart[i + 1] == 0xD1) {
        restart[i + 1] = 0xD3;
        break;
      }
    expect_same_outcome(restart, "wrong restart marker");
  }
}

// The 1/4 decode's bar: a thumbnail made from it (area-reduced 2x further, the least the
// pipeline reduces a decode) against one made from a full decode (area-reduced 8x), PSNR of luma
// (`luma`) or of all three channels.
double quarter_thumbnail_psnr(const cv::Mat& quarter, const Buffer& jpeg, bool luma) {
  const cv::Mat full = decode_jpeg_libjpeg(jpeg, {0, 0}, 0);
  const cv::Size box((full.cols + 7) / 8, (full.rows + 7) / 8);
  cv::Mat mine, reference;
  cv::resize(quarter, mine, box, 0, 0, cv::INTER_AREA);
  cv::resize(full, reference, box, 0, 0, cv::INTER_AREA);
  if (luma && mine.channels() == 3) {
    cv::cvtColor(mine, mine, cv::COLOR_BGR2GRAY);
    cv::cvtColor(reference, reference, cv::COLOR_BGR2GRAY);
  }
  return cv::PSNR(mine, reference);
}

// Decoded at 1/4: libjpeg's 1/4 size and type, and thumbnails as close to those of a full decode
// as the ones made from libjpeg's own 1/4 decode (within 0.5 dB, luma and colour), or at least
// 44 dB from them (4:2:0 chroma at quality 95 keeps frequencies the 1/4 decode leaves out: 46.2
// dB against libjpeg's 47.7).
void expect_quarter_thumbnail(const Buffer& jpeg, const std::string& what) {
  const JpegInfo info = read_jpeg_info(jpeg);
  const Dimensions quarter_size{(info.size.width + 7) / 8 + 1, 1};  // more than 1/8 gives: 1/4
  const std::optional<cv::Mat> mine = decode_baseline_quarter(jpeg, quarter_size, 0);
  ASSERT_TRUE(mine.has_value()) << what << ": left to libjpeg";
  const cv::Mat reference = decode_jpeg_libjpeg(jpeg, quarter_size, 0);
  ASSERT_EQ(mine->size(), reference.size()) << what;
  ASSERT_EQ(mine->type(), reference.type()) << what;
  for (const bool luma : {true, false})
    EXPECT_GE(quarter_thumbnail_psnr(*mine, jpeg, luma),
              std::min(44.0, quarter_thumbnail_psnr(reference, jpeg, luma) - 0.5))
        << what << (luma ? " (luma)" : " (colour)");
}

TEST(JpegBaselineQuarter, ThumbnailsAsGoodAsFromLibjpegOnSamples) {
  int decoded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(THUMBFLOW_DATA_DIR)) {
    if (entry.path().extension() != ".jpg") continue;
    const Buffer jpeg = jpeg_read_file(entry.path());
    const JpegInfo info = read_jpeg_info(jpeg);
    if (info.progressive || info.components == 4 || info.size.width < 16) continue;
    expect_quarter_thumbnail(jpeg, entry.path().filename().string());
    ++decoded;
  }
  EXPECT_GE(decoded, 10);
}

TEST(JpegBaselineQuarter, EverySamplingGrayRestartsAndOddSizes) {
  const std::pair<int, int> samplings[] = {{2, 2}, {2, 1}, {1, 2}, {1, 1}};
  for (const auto& [h, v] : samplings)
    for (const Dimensions size : {Dimensions{17, 33}, Dimensions{203, 157}, Dimensions{640, 480}})
      for (const int quality : {50, 95}) {
        JpegSpec spec;
        spec.luma_h = h, spec.luma_v = v, spec.quality = quality;
        spec.restart_interval = quality == 50 ? 3 : 0;
        expect_quarter_thumbnail(encode_jpeg(baseline_picture(size.width, size.height), spec),
                                 std::to_string(h) + "x" + std::to_string(v) + " " +
                                     std::to_string(size.width) + "x" + std::to_string(size.height) + " q" +
                                     std::to_string(quality));
      }
  expect_quarter_thumbnail(encode_jpeg(baseline_picture(301, 199, 1)), "gray");
  // Smooth content has no frequencies beyond the first: libjpeg's pixels, within rounding.
  cv::Mat smooth(256, 384, CV_8UC3);
  for (int y = 0; y < smooth.rows; ++y)
    for (int x = 0; x < smooth.cols; ++x) smooth.at<cv::Vec3b>(y, x) = {uchar(x * 255 / 384), uchar(y), 90};
  const Buffer jpeg = encode_jpeg(smooth);
  const std::optional<cv::Mat> mine = decode_baseline_quarter(jpeg, {49, 1}, 0);
  ASSERT_TRUE(mine.has_value());
  EXPECT_LE(baseline_max_difference(*mine, decode_jpeg_libjpeg(jpeg, {49, 1}, 0)), 3);
  // Other scales are not its job.
  EXPECT_FALSE(decode_baseline_quarter(jpeg, kEighth, 0).has_value());
  EXPECT_FALSE(decode_baseline_quarter(jpeg, {97, 1}, 0).has_value());
}

}  // namespace
}  // namespace thumbflow::detail
