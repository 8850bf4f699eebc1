// --crop through run_batch: exact sizes, the subject in the written thumbnail, orientation, the
// report's rectangle, faces.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "crop/focus.hpp"
#include "crop_scenes.hpp"
#include "test_support.hpp"
#include "thumbflow/pipeline.hpp"

namespace thumbflow::detail {
namespace {
namespace fs = std::filesystem;

// Share of the subject's red cells that made it into `thumbnail` (colours within JPEG tolerance).
double subject_pixels(const cv::Mat& thumbnail) {
  cv::Mat red;
  cv::inRange(thumbnail, cv::Scalar(0, 0, 170), cv::Scalar(80, 80, 255), red);
  return cv::countNonZero(red);
}

BatchReport run_one(const test::TempDir& dir, const std::string& name, ThumbnailOptions t) {
  BatchOptions o;
  o.thumbnail = t;
  o.output_dir = (dir / "out").string();
  o.threads = 2;
  return run_batch({{(dir / name).string(), name, {}, {}}}, o);
}

ThumbnailOptions pipeline_crop_options(CropMode mode, int w, int h) {
  ThumbnailOptions t;
  t.crop = mode;
  t.box_width = w;
  t.box_height = h;
  return t;
}

TEST(CropPipeline, EveryModeMakesExactlyTheBox) {
  test::TempDir dir;
  const test::Scene s = test::make_scene(900, 600, 0.1, 0.5, true);
  test::write_bytes(dir / "scene.jpg", test::encode(s.picture, ".jpg"));
  for (const CropMode mode : {CropMode::Centre, CropMode::Attention, CropMode::Entropy, CropMode::Face})
    for (const Dimensions box :
         {Dimensions{128, 128}, Dimensions{256, 144}, Dimensions{90, 300}, Dimensions{1, 1}}) {
      const BatchReport r = run_one(dir, "scene.jpg", pipeline_crop_options(mode, box.width, box.height));
      ASSERT_EQ(r.items.at(0).status, ItemStatus::Done) << r.items[0].error;
      EXPECT_EQ(r.items[0].out_size, box) << crop_mode_name(mode);
      const cv::Mat out = cv::imread(r.items[0].output);
      EXPECT_EQ(out.cols, box.width);
      EXPECT_EQ(out.rows, box.height);
      fs::remove_all(dir / "out");
    }
}

TEST(CropPipeline, TheThumbnailShowsTheSubjectUnlessCentred) {
  test::TempDir dir;
  const test::Scene s = test::make_scene(900, 600, 0.92, 0.3, false);
  test::write_bytes(dir / "scene.jpg", test::encode(s.picture, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}));
  // The subject is 60x60 of 600 high: about 13x13 pixels in a 128 tile, half of them red (~80),
  // fewer after JPEG blurs the cell edges; none at all in a centre crop.
  for (const CropMode mode : {CropMode::Attention, CropMode::Entropy, CropMode::Face}) {
    const BatchReport r = run_one(dir, "scene.jpg", pipeline_crop_options(mode, 128, 128));
    ASSERT_EQ(r.items.at(0).status, ItemStatus::Done) << r.items[0].error;
    EXPECT_GE(subject_pixels(cv::imread(r.items[0].output)), 30) << crop_mode_name(mode);
    const CropRect c = r.items[0].crop;
    EXPECT_TRUE(test::contains({c.x, c.y, c.w, c.h}, s.subject)) << crop_mode_name(mode);
    fs::remove_all(dir / "out");
  }
  const BatchReport r = run_one(dir, "scene.jpg", pipeline_crop_options(CropMode::Centre, 128, 128));
  EXPECT_EQ(subject_pixels(cv::imread(r.items.at(0).output)), 0);
  EXPECT_EQ(r.items[0].crop.x, 150);
  EXPECT_EQ(r.items[0].crop.w, 600);
}

// The crop is chosen on the upright picture: the subject is on the right once turned, and the
// report's rectangle is in upright coordinates.
TEST(CropPipeline, OrientationSixIsCroppedUpright) {
  test::TempDir dir;
  const test::Scene s = test::make_scene(900, 600, 0.9, 0.5, false);
  test::write_bytes(dir / "turned.jpg",
                    test::jpeg_with_orientation(test::store_for_orientation(s.picture, 6), 6));
  const BatchReport r = run_one(dir, "turned.jpg", pipeline_crop_options(CropMode::Attention, 200, 100));
  ASSERT_EQ(r.items.at(0).status, ItemStatus::Done) << r.items[0].error;
  EXPECT_EQ(r.items[0].in_size, (Dimensions{600, 900}));
  EXPECT_EQ(r.items[0].out_size, (Dimensions{200, 100}));
  const CropRect c = r.items[0].crop;
  EXPECT_EQ(c.w, 900);
  EXPECT_EQ(c.h, 450);
  EXPECT_TRUE(test::contains({c.x, c.y, c.w, c.h}, s.subject));
  EXPECT_GE(subject_pixels(cv::imread(r.items[0].output)), 40);
}

TEST(CropPipeline, GravityCornerShowsThatCorner) {
  test::TempDir dir;
  const test::Scene s = test::make_scene(900, 600, 0.02, 0.03, false, 90);
  test::write_bytes(dir / "scene.jpg", test::encode(s.picture, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}));
  ThumbnailOptions t = pipeline_crop_options(CropMode::Centre, 100, 100);
  t.gravity = {0, 0};
  BatchReport r = run_one(dir, "scene.jpg", t);
  EXPECT_EQ(r.items.at(0).crop.x, 0);
  EXPECT_GE(subject_pixels(cv::imread(r.items[0].output)), 40);  // 15x15 in the tile, half red
  fs::remove_all(dir / "out");
  t.gravity = {1, 1};
  r = run_one(dir, "scene.jpg", t);
  EXPECT_EQ(r.items.at(0).crop.x, 300);
  EXPECT_EQ(subject_pixels(cv::imread(r.items[0].output)), 0);
}

// data/messi5.jpg (opencv-doc, 548x342): one player; his face, located by eye, is about here.
// The cascade also finds a larger false "face" right of it (at 244,62, 85x85).
const cv::Rect kMessiFace(224, 90, 40, 40);

// A window 68 pixels wide: a centre crop (x 240..308) misses the face, as does one centred on the
// false detection.
TEST(CropPipeline, FaceIsKeptInANarrowCrop) {
  try {
    face_cascade_path();
  } catch (const std::exception& e) {
    GTEST_SKIP() << e.what();
  }
  test::TempDir dir;
  fs::copy_file(fs::path(THUMBFLOW_DATA_DIR) / "messi5.jpg", dir / "messi5.jpg");
  const BatchReport r = run_one(dir, "messi5.jpg", pipeline_crop_options(CropMode::Face, 20, 100));
  ASSERT_EQ(r.items.at(0).status, ItemStatus::Done) << r.items[0].error;
  EXPECT_EQ(r.items[0].out_size, (Dimensions{20, 100}));
  const CropRect c = r.items[0].crop;
  EXPECT_TRUE(test::contains({c.x, c.y, c.w, c.h}, kMessiFace))
      << c.x << "," << c.y << " " << c.w << "x" << c.h;
  fs::remove_all(dir / "out");
  const CropRect centre =
      run_one(dir, "messi5.jpg", pipeline_crop_options(CropMode::Centre, 20, 100)).items.at(0).crop;
  EXPECT_FALSE(test::contains({centre.x, centre.y, centre.w, centre.h}, kMessiFace));
}

}  // namespace
}  // namespace thumbflow::detail
