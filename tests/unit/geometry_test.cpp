#include "thumbflow/geometry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "thumbflow/options.hpp"

namespace thumbflow {
namespace {

TEST(ParseBox, AcceptsVipsthumbnailForms) {
  EXPECT_EQ(parse_box("128x96"), (Dimensions{128, 96}));
  EXPECT_EQ(parse_box("200"), (Dimensions{200, 200}));
  EXPECT_EQ(parse_box("300x"), (Dimensions{300, 0}));
  EXPECT_EQ(parse_box("x50"), (Dimensions{0, 50}));
  EXPECT_EQ(parse_box("64X32"), (Dimensions{64, 32}));
  EXPECT_EQ(parse_box("65535x1"), (Dimensions{65535, 1}));
}

TEST(ParseBox, RejectsGarbageWithTheTextInTheMessage) {
  for (const char* bad : {"", "x", "0x10", "10x0", "-5", "12x34x5", "abc", "12.5x3", "65536", " 12", "12 "}) {
    try {
      parse_box(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(FitWithin, KeepsAspectRatioAndHitsTheLimitingSide) {
  EXPECT_EQ(fit_within({1000, 500}, {128, 128}, false), (Dimensions{128, 64}));
  EXPECT_EQ(fit_within({500, 1000}, {128, 128}, false), (Dimensions{64, 128}));
  EXPECT_EQ(fit_within({1000, 333}, {128, 128}, false), (Dimensions{128, 43}));
  EXPECT_EQ(fit_within({4000, 3000}, {300, 200}, false), (Dimensions{267, 200}));
}

TEST(FitWithin, UnboundedSides) {
  EXPECT_EQ(fit_within({1000, 500}, {200, 0}, false), (Dimensions{200, 100}));
  EXPECT_EQ(fit_within({1000, 500}, {0, 50}, false), (Dimensions{100, 50}));
}

TEST(FitWithin, NeverEnlargesUnlessAsked) {
  EXPECT_EQ(fit_within({100, 50}, {128, 128}, false), (Dimensions{100, 50}));
  EXPECT_EQ(fit_within({128, 128}, {128, 128}, false), (Dimensions{128, 128}));
  EXPECT_EQ(fit_within({100, 50}, {128, 128}, true), (Dimensions{128, 64}));
}

TEST(FitWithin, ExtremeAspectRatiosKeepOnePixel) {
  EXPECT_EQ(fit_within({10000, 1}, {128, 128}, false), (Dimensions{128, 1}));
  EXPECT_EQ(fit_within({1, 10000}, {128, 128}, false), (Dimensions{1, 128}));
  EXPECT_THROW(fit_within({0, 10}, {128, 128}, false), std::invalid_argument);
}

TEST(ParseRgb, Forms) {
  const Rgb red = parse_rgb("#ff0000");
  EXPECT_EQ(red.r, 255);
  EXPECT_EQ(red.g, 0);
  const Rgb c = parse_rgb("1,2,3");
  EXPECT_EQ(c.b, 3);
  EXPECT_EQ(parse_rgb("black").g, 0);
  for (const char* bad : {"#ff00", "256,0,0", "red", "1,2", "#gg0000", "1,2,3,"})
    EXPECT_THROW(parse_rgb(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace thumbflow
