// The crop plan on generated scenes: where each mode puts the window, and the geometry around it.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "crop/crop_plan.hpp"
#include "crop/focus.hpp"
#include "crop_scenes.hpp"

namespace thumbflow::detail {
namespace {

struct Place {
  const char* name;
  int width, height;  // the picture
  double fx, fy;      // where the subject is
};

// Off-centre subjects: the window (box 128x128 on these pictures) cannot hold both the centre
// and the subject, so a centre crop misses every one.
constexpr Place kPlaces[] = {{"left", 600, 400, 0.07, 0.5},    {"right", 600, 400, 0.93, 0.5},
                             {"top", 400, 600, 0.5, 0.07},     {"bottom", 400, 600, 0.45, 0.92},
                             {"corner", 600, 400, 0.06, 0.08}, {"far_corner", 600, 400, 0.94, 0.9}};

ThumbnailOptions crop_options(CropMode mode, int w = 128, int h = 128) {
  ThumbnailOptions t;
  t.crop = mode;
  t.box_width = w;
  t.box_height = h;
  return t;
}

CropPlan plan_for(const test::Scene& s, const ThumbnailOptions& t) {
  return plan_crop(s.picture, {}, {s.picture.cols, s.picture.rows}, t);
}

class SubjectKept : public ::testing::TestWithParam<std::tuple<CropMode, bool>> {};

TEST_P(SubjectKept, OffCentreSubjectIsInsideTheCrop) {
  const auto [mode, noisy] = GetParam();
  for (const Place& p : kPlaces) {
    const test::Scene s = test::make_scene(p.width, p.height, p.fx, p.fy, noisy);
    const CropPlan plan = plan_for(s, crop_options(mode));
    EXPECT_TRUE(test::contains(plan.window, s.subject))
        << p.name << ": window " << plan.window << " subject " << s.subject;
    EXPECT_EQ(plan.target, (Dimensions{128, 128}));
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, SubjectKept,
                         ::testing::Combine(::testing::Values(CropMode::Attention, CropMode::Entropy,
                                                              CropMode::Face),
                                            ::testing::Bool()));

// The same scenes prove that the test above can fail: the middle of the picture misses them.
TEST(Crop, CentreMissesOffCentreSubjects) {
  for (const bool noisy : {false, true})
    for (const Place& p : kPlaces) {
      const test::Scene s = test::make_scene(p.width, p.height, p.fx, p.fy, noisy);
      const CropPlan plan = plan_for(s, crop_options(CropMode::Centre));
      EXPECT_EQ((plan.window & s.subject).area(), 0) << p.name;
      const int short_side = std::min(p.width, p.height);
      EXPECT_EQ(plan.window,
                cv::Rect((p.width - short_side) / 2, (p.height - short_side) / 2, short_side, short_side));
    }
}

// A picture with nothing in it is cut in the middle by every mode.
TEST(Crop, BlankPictureIsCutInTheMiddle) {
  const cv::Mat blank(400, 600, CV_8UC3, cv::Scalar(90, 120, 150));
  for (const CropMode mode : {CropMode::Attention, CropMode::Entropy, CropMode::Face}) {
    const CropPlan plan = plan_crop(blank, {}, {600, 400}, crop_options(mode));
    EXPECT_NEAR(plan.window.x, 100, 5) << crop_mode_name(mode);  // entropy scans in steps of ~4.7 px here
    EXPECT_EQ(plan.window.size(), cv::Size(400, 400));
  }
}

// A wide box on a landscape picture slides vertically; a subject near the top stays in.
TEST(Crop, WideBoxSlidesVertically) {
  const test::Scene s = test::make_scene(600, 400, 0.5, 0.06, true);
  const CropPlan plan = plan_for(s, crop_options(CropMode::Attention, 300, 100));
  EXPECT_EQ(plan.window.width, 600);
  EXPECT_EQ(plan.window.height, 200);
  EXPECT_TRUE(test::contains(plan.window, s.subject)) << plan.window;
  EXPECT_EQ(plan.target, (Dimensions{300, 100}));
}

// Gravity overrides the mode and is followed as far as the picture allows.
TEST(Crop, GravityAtTheCornersPinsTheWindow) {
  const test::Scene s = test::make_scene(600, 400, 0.5, 0.5, false);
  struct Case {
    double gx, gy;
    cv::Rect expected;
  } cases[] = {{0, 0, {0, 0, 400, 400}}, {1, 1, {200, 0, 400, 400}},     {1, 0, {200, 0, 400, 400}},
               {0, 1, {0, 0, 400, 400}}, {0.5, 0.5, {100, 0, 400, 400}}, {0.4, 0.5, {40, 0, 400, 400}}};
  for (const Case& c : cases) {
    ThumbnailOptions t = crop_options(CropMode::Attention);
    t.gravity = {c.gx, c.gy};
    EXPECT_EQ(plan_for(s, t).window, c.expected) << c.gx << "," << c.gy;
  }
  // On a portrait picture with a wide box, the vertical fraction decides.
  const test::Scene tall = test::make_scene(400, 600, 0.5, 0.5, false);
  ThumbnailOptions t = crop_options(CropMode::Centre, 200, 100);
  t.gravity = {0, 1};
  EXPECT_EQ(plan_for(tall, t).window, cv::Rect(0, 400, 400, 200));
  t.gravity = {1, 0};
  EXPECT_EQ(plan_for(tall, t).window, cv::Rect(0, 0, 400, 200));
}

// Decoded pixels smaller than the original (shrink-on-load): the window is found on them and
// reported in original pixels.
TEST(Crop, ReportsTheWindowInOriginalPixels) {
  const test::Scene s = test::make_scene(300, 200, 0.9, 0.5, false);
  const CropPlan plan =
      plan_crop(s.picture, cv::Rect2d(0, 0, 300, 200), {3000, 2000}, crop_options(CropMode::Attention));
  EXPECT_EQ(plan.window.size(), cv::Size(200, 200));
  EXPECT_EQ(plan.original.w, 2000);
  EXPECT_EQ(plan.original.h, 2000);
  EXPECT_EQ(plan.original.x, plan.window.x * 10);
  EXPECT_EQ(plan.original.y, 0);
  EXPECT_EQ(plan.target, (Dimensions{128, 128}));
}

// Without enlarge, a picture smaller than the box gives the largest window of the box's shape,
// unscaled; with enlarge, the box.
TEST(Crop, SmallPictureKeepsItsScaleUnlessEnlarged) {
  const test::Scene s = test::make_scene(100, 60, 0.5, 0.5, false);
  ThumbnailOptions t = crop_options(CropMode::Centre, 256, 256);
  CropPlan plan = plan_for(s, t);
  EXPECT_EQ(plan.target, (Dimensions{60, 60}));
  EXPECT_EQ(plan.window, cv::Rect(20, 0, 60, 60));
  t.box_width = 64;  // 64x256: the picture is wide enough, too short
  plan = plan_for(s, t);
  EXPECT_EQ(plan.target, (Dimensions{15, 60}));
  t.allow_enlarge = true;
  t.box_width = 256;
  plan = plan_for(s, t);
  EXPECT_EQ(plan.target, (Dimensions{256, 256}));
  EXPECT_EQ(plan.window, cv::Rect(20, 0, 60, 60));
}

TEST(Crop, CoverSizeCoversTheBox) {
  EXPECT_EQ(cover_size({3000, 2000}, {128, 128}, false), (Dimensions{192, 128}));
  EXPECT_EQ(cover_size({2000, 3000}, {300, 100}, false), (Dimensions{300, 450}));
  EXPECT_EQ(cover_size({100, 60}, {256, 256}, false), (Dimensions{100, 60}));
  EXPECT_EQ(cover_size({100, 60}, {256, 256}, true), (Dimensions{427, 256}));
}

// The working copy the scores look at: the picture's shape and what is where, at any size (it is
// halved, then resampled; an odd last column or row is left out of the halving).
TEST(Crop, WorkingCopyKeepsShapeAndPlace) {
  cv::Mat picture(1001, 1501, CV_8UC3, cv::Scalar(100, 100, 100));
  picture(cv::Rect(900, 300, 150, 150)).setTo(cv::Scalar(255, 255, 255));
  const cv::Mat work = working_copy(picture, 256);
  ASSERT_EQ(work.size(), cv::Size(256, 171));
  cv::Mat bright;
  cv::extractChannel(work, bright, 1);
  const cv::Moments m = cv::moments(bright > 178, true);
  ASSERT_GT(m.m00, 0);
  EXPECT_NEAR(m.m10 / m.m00, 975 * 256.0 / 1501, 1.5);
  EXPECT_NEAR(m.m01 / m.m00, 375 * 171.0 / 1001, 1.5);
  EXPECT_NEAR(cv::mean(work)[0], cv::mean(picture)[0], 1.0);

  const cv::Mat thin = working_copy(cv::Mat(2000, 3, CV_16UC1, cv::Scalar(257 * 40)), 256);
  EXPECT_EQ(thin.size(), cv::Size(1, 256));
  EXPECT_EQ(thin.type(), CV_8UC3);
  EXPECT_EQ(cv::mean(thin)[2], 40);
  EXPECT_EQ(working_copy(picture(cv::Rect(0, 0, 200, 100)), 256).size(), cv::Size(200, 100));
}

TEST(Crop, OptionsAreChecked) {
  EXPECT_EQ(parse_crop_mode("center"), CropMode::Centre);
  EXPECT_EQ(parse_crop_mode(crop_mode_name(CropMode::Entropy)), CropMode::Entropy);
  EXPECT_THROW(parse_crop_mode("smart"), std::invalid_argument);
  const Gravity g = parse_gravity("0.25,1");
  EXPECT_DOUBLE_EQ(g.x, 0.25);
  EXPECT_DOUBLE_EQ(g.y, 1);
  EXPECT_EQ(format_gravity(g), "0.25,1");
  for (const char* bad : {"", "0.5", "1.5,0", "-0.1,0", "a,b", "0.5,0.5,0.5", " 0.5,0.5"})
    EXPECT_THROW(parse_gravity(bad), std::invalid_argument) << bad;

  ThumbnailOptions t = crop_options(CropMode::Attention, 200, 0);
  try {
    check_crop_options(t);
    ADD_FAILURE() << "an unbounded side was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bounded on both sides"), std::string::npos) << e.what();
  }
  t = crop_options(CropMode::None);
  t.gravity = {0.5, 0.5};
  EXPECT_THROW(check_crop_options(t), std::invalid_argument);
  t.crop = CropMode::Centre;
  EXPECT_NO_THROW(check_crop_options(t));
  t.gravity = {2, 0.5};
  EXPECT_THROW(check_crop_options(t), std::invalid_argument);
}

}  // namespace
}  // namespace thumbflow::detail
