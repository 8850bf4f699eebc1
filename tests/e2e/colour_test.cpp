// Colour management (issue 14): files that embed a profile give thumbnails that look like the
// thumbnail of the sRGB original. Inputs are made here: an sRGB picture converted with lcms2 into
// Adobe RGB / Display P3 / a gray or CMYK profile and embedded by libjpeg, libspng, libwebpmux or
// a hand-written TIFF (BigTIFF: libtiff). Tolerance: mean absolute difference per channel value (0..255) of
// the two thumbnails <= 3 (JPEG and CMYK inputs: stated per test). `--colour keep` leaves the pixels as
// stored: the same comparison must then be far off, which proves the test can fail.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "colour_images.hpp"
#include "e2e_support.hpp"
#include "jpeg_maker.hpp"
#include "tiff_maker.hpp"

namespace thumbflow::e2e {
namespace {

constexpr double kTolerance = 3.0;

// Runs thumbflow on one file with PNG output (lossless: only the colour step differs).
cv::Mat png_thumbnail_of(const fs::path& input, const fs::path& out, std::vector<std::string> extra = {}) {
  extra.insert(extra.begin(), {"--no-html", "--format", "png"});
  return thumbnail_of(input, out, extra);
}

// A BigTIFF (libtiff's writer, mode "w8") of BGR `pixels` embedding `icc`.
std::vector<std::uint8_t> big_tiff(const cv::Mat& pixels, const test::Icc& icc) {
  cv::Mat rgb;
  cv::cvtColor(pixels, rgb, cv::COLOR_BGR2RGB);
  test::TiffSpec spec;
  spec.icc = icc;
  spec.big_tiff = true;
  return test::make_tiff(rgb, spec);
}

struct Distances {
  double managed, unmanaged;
};

// Thumbnail of `file` against the thumbnail of `reference`, converted (default) and kept as stored.
Distances compare(const TempDir& tmp, const std::string& file, const std::vector<std::uint8_t>& bytes,
                  const std::string& reference) {
  test::write_bytes(tmp / file, bytes);
  const cv::Mat want = png_thumbnail_of(tmp / reference, tmp / ("ref_" + file));
  const cv::Mat managed = png_thumbnail_of(tmp / file, tmp / ("srgb_" + file));
  const cv::Mat kept = png_thumbnail_of(tmp / file, tmp / ("keep_" + file), {"--colour", "keep"});
  EXPECT_EQ(managed.size(), want.size());
  EXPECT_EQ(managed.type(), want.type());
  if (managed.size() != want.size() || kept.size() != want.size() || managed.type() != want.type())
    return {999, 0};
  const Distances d{mean_abs_diff(managed, want), mean_abs_diff(kept, want)};
  ::testing::Test::RecordProperty("mad_" + file,
                                  std::to_string(d.managed) + " unmanaged " + std::to_string(d.unmanaged));
  std::cout << "[ colour   ] " << file << ": mean abs diff " << d.managed << " (without colour management "
            << d.unmanaged << ")\n";
  return d;
}

class Colour : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_bytes(tmp / "original.png", test::png_with_icc(picture, {}));
    test::JpegSpec spec;
    spec.quality = 95;
    spec.subsample = false;
    test::write_bytes(tmp / "original.jpg", test::encode_jpeg(picture, spec));
  }
  std::vector<std::uint8_t> jpeg(const cv::Mat& pixels, const test::Icc& icc) const {
    test::JpegSpec spec;
    spec.quality = 95;
    spec.subsample = false;
    spec.icc = icc;
    return test::encode_jpeg(pixels, spec);
  }
  TempDir tmp;
  const cv::Mat picture = test::saturated_picture(640, 480);
  const test::Icc adobe = test::adobe_rgb_profile();
};

TEST_F(Colour, AdobeRgbFilesLookLikeTheSrgbOriginal) {
  const cv::Mat stored = test::from_srgb(picture, adobe);
  for (const auto& [file, bytes, reference] :
       std::vector<std::tuple<std::string, std::vector<std::uint8_t>, std::string>>{
           {"adobe.png", test::png_with_icc(stored, adobe), "original.png"},
           {"adobe.webp", test::webp_with_icc(stored, adobe), "original.png"},
           {"adobe.tif", test::tiff_with_icc(stored, adobe), "original.png"},
           {"adobe_bigtiff.tif", big_tiff(stored, adobe), "original.png"},
           {"adobe.jpg", jpeg(stored, adobe), "original.jpg"}}) {
    SCOPED_TRACE(file);
    const Distances d = compare(tmp, file, bytes, reference);
    EXPECT_LE(d.managed, kTolerance);
    EXPECT_GT(d.unmanaged, 10.0);
  }
}

