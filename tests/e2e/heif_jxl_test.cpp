// HEIC, AVIF and JPEG XL inputs through the real CLI: JPEG thumbnails that look like the source,
// upright, and one error line per broken file with nothing from the libraries on the terminal.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "e2e_support.hpp"
#include "heif_maker.hpp"
#include "jxl_maker.hpp"

namespace thumbflow::e2e {
namespace {

using Buffer = std::vector<std::uint8_t>;

cv::Mat heif_area_resize(const cv::Mat& m, cv::Size size) {
  cv::Mat out;
  cv::resize(m, out, size, 0, 0, cv::INTER_AREA);
  return out;
}

test::HeifSpec avif() {
  test::HeifSpec spec;
  spec.av1 = true;
  return spec;
}

Buffer cut(const Buffer& file, std::size_t keep) {
  return {file.begin(), file.begin() + std::ptrdiff_t(keep)};
}

// phone.heic, web.avif and camera.jxl of one 400x300 picture in `in`; returns the picture.
cv::Mat write_three_formats(const fs::path& in) {
  const cv::Mat picture = test::make_picture(400, 300, CV_8UC3, 3);
  test::write_bytes(in / "phone.heic", test::encode_heif(picture));
  test::write_bytes(in / "web.avif", test::encode_heif(picture, avif()));
  test::write_bytes(in / "camera.jxl", test::encode_jxl(picture));
  return picture;
}

TEST(HeifJxl, RunMakesJpegThumbnailsOfHeicAvifAndJxl) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out";
  fs::create_directories(in);
  const cv::Mat picture = write_three_formats(in);

