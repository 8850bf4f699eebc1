#include "thumbflow/naming.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "thumbflow/sources.hpp"

namespace thumbflow {
namespace {

std::string name(std::string_view rel, std::string_view tpl = "{stem}_thumbnail.{ext}",
                 OutputFormat format = OutputFormat::Same) {
  ThumbnailOptions o;
  o.format = format;
  o.box_width = 200;
  o.box_height = 100;
  return output_relative_path(rel, tpl, o);
}

TEST(Naming, DefaultMirrorsTheTutorial) {
  EXPECT_EQ(name("a.jpg"), "a_thumbnail.jpg");
  EXPECT_EQ(name("trip/day1/IMG_01.JPEG"), "trip/day1/IMG_01_thumbnail.jpeg");
  EXPECT_EQ(name("x.png"), "x_thumbnail.png");
  EXPECT_EQ(name("x.webp"), "x_thumbnail.webp");
}

TEST(Naming, UnwritableFormatsBecomePng) {
  EXPECT_EQ(name("scan.tiff"), "scan_thumbnail.png");
  EXPECT_EQ(name("old.bmp"), "old_thumbnail.png");
  EXPECT_EQ(name("noext"), "noext_thumbnail.png");
  EXPECT_EQ(name(".hidden"), ".hidden_thumbnail.png");
}

TEST(Naming, ExplicitFormatAndTemplate) {
  EXPECT_EQ(name("a.png", "{stem}_thumbnail.{ext}", OutputFormat::Jpeg), "a_thumbnail.jpg");
  EXPECT_EQ(name("d/a.png", "{stem}.{srcext}.{w}x{h}.{ext}", OutputFormat::Webp), "d/a.png.200x100.webp");
  EXPECT_EQ(name("a.b.c.jpg", "t_{stem}.{ext}"), "t_a.b.c.jpg");
}

TEST(Naming, TemplateValidation) {
  EXPECT_NO_THROW(validate_name_template("{stem}.{ext}"));
  for (const char* bad : {"", "thumb.{ext}", "{stem}/{ext}", "{stem}.{nope}", "{stem", "..\\{stem}"})
    EXPECT_THROW(validate_name_template(bad), std::invalid_argument) << bad;
}

TEST(Sources, ImageExtensions) {
  EXPECT_TRUE(has_image_extension("A.JPG"));
  EXPECT_TRUE(has_image_extension("x.tiff"));
  EXPECT_TRUE(has_image_extension("anim.gif"));  // listed so it is reported as unsupported
  EXPECT_FALSE(has_image_extension("notes.txt"));
  EXPECT_FALSE(has_image_extension(".jpg"));
  EXPECT_FALSE(has_image_extension("jpg"));
}

}  // namespace
}  // namespace thumbflow