// Cameras set to Adobe RGB embed no profile: EXIF says ColorSpace "uncalibrated" + index R03.
TEST_F(Colour, CameraAdobeRgbJpegWithoutAProfileLooksLikeTheSrgbOriginal) {
  const std::vector<std::uint8_t> stored = jpeg(test::from_srgb(picture, adobe), {});
  const Distances d =
      compare(tmp, "camera_adobe.jpg", test::with_exif(stored, test::exif_colour_space(0xFFFF, "R03")),
              "original.jpg");
  EXPECT_LE(d.managed, kTolerance);
  EXPECT_GT(d.unmanaged, 10.0);
  // The same pixels stated as sRGB (R98) are taken as they are.
  const Distances srgb = compare(tmp, "camera_srgb.jpg",
                                 test::with_exif(stored, test::exif_colour_space(1, "R98")), "original.jpg");
  EXPECT_GT(srgb.managed, 10.0);
  EXPECT_LT(std::abs(srgb.managed - srgb.unmanaged), 0.01);
}

TEST_F(Colour, DisplayP3JpegLooksLikeTheSrgbOriginal) {
  const test::Icc p3 = test::display_p3_profile();
  const Distances d = compare(tmp, "p3.jpg", jpeg(test::from_srgb(picture, p3), p3), "original.jpg");
  EXPECT_LE(d.managed, kTolerance);
  EXPECT_GT(d.unmanaged, 5.0);
}

// A PNG may state its colours with a cICP chunk (PNG's third edition: Display P3 = primaries 12,
// transfer 13 (sRGB's curve)) instead of a profile. It was ignored: the picture was taken as sRGB.
TEST_F(Colour, DisplayP3PngStatedByCicpLooksLikeTheSrgbOriginal) {
  const cv::Mat stored = test::from_srgb(picture, test::display_p3_profile());
  const Distances d =
      compare(tmp, "p3_cicp.png", test::with_cicp(test::png_with_icc(stored, {}), 12, 13), "original.png");
  EXPECT_LE(d.managed, kTolerance);
  EXPECT_GT(d.unmanaged, 5.0);
}

TEST_F(Colour, SixteenBitAdobeRgbPng) {
  cv::Mat wide;
  picture.convertTo(wide, CV_16UC3, 257);
  const cv::Mat stored = test::from_srgb(wide, adobe);
  ASSERT_EQ(stored.type(), CV_16UC3);
  const Distances d = compare(tmp, "adobe16.png", test::png_with_icc(stored, adobe), "original.png");
  EXPECT_LE(d.managed, kTolerance);
  EXPECT_GT(d.unmanaged, 10.0);
}

TEST_F(Colour, GrayProfile) {
  cv::Mat gray;
  cv::cvtColor(test::make_picture(640, 480, CV_8UC3, 3), gray, cv::COLOR_BGR2GRAY);
  test::write_bytes(tmp / "gray_original.png", test::png_with_icc(gray, {}));
  const test::Icc profile = test::gray_profile(1.0);  // linear light: far from sRGB's curve
  cv::Mat wide, stored;
  gray.convertTo(wide, CV_16UC1, 257);  // 16-bit: linear light in 8 bits would lose the shadows
  stored = test::from_srgb(wide, profile);
  const Distances d = compare(tmp, "gray.png", test::png_with_icc(stored, profile), "gray_original.png");
  EXPECT_LE(d.managed, kTolerance);
  EXPECT_GT(d.unmanaged, 10.0);
}

// The profile's table maps CMYK to the naive colours with red and blue swapped: a thumbnail made
// without it (the naive formula) looks like the picture; one made through it, like the swapped
// picture. Tolerance 5: CMYK JPEG loss plus the profile's 17-point table.
TEST_F(Colour, CmykJpegGoesThroughItsProfile) {
  const test::Icc cmyk = test::cmyk_swapping_profile();
  ASSERT_GT(cmyk.size(), 65519u * 2) << "the profile should need several APP2 segments";
  cv::Mat swapped;
  cv::cvtColor(picture, swapped, cv::COLOR_BGR2RGB);
  test::write_bytes(tmp / "swapped.png", test::png_with_icc(swapped, {}));
  test::JpegSpec spec;
  spec.quality = 95;
  spec.icc = cmyk;
  for (const bool adobe_marker : {true, false}) {
    SCOPED_TRACE(adobe_marker ? "Adobe-inverted" : "plain CMYK");
    spec.adobe_marker = adobe_marker;
    cv::Mat samples = test::naive_cmyk(picture);
    if (adobe_marker) cv::bitwise_not(samples, samples);  // Photoshop's convention, 255 = no ink
    const std::string name = adobe_marker ? "cmyk_adobe.jpg" : "cmyk.jpg";
    test::write_bytes(tmp / name, test::encode_jpeg(samples, spec));
    const cv::Mat want = png_thumbnail_of(tmp / "swapped.png", tmp / ("ref_" + name));
    const cv::Mat naive = png_thumbnail_of(tmp / "original.png", tmp / ("naive_" + name));
    const cv::Mat got = png_thumbnail_of(tmp / name, tmp / ("out_" + name));
    ASSERT_EQ(got.size(), want.size());
    std::cout << "[ colour   ] " << name << ": mean abs diff " << mean_abs_diff(got, want)
              << " (naive conversion " << mean_abs_diff(got, naive) << ")\n";
    EXPECT_LE(mean_abs_diff(got, want), 5.0);
    EXPECT_GT(mean_abs_diff(got, naive), 30.0);
  }
}

