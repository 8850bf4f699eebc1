// PNG through the real CLI: libspng decodes it, so libpng's warnings never reach the terminal
// (issue 16), and every kind of PNG becomes a thumbnail.
#include <string>
#include <vector>

#include "e2e_support.hpp"
#include "png_maker.hpp"

namespace thumbflow::e2e {
namespace {

std::vector<std::uint8_t> png_libpng_warns_about() {
  return test::with_iccp(test::make_png(test::make_picture(300, 200, CV_8UC3), {8, 2, false, {}, {}}),
                         test::icc_profile_libpng_warns_about());
}

// `run -q` prints nothing at all; without -q, no library message either.
TEST(PngCli, IccpThatLibpngWarnsAboutIsSilent) {
  TempDir tmp;
  fs::create_directories(tmp / "in");
  test::write_bytes(tmp / "in" / "warned.png", png_libpng_warns_about());
  copy_from_data(tmp / "in", {"fruits.jpg"});
  const CommandResult quiet = run_cli({(tmp / "in").string(), "-o", (tmp / "q").string(), "-q"});
  EXPECT_EQ(quiet.exit_code, 0) << describe(quiet);
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(quiet.out, "");
  const cv::Mat thumb = read_image(tmp / "q" / "warned_thumbnail.png");
  EXPECT_EQ(thumb.size(), cv::Size(128, 85));
  const CommandResult loud = run_cli({(tmp / "in").string(), "-o", (tmp / "v").string()});
  EXPECT_EQ(loud.exit_code, 0) << describe(loud);
  EXPECT_FALSE(contains_ci(loud.err, "libpng")) << loud.err;
  EXPECT_FALSE(contains_ci(loud.out, "libpng")) << loud.out;
}

// 16-bit, palette with tRNS, gray 2-bit and interlaced files: thumbnails of the right size, and
// the palette's transparency kept in a PNG thumbnail.
TEST(PngCli, EveryKindBecomesAThumbnail) {
  TempDir tmp;
  fs::create_directories(tmp / "in");
  const cv::Mat colour = test::make_picture(640, 480, CV_8UC3);
  cv::Mat sixteen;
  colour.convertTo(sixteen, CV_16U, 257.0);
  const cv::Mat gray = test::make_picture(640, 480, CV_8UC1);
  test::write_bytes(tmp / "in" / "rgb16.png", test::make_png(sixteen, {16, 2, false, {}, {}}));
  test::write_bytes(tmp / "in" / "palette.png", test::make_png(gray, {4, 3, false, {0, 0, 0, 0}, {}}));
  test::write_bytes(tmp / "in" / "gray2.png", test::make_png(gray, {2, 0, false, {}, {}}));
  test::write_bytes(tmp / "in" / "interlaced.png", test::make_png(colour, {8, 2, true, {}, {}}));
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-s", "64"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const char* name : {"rgb16", "palette", "gray2", "interlaced"}) {
    const cv::Mat t = read_image(tmp / "out" / (std::string(name) + "_thumbnail.png"));
    EXPECT_EQ(t.size(), cv::Size(64, 48)) << name;
  }
  const cv::Mat palette = cv::imread((tmp / "out" / "palette_thumbnail.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(palette.channels(), 4);
  double lowest_alpha = 255;
  cv::Mat alpha;
  cv::extractChannel(palette, alpha, 3);
  cv::minMaxLoc(alpha, &lowest_alpha);
  EXPECT_EQ(lowest_alpha, 0) << "indices 0-3 are transparent";
}

// PNGs in, PNG thumbnails out, without OpenCV's imgcodecs (opened only for TIFF, BMP ...): loading
// it costs ~100 ms and ~120 libraries. The dynamic loader's own log tells what was opened.
TEST(PngCli, PngInAndOutLeavesOpenCvCodecsUnloaded) {
  TempDir tmp;
  fs::create_directories(tmp / "in");
  test::write_bytes(tmp / "in" / "rgb.png",
                    test::make_png(test::make_picture(300, 200, CV_8UC3), {8, 2, false, {}, {}}));
  test::write_bytes(tmp / "in" / "rgba.png",
                    test::make_png(test::make_picture(200, 300, CV_8UC4), {8, 6, false, {}, {}}));
  const LoggedRun run =
      run_cli_logging_loads({(tmp / "in").string(), "-o", (tmp / "out").string(), "-q"}, tmp / "log");
  const CommandResult& r = run.result;
  const std::string& opened = run.opened;
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(read_image(tmp / "out" / "rgb_thumbnail.png").size(), cv::Size(128, 85));
  EXPECT_EQ(read_image(tmp / "out" / "rgba_thumbnail.png").size(), cv::Size(85, 128));
  ASSERT_NE(opened.find("libspng"), std::string::npos) << "the loader's log names no library";
  EXPECT_EQ(opened.find("libopencv_imgcodecs"), std::string::npos) << "imgcodecs was opened";
}

}  // namespace
}  // namespace thumbflow::e2e