  const CommandResult r = run_cli({in.string(), "-o", out.string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(lines_with(r.err, in.string()).empty()) << "no item line: " << r.err;
  EXPECT_EQ(files_under(out),
            (std::vector<std::string>{"camera_thumbnail.jpg", "phone_thumbnail.jpg", "web_thumbnail.jpg"}));
  const cv::Mat reference = heif_area_resize(picture, {128, 96});
  for (const std::string name : {"camera_thumbnail.jpg", "phone_thumbnail.jpg", "web_thumbnail.jpg"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(sniff(out / name), "jpg");
    const cv::Mat t = read_image(out / name);
    ASSERT_EQ(t.size(), cv::Size(128, 96));
    // Lossy source, then a JPEG thumbnail: measured 42.5-43.2 dB; a rotated or swapped picture < 20.
    expect_psnr_at_least(t, reference, 35.0, name);
  }
}

// irot 90 plus the same rotation in an EXIF block: a portrait thumbnail, turned once.
TEST(HeifJxl, RotatedHeicIsUprightOnce) {
  TempDir tmp;
  const cv::Mat upright = test::make_picture(300, 400, CV_8UC3, 5);
  test::HeifSpec spec;
  spec.orientation = 6;
  spec.exif = test::exif_with_orientation(6);
  test::write_bytes(tmp / "portrait.heic", test::encode_heif(test::store_for_orientation(upright, 6), spec));
  const CommandResult r = run_cli({(tmp / "portrait.heic").string(), "-o", (tmp / "out").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const cv::Mat t = read_image(tmp / "out" / "portrait_thumbnail.jpg");
  ASSERT_EQ(t.size(), cv::Size(96, 128));
  expect_psnr_at_least(t, heif_area_resize(upright, {96, 128}), 35.0, "rotated_heic");  // 42.4 dB
}

TEST(HeifJxl, BrokenFilesAreOneLineEachAndLeaveNothing) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out";
  fs::create_directories(in);
  const cv::Mat picture = test::make_picture(200, 150, CV_8UC3);
  const Buffer heic = test::encode_heif(picture), av1 = test::encode_heif(picture, avif());
  const Buffer jxl = test::encode_jxl(picture);
  const std::map<std::string, Buffer> bad = {
      {"cut_heic.heic", cut(heic, heic.size() * 2 / 3)},
      {"cut_avif.avif", cut(av1, av1.size() / 2)},
      {"cut_jxl.jxl", cut(jxl, jxl.size() * 2 / 3)},
      {"header_only.jxl", cut(jxl, 12)},
      {"clip.heic", {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm',
                     0, 0, 0, 0,  'i', 's', 'o', 'm', 'm', 'p', '4', '1'}},  // an MP4 named .heic
  };
  for (const auto& [name, bytes] : bad) test::write_bytes(in / name, bytes);
  test::write_bytes(in / "good.heic", heic);

  const CommandResult r = run_cli({in.string(), "-o", out.string(), "-v"});  // -v: a line per failure
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  for (const auto& [name, bytes] : bad) {
    SCOPED_TRACE(name);
    const std::string path = (in / name).string();
    const auto lines = lines_with(r.err, path);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(lines[0].rfind("thumbflow: " + path + ": ", 0), 0u) << lines[0];
  }
  EXPECT_TRUE(contains_ci(lines_with(r.err, "cut_heic.heic").at(0), "cannot decode HEIF"));
  EXPECT_TRUE(contains_ci(lines_with(r.err, "cut_avif.avif").at(0), "cannot decode AVIF"));
  EXPECT_TRUE(contains_ci(lines_with(r.err, "cut_jxl.jxl").at(0), "cannot decode JPEG XL: truncated"));
  EXPECT_TRUE(contains_ci(lines_with(r.err, "clip.heic").at(0), "not an image"));
  for (const auto& line : lines_of(r.err))  // nothing printed by libheif, libde265, dav1d or libjxl
    EXPECT_EQ(line.rfind("thumbflow: ", 0), 0u) << line;
  EXPECT_NE(lines_with(r.err, "cannot decode AVIF").at(0).back(), ' ') << "no trailing blank";
  EXPECT_EQ(files_under(out), (std::vector<std::string>{"good_thumbnail.jpg"}));
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());
}

// A JPEG XL file damaged in the middle (not cut): Debian's libjxl prints its JXL_FAILURE trail on
// stderr. None of it reaches the terminal raw: with -v it is listed as warnings of that file, and
// the good files decoded beside it get none.
TEST(HeifJxl, LibraryMessagesOfACorruptFileBelongToThatFile) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out";
  fs::create_directories(in);
  const cv::Mat picture = test::make_picture(400, 300, CV_8UC3, 7);
  Buffer damaged = test::encode_jxl(picture);
  for (std::size_t i = damaged.size() / 2; i < damaged.size(); i += 5) damaged[i] ^= 0x5a;
  test::write_bytes(in / "damaged.jxl", damaged);
  for (int i = 0; i < 4; ++i)
    test::write_bytes(in / ("good" + std::to_string(i) + ".jxl"), test::encode_jxl(picture));

  const CommandResult r = run_cli({in.string(), "-o", out.string(), "-v", "-j", "2"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  for (const auto& line : lines_of(r.err)) EXPECT_EQ(line.rfind("thumbflow: ", 0), 0u) << line;
  const auto damaged_lines = lines_with(r.err, "damaged.jxl");
  ASSERT_FALSE(damaged_lines.empty()) << r.err;
  EXPECT_TRUE(contains_ci(damaged_lines.at(0), "cannot decode JPEG XL")) << damaged_lines.at(0);
  EXPECT_FALSE(lines_with(r.err, "damaged.jxl: warning: ").empty()) << "libjxl's trail, attached: " << r.err;
  EXPECT_TRUE(lines_with(r.err, "good").size() == 4u)
      << "one 'done' line per good file, no warning: " << r.err;
  EXPECT_EQ(files_under(out).size(), 4u);
}

// A gallery holding phone and web formats lists them (image/heic, image/avif, image/jxl are in the
// default --types) and thumbnails them like any other entry.
TEST(HeifJxl, GalleryDemoListsAndThumbnailsHeicAvifAndJxl) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out";
  fs::create_directories(in);
  write_three_formats(in);
  const CommandResult r = test::run_command(
      {kCli, "gallery", "--demo", "--samples", in.string(), "-o", out.string(), "--no-html"}, kRunTimeoutS);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::vector<std::string> thumbs = files_under(out);
  ASSERT_EQ(thumbs.size(), 3u) << describe(r);
  for (const std::string& name : thumbs) {
    EXPECT_EQ(fs::path(name).extension(), ".jpg") << name;
    EXPECT_EQ(read_image(out / name).size(), cv::Size(128, 96)) << name;
  }
}

TEST(HeifJxl, MaxPixelsRefusesBeforeDecoding) {
  TempDir tmp;
  const fs::path in = tmp / "in";
  fs::create_directories(in);
  const cv::Mat picture = test::make_picture(400, 300, CV_8UC3);
  test::write_bytes(in / "big_heic.heic", test::encode_heif(picture));
  test::write_bytes(in / "big_jxl.jxl", test::encode_jxl(picture));
  const CommandResult r =
      run_cli({in.string(), "-o", (tmp / "out").string(), "--max-pixels", "100000", "-v"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  for (const std::string name : {"big_heic.heic", "big_jxl.jxl"}) {
    const auto lines = lines_with(r.err, name);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_NE(lines[0].find("declares 400x300 pixels"), std::string::npos) << lines[0];
  }
  EXPECT_TRUE(files_under(tmp / "out").empty());
}

}  // namespace
}  // namespace thumbflow::e2e