TEST_F(Colour, BrokenProfileIsAWarningAndTheImageIsDone) {
  test::Icc broken = adobe;
  std::fill(broken.begin() + 128, broken.end(), std::uint8_t{0xA5});  // a header over garbage tags
  test::write_bytes(tmp / "broken.jpg", jpeg(picture, broken));
  const CommandResult r = run_cli({(tmp / "broken.jpg").string(), "-o", (tmp / "out").string(), "--report",
                                   (tmp / "report.json").string(), "--no-html", "--format", "png", "-q"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json report = read_json(tmp / "report.json");
  const nlohmann::json& item = report["items"][0];
  EXPECT_EQ(item["status"], "done");
  ASSERT_TRUE(item.contains("warnings")) << item.dump();
  EXPECT_NE(item["warnings"][0].get<std::string>().find("ICC profile"), std::string::npos) << item.dump();
  EXPECT_NE(item["warnings"][0].get<std::string>().find("treated as sRGB"), std::string::npos) << item.dump();
  // Treated as sRGB: as the thumbnail of the same pixels without a profile.
  const cv::Mat want = png_thumbnail_of(tmp / "original.jpg", tmp / "ref");
  EXPECT_LE(mean_abs_diff(read_image(tmp / "out" / "broken_thumbnail.png"), want), 1.0);
  EXPECT_EQ(r.err.find("lcms"), std::string::npos) << r.err;
}

TEST_F(Colour, KeepEmbedsTheExactProfile) {
  const cv::Mat stored = test::from_srgb(picture, adobe);
  test::write_bytes(tmp / "adobe.png", test::png_with_icc(stored, adobe));
  for (const std::string format : {"jpg", "png", "webp"}) {
    SCOPED_TRACE(format);
    const CommandResult r = run_cli({(tmp / "adobe.png").string(), "-o", (tmp / format).string(), "-q",
                                     "--no-html", "--format", format, "--colour", "keep"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const std::vector<std::uint8_t> out = test::read_bytes(tmp / format / ("adobe_thumbnail." + format));
    const test::Icc embedded = format == "jpg"   ? test::icc_of_jpeg(out)
                               : format == "png" ? test::icc_of_png(out)
                                                 : test::icc_of_webp(out);
    EXPECT_EQ(embedded, adobe);
    EXPECT_EQ(read_image(tmp / format / ("adobe_thumbnail." + format)).size(), cv::Size(128, 96));
  }
  // By default the thumbnail is sRGB and carries no profile.
  const CommandResult r = run_cli(
      {(tmp / "adobe.png").string(), "-o", (tmp / "srgb").string(), "-q", "--no-html", "--format", "jpg"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(test::icc_of_jpeg(test::read_bytes(tmp / "srgb" / "adobe_thumbnail.jpg")).empty());
}

// Files without a profile and files with an sRGB one pay nothing and change nothing.
TEST_F(Colour, NoProfileAndSrgbProfileGiveTheSameBytes) {
  for (const std::string format : {"jpg", "png"}) {
    SCOPED_TRACE(format);
    test::write_bytes(tmp / "plain.jpg", jpeg(picture, {}));
    test::write_bytes(tmp / "srgb.jpg", jpeg(picture, test::srgb_profile()));
    for (const std::string name : {"plain", "srgb"}) {
      const CommandResult r =
          run_cli({(tmp / (name + ".jpg")).string(), "-o", (tmp / (format + name)).string(), "-q",
                   "--no-html", "--format", format});
      ASSERT_EQ(r.exit_code, 0) << describe(r);
    }
    EXPECT_EQ(test::read_bytes(tmp / (format + "plain") / ("plain_thumbnail." + format)),
              test::read_bytes(tmp / (format + "srgb") / ("srgb_thumbnail." + format)));
  }
}

}  // namespace
}  // namespace thumbflow::e2e
