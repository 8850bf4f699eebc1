// Camera RAW files (here DNGs made by the test): the thumbnail comes from the embedded preview
// when it is large enough, else from the raw data developed by LibRaw; the camera's orientation
// is applied once; folders list RAW files but not beside the camera's own JPEG of the same shot.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "image/decode.hpp"
#include "image/decode_error.hpp"
#include "raw_maker.hpp"
#include "test_support.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::detail {
namespace {

namespace fs = std::filesystem;

// A scene with structure on both axes: the picture and its half-size preview.
struct Scene {
  cv::Mat picture, preview;
};
Scene scene() {
  Scene s;
  s.picture = test::make_picture(512, 384, CV_8UC3, 7);
  cv::resize(s.picture, s.preview, cv::Size(256, 192), 0, 0, cv::INTER_AREA);
  return s;
}

ThumbnailOptions box(int side) {
  ThumbnailOptions o;
  o.box_width = o.box_height = side;
  return o;
}

double luma_correlation(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat ga, gb;
  cv::cvtColor(a, ga, cv::COLOR_BGR2GRAY);
  cv::cvtColor(b, gb, cv::COLOR_BGR2GRAY);
  cv::resize(gb, gb, ga.size(), 0, 0, cv::INTER_AREA);
  ga.convertTo(ga, CV_64F);
  gb.convertTo(gb, CV_64F);
  cv::Scalar ma, sa, mb, sb;
  cv::meanStdDev(ga, ma, sa);
  cv::meanStdDev(gb, mb, sb);
  return cv::mean((ga - ma[0]).mul(gb - mb[0]))[0] / (sa[0] * sb[0]);
}

TEST(Raw, ADngIsSniffedAsRawAndAPlainTiffIsNot) {
  const Scene s = scene();
  EXPECT_EQ(sniff_format(test::make_dng({s.picture, s.preview, 1})), ImageFormat::Raw);
  EXPECT_EQ(sniff_format(test::encode(s.picture, ".tiff")), ImageFormat::Tiff);
}

// At 128 px the 256 px preview is enough: its pixels, as stored, with the sensor's size reported.
TEST(Raw, TheEmbeddedPreviewMakesASmallThumbnail) {
  const Scene s = scene();
  const DecodedImage got = decode_for_thumbnail(test::make_dng({s.picture, s.preview, 1}), box(128));
  EXPECT_EQ(got.format, ImageFormat::Raw);
  EXPECT_EQ(got.stored, (Dimensions{512, 384}));
  ASSERT_EQ(got.pixels.size(), s.preview.size());
  EXPECT_EQ(cv::norm(got.pixels, s.preview, cv::NORM_INF), 0);
  EXPECT_EQ(got.target, (Dimensions{128, 96}));
}

// The camera's orientation (6: turn 90 degrees clockwise) is applied once, to the preview and to the
// developed picture alike.
TEST(Raw, TheCamerasOrientationIsAppliedOnce) {
  const Scene s = scene();
  const std::vector<std::uint8_t> dng = test::make_dng({s.picture, s.preview, 6});
  const DecodedImage small = decode_for_thumbnail(dng, box(128));
  cv::Mat turned;
  cv::rotate(s.preview, turned, cv::ROTATE_90_CLOCKWISE);
  ASSERT_EQ(small.pixels.size(), turned.size());
  EXPECT_EQ(cv::norm(small.pixels, turned, cv::NORM_INF), 0);
  EXPECT_EQ(small.target, (Dimensions{96, 128}));

  const DecodedImage large = decode_for_thumbnail(dng, box(400));
  cv::Mat picture_turned;
  cv::rotate(s.picture, picture_turned, cv::ROTATE_90_CLOCKWISE);
  ASSERT_EQ(large.pixels.cols, 384);
  ASSERT_EQ(large.pixels.rows, 512);
  cv::Mat wrong_way;
  cv::rotate(s.picture, wrong_way, cv::ROTATE_90_COUNTERCLOCKWISE);
  EXPECT_GT(luma_correlation(large.pixels, picture_turned), 0.8);  // demosaicing blurs the finest detail
  EXPECT_LT(luma_correlation(large.pixels, wrong_way), 0.5);
}

// A box the preview cannot fill: LibRaw develops the raw data (the picture's structure, at the
// sensor's size); without any preview the same.
TEST(Raw, WithoutALargeEnoughPreviewTheRawDataIsDeveloped) {
  const Scene s = scene();
  for (const cv::Mat& preview : {s.preview, cv::Mat()}) {
    const DecodedImage got = decode_for_thumbnail(test::make_dng({s.picture, preview, 1}), box(400));
    ASSERT_EQ(got.pixels.size(), s.picture.size()) << preview.empty();
    EXPECT_GT(luma_correlation(got.pixels, s.picture), 0.8) << preview.empty();
    cv::Mat upside_down;
    cv::rotate(s.picture, upside_down, cv::ROTATE_180);
    EXPECT_LT(luma_correlation(got.pixels, upside_down), 0.5) << preview.empty();
    EXPECT_EQ(got.target, (Dimensions{400, 300}));
  }
}

// Raw data cut short: one clear line when it has to be developed.
TEST(Raw, CutRawDataIsOneClearError) {
  const Scene s = scene();
  std::vector<std::uint8_t> dng = test::make_dng({s.picture, cv::Mat(), 1});
  dng.resize(dng.size() / 2);
  try {
    decode_for_thumbnail(dng, box(400));
    FAIL() << "no error";
  } catch (const DecodeError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot decode camera RAW", 0), 0u) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
}

// In a folder: RAW files are listed, but not one beside a picture of the same stem (the camera's
// JPEG of the shot: both would get the same thumbnail name), unless the template has {srcext}.
TEST(Raw, FoldersListRawFilesButNotBesideTheirJpeg) {
  const fs::path dir = fs::path(::testing::TempDir()) / "thumbflow_raw_folder";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* name : {"IMG_1.CR2", "img_1.jpg", "IMG_2.dng", "DSC_3.NEF", "DSC_3.xmp"})
    std::ofstream(dir / name) << "x";
  const auto names = [&](const CollectOptions& options) {
    std::vector<std::string> out;
    for (const Item& item : collect_local_items({dir.string()}, options)) out.push_back(item.relative_path);
    return out;
  };
  EXPECT_EQ(names({}), (std::vector<std::string>{"DSC_3.NEF", "IMG_2.dng", "img_1.jpg"}));
  CollectOptions apart;
  apart.name_template = "{stem}_{srcext}.{ext}";
  EXPECT_EQ(names(apart), (std::vector<std::string>{"DSC_3.NEF", "IMG_1.CR2", "IMG_2.dng", "img_1.jpg"}));
  EXPECT_TRUE(has_raw_extension("a.ARW"));
  EXPECT_FALSE(has_raw_extension("a.tif"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace thumbflow::detail
