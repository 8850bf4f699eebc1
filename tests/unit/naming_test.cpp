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

TEST(Naming, UnwritablePhotoFormatsBecomeJpeg) {
  EXPECT_EQ(name("IMG_0001.HEIC"), "IMG_0001_thumbnail.jpg");
  EXPECT_EQ(name("a.heif"), "a_thumbnail.jpg");
  EXPECT_EQ(name("a.hif"), "a_thumbnail.jpg");
  EXPECT_EQ(name("b.avif"), "b_thumbnail.jpg");
  EXPECT_EQ(name("c.jxl"), "c_thumbnail.jpg");
  EXPECT_EQ(name("d.gif"), "d_thumbnail.png");
}

TEST(Naming, AnimatedGifsBecomeWebpWithFormatSame) {
  ThumbnailOptions o;
  o.animated = true;
  EXPECT_EQ(output_relative_path("a/anim.GIF", "{stem}_thumbnail.{ext}", o), "a/anim_thumbnail.webp");
  EXPECT_EQ(output_relative_path("x.webp", "{stem}_thumbnail.{ext}", o), "x_thumbnail.webp");
  EXPECT_EQ(output_relative_path("x.png", "{stem}_thumbnail.{ext}", o), "x_thumbnail.png");
  o.format = OutputFormat::Png;  // an explicit still format: the first frame
  EXPECT_EQ(output_relative_path("anim.gif", "{stem}_thumbnail.{ext}", o), "anim_thumbnail.png");
}

TEST(Naming, ExplicitFormatAndTemplate) {
  EXPECT_EQ(name("a.png", "{stem}_thumbnail.{ext}", OutputFormat::Jpeg), "a_thumbnail.jpg");
  EXPECT_EQ(name("d/a.png", "{stem}.{srcext}.{w}x{h}.{ext}", OutputFormat::Webp), "d/a.png.200x100.webp");
  EXPECT_EQ(name("a.b.c.jpg", "t_{stem}.{ext}"), "t_a.b.c.jpg");
}

TEST(Naming, AnExplicitFormatAndTheNamesExtensionMustAgree) {
  ThumbnailOptions o;
  o.format = OutputFormat::Webp;
  EXPECT_NO_THROW(validate_name_template("{stem}.{ext}", o));
  EXPECT_NO_THROW(validate_name_template("{stem}.WEBP", o));
  EXPECT_THROW(validate_name_template("{stem}.jpg", o), std::invalid_argument);
  EXPECT_THROW(validate_name_template("{stem}.{srcext}", o), std::invalid_argument);
  o.format = OutputFormat::Jpeg;
  EXPECT_NO_THROW(validate_name_template("{stem}.jpeg", o));
  o.format = OutputFormat::Same;  // the name decides
  EXPECT_NO_THROW(validate_name_template("{stem}.png", o));
  EXPECT_NO_THROW(validate_name_template("{stem}.{srcext}", o));
}

TEST(Naming, TemplateValidation) {
  for (const char* good :
       {"{stem}.{ext}", "{stem}.{srcext}", "{stem}_{w}.webp", "{stem}.JPG", "x{stem}.jpeg"})
    EXPECT_NO_THROW(validate_name_template(good)) << good;
  for (const char* bad : {"", "thumb.{ext}", "{stem}/{ext}", "{stem}.{nope}", "{stem", "..\\{stem}"})
    EXPECT_THROW(validate_name_template(bad), std::invalid_argument) << bad;
  // The format is told by the extension: a name without a known one is refused up front.
  for (const char* no_format : {"{stem}", "{stem}.gif", "{stem}.{ext}_{w}", "{stem}{ext}", "{stem}.tar"}) {
    try {
      validate_name_template(no_format);
      ADD_FAILURE() << no_format << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("must end in .{ext}"), std::string::npos) << e.what();
    }
  }
}

TEST(Naming, OriginOfOutputName) {
  const auto origin = [](const std::string& name, const std::string& tpl) {
    const auto o = origin_of_output_name(name, tpl);
    return o ? o->stem + "|" + o->srcext : std::string("none");
  };
  EXPECT_EQ(origin("a_thumbnail.jpg", "{stem}_thumbnail.{ext}"), "a|");
  EXPECT_EQ(origin("a.b_thumbnail_thumbnail.webp", "{stem}_thumbnail.{ext}"), "a.b_thumbnail|");
  EXPECT_EQ(origin("a_thumbnail.gif", "{stem}_thumbnail.{ext}"), "none");  // thumbflow writes no GIF
  EXPECT_EQ(origin("a.jpg", "{stem}_thumbnail.{ext}"), "none");
  EXPECT_EQ(origin("x_128x96.png", "{stem}_{size}.{ext}"), "x|");
  EXPECT_EQ(origin("x_200x.png", "{stem}_{size}.{ext}"), "x|");
  EXPECT_EQ(origin("x_big.png", "{stem}_{size}.{ext}"), "none");
  EXPECT_EQ(origin("p.HEIC.64x64.jpg", "{stem}.{srcext}.{w}x{h}.{ext}"), "p|heic");
  EXPECT_EQ(origin("(a+b)*.jpg", "({stem}+b)*.jpg"), "a|");  // literals are not patterns
  EXPECT_EQ(origin("a.jpg", "{stem"), "none");
  EXPECT_EQ(origin("a_thumbnail.jpeg", "{stem}_thumbnail.{ext}"), "a|");  // --format same keeps .jpeg
  EXPECT_EQ(origin("abab.jpg", "{stem}{stem}.jpg"), "ab|");               // a repeat is the same stem
  EXPECT_EQ(origin("abac.jpg", "{stem}{stem}.jpg"), "none");
  EXPECT_EQ(origin("x_12896.png", "{stem}_{w}{h}.{ext}"), "x|");
  // Answers at once on a long name, whatever the template.
  EXPECT_EQ(origin(std::string(250, '1') + ".png", "{stem}{stem}{stem}{stem}{stem}{stem}.jpg"), "none");
  EXPECT_EQ(origin(std::string(250, '1') + ".jpg", "{stem}_{w}{h}{size}{w}{h}{size}{w}{h}.jpg"), "none");
}

TEST(Naming, OtherJpegExtensionsGiveJpegThumbnails) {
  for (const char* ext : {"jpe", "JFIF", "jif", "pjpeg", "pjp"})
    EXPECT_EQ(output_extension(OutputFormat::Same, ext), "jpg") << ext;
  EXPECT_EQ(output_extension(OutputFormat::Same, "apng"), "png");
}

TEST(Sources, ImageExtensions) {
  EXPECT_TRUE(has_image_extension("A.JPG"));
  EXPECT_TRUE(has_image_extension("x.tiff"));
  EXPECT_TRUE(has_image_extension("anim.gif"));  // listed so it is reported as unsupported
  for (const char* other : {"a.jif", "b.pjpeg", "c.PJP", "d.apng"})
    EXPECT_TRUE(has_image_extension(other)) << other;
  EXPECT_FALSE(has_image_extension("notes.txt"));
  EXPECT_FALSE(has_image_extension(".jpg"));
  EXPECT_FALSE(has_image_extension("jpg"));
}

}  // namespace
}  // namespace thumbflow
