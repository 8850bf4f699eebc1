// GIF inputs end to end (issue 14): stills, transparency, animations as their first frame, and
// --animated writing animated WebP thumbnails, with the pixel and frame bounds.
#include "e2e_support.hpp"
#include "gif_maker.hpp"
#include "webp_animation.hpp"

namespace thumbflow::e2e {
namespace {

// A 4-colour palette (RGB) and index pictures with bands, so that a thumbnail has known colours.
const std::vector<cv::Vec3b> kColours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};

cv::Mat bands(int w, int h, int first) {
  cv::Mat m(h, w, CV_8UC1);
  for (int x = 0; x < w; ++x) m.col(x).setTo((first + x * 3 / w) % 3);  // three vertical bands
  return m;
}

// 300x150, three frames (left band red, green, blue), delays 10, 20 and 30 hundredths.
std::vector<std::uint8_t> animated_gif() {
  test::GifSpec spec{300, 150, kColours, {}};
  spec.loop = true;
  for (int i = 0; i < 3; ++i) {
    test::GifFrameSpec f;
    f.indices = bands(300, 150, i);
    f.delay_cs = 10 * (i + 1);
    f.disposal = 1;
    spec.frames.push_back(f);
  }
  return test::make_gif(spec);
}

// 200x100 white with a transparent left half (index 2 transparent).
std::vector<std::uint8_t> transparent_gif() {
  cv::Mat m(100, 200, CV_8UC1, cv::Scalar(3));
  m(cv::Rect(0, 0, 100, 100)).setTo(2);
  return test::make_still_gif(m, kColours, 2);
}

struct GifFolder {
  TempDir tmp;
  fs::path in = tmp / "in", out = tmp / "out";
  GifFolder() {
    fs::create_directories(in);
    test::write_bytes(in / "still.gif", test::make_still_gif(bands(240, 120, 0), kColours));
    test::write_bytes(in / "clear.gif", transparent_gif());
    test::write_bytes(in / "anim.gif", animated_gif());
  }
};

cv::Vec3b bgr(const cv::Mat& m, int y, int x) {
  return m.channels() == 4
             ? cv::Vec3b(m.at<cv::Vec4b>(y, x)[0], m.at<cv::Vec4b>(y, x)[1], m.at<cv::Vec4b>(y, x)[2])
             : m.at<cv::Vec3b>(y, x);
}

void expect_near(cv::Vec3b got, cv::Vec3b want, int tolerance, const std::string& what) {
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(got[c], want[c], tolerance) << what << " channel " << c;
}

TEST(Gif, RunMakesPngThumbnailsOfStillTransparentAndAnimatedGifs) {
  GifFolder f;
  const CommandResult r = run_cli({f.in.string(), "-o", f.out.string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(files_under(f.out),
            (std::vector<std::string>{"anim_thumbnail.png", "clear_thumbnail.png", "still_thumbnail.png"}));
  const cv::Mat still = read_image(f.out / "still_thumbnail.png");
  ASSERT_EQ(still.size(), cv::Size(128, 64));
  expect_near(bgr(still, 32, 10), {0, 0, 255}, 2, "still: left band red");
  expect_near(bgr(still, 32, 64), {0, 255, 0}, 2, "still: middle band green");
  const cv::Mat clear = read_image(f.out / "clear_thumbnail.png");
  ASSERT_EQ(clear.type(), CV_8UC4);
  EXPECT_EQ(clear.at<cv::Vec4b>(32, 10)[3], 0);
  EXPECT_EQ(clear.at<cv::Vec4b>(32, 120)[3], 255);
  const cv::Mat anim = read_image(f.out / "anim_thumbnail.png");  // the first frame
  ASSERT_EQ(anim.size(), cv::Size(128, 64));
  expect_near(bgr(anim, 32, 10), {0, 0, 255}, 2, "first frame: left band red");
}

TEST(Gif, TransparentGifAsJpegGetsTheBackground) {
  GifFolder f;
  const CommandResult r = run_cli(
      {(f.in / "clear.gif").string(), "-o", f.out.string(), "--format", "jpg", "--background", "#0000ff"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const cv::Mat m = read_image(f.out / "clear_thumbnail.jpg");
  ASSERT_EQ(m.size(), cv::Size(128, 64));
  expect_near(bgr(m, 32, 20), {255, 0, 0}, 6, "transparent half on the blue background");
  expect_near(bgr(m, 32, 110), {255, 255, 255}, 6, "opaque half stays white");
}

TEST(Gif, AnimatedWritesAnAnimatedWebpWithEveryFrameAndItsDelay) {
  GifFolder f;
  const CommandResult r = run_cli({f.in.string(), "-o", f.out.string(), "--animated"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(files_under(f.out), (std::vector<std::string>{"anim_thumbnail.webp", "clear_thumbnail.webp",
                                                          "still_thumbnail.webp"}));
  const test::WebpAnimation anim = test::read_webp_animation(test::read_bytes(f.out / "anim_thumbnail.webp"));
  EXPECT_EQ(anim.canvas, cv::Size(128, 64));
  ASSERT_EQ(anim.frames.size(), 3u);
  EXPECT_EQ(anim.delays_ms, (std::vector<int>{100, 200, 300}));
  // Frame i starts with band colour i: red, green, blue (lossy WebP: within 12 levels).
  const cv::Vec3b first_band[] = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}};
  for (int i = 0; i < 3; ++i)
    expect_near(bgr(anim.frames[std::size_t(i)], 32, 10), first_band[i], 12, "frame " + std::to_string(i));
  // A still GIF stays a still picture (WebP, as its name says).
  EXPECT_EQ(sniff(f.out / "still_thumbnail.webp"), "webp");
  EXPECT_EQ(read_image(f.out / "still_thumbnail.webp").size(), cv::Size(128, 64));
  EXPECT_THROW(test::read_webp_animation(test::read_bytes(f.out / "still_thumbnail.webp")),
               std::runtime_error);
}

TEST(Gif, FrameBoundRefusesABigAnimationUpFrontWithOneLine) {
  GifFolder f;
  // 3 frames of 300x150 = 135000 pixels in all.
  const CommandResult r =
      run_cli({f.in.string(), "-o", f.out.string(), "--animated", "--max-frame-pixels", "134999"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  const auto lines = lines_with(r.err, "anim.gif");
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_NE(
      lines[0].find("animation of 3 frames of 300x150 is 135000 pixels in all, over the limit of 134999 "
                    "(--max-frame-pixels)"),
      std::string::npos)
      << lines[0];
  EXPECT_FALSE(fs::exists(f.out / "anim_thumbnail.webp"));
  EXPECT_TRUE(fs::exists(f.out / "still_thumbnail.webp"));
  EXPECT_TRUE(temp_leftovers(f.tmp.path()).empty());
}

TEST(Gif, MaxPixelsAndTruncationAreOneLineEachAndNoOutput) {
  GifFolder f;
  auto cut = test::make_still_gif(bands(240, 120, 0), kColours);
  cut.resize(cut.size() - 8);  // inside the image data
  test::write_bytes(f.in / "cut.gif", cut);
  const CommandResult r = run_cli({f.in.string(), "-o", f.out.string(), "--max-pixels", "40000"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  const auto big = lines_with(r.err, "anim.gif");
  ASSERT_EQ(big.size(), 1u) << r.err;
  EXPECT_NE(big[0].find("declares 300x150 pixels"), std::string::npos) << big[0];
  const auto broken = lines_with(r.err, "cut.gif");
  ASSERT_EQ(broken.size(), 1u) << r.err;
  EXPECT_NE(broken[0].find("truncated GIF"), std::string::npos) << broken[0];
  EXPECT_EQ(files_under(f.out), (std::vector<std::string>{"clear_thumbnail.png", "still_thumbnail.png"}));
}

TEST(Gif, GalleryDemoMakesThumbnailsOfAGifAndAnAnimatedGif) {
  GifFolder f;
  fs::remove(f.in / "clear.gif");
  const auto gallery = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {kCli,          "gallery", "--demo",      "--samples",
                                     f.in.string(), "-o",      f.out.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return test::run_command(argv, kRunTimeoutS);
  };
  const CommandResult r = gallery({});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  std::vector<std::string> thumbs = files_under(f.out);
  ASSERT_EQ(thumbs.size(), 2u) << describe(r);  // animated entries are no longer left out
  for (const std::string& name : thumbs) {
    EXPECT_EQ(ext_of(name), "png") << name;
    EXPECT_EQ(read_image(f.out / name).size(), cv::Size(128, 64)) << name;
  }
  // --animated: the animated one becomes an animated WebP, named so.
  const fs::path out2 = f.tmp / "out2";
  f.out = out2;
  const CommandResult a = gallery({"--animated"});
  ASSERT_EQ(a.exit_code, 0) << describe(a);
  int animations = 0;
  for (const std::string& name : files_under(out2)) {
    ASSERT_EQ(ext_of(name), "webp") << name;
    const auto bytes = test::read_bytes(out2 / name);
    try {
      EXPECT_EQ(test::read_webp_animation(bytes).frames.size(), 3u) << name;
      ++animations;
    } catch (const std::runtime_error&) {
      EXPECT_EQ(read_image(out2 / name).size(), cv::Size(128, 64)) << name;  // the still GIF
    }
  }
  EXPECT_EQ(animations, 1);
}

}  // namespace
}  // namespace thumbflow::e2e
