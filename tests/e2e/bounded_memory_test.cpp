// Peak memory must not grow with the number of images: the limiter bounds the images in flight
// and every buffer is released when its item is done.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "test_support.hpp"

namespace thumbflow::test {
namespace {

// `count` distinct 1600x1200 JPEGs made from one generated picture.
void make_set(const std::filesystem::path& dir, int count, const cv::Mat& base) {
  for (int i = 0; i < count; ++i) {
    cv::Mat img;
    base.convertTo(img, -1, 1.0, double(i % 31) - 15.0);
    write_bytes(dir / ("img" + std::to_string(i) + ".jpg"),
                encode(img, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}));
  }
}

long peak_rss_kb(const std::filesystem::path& in, const std::filesystem::path& out, const std::string& mode) {
  std::vector<std::string> argv = {THUMBFLOW_CLI, "run", in.string(), "-o",
                                   out.string(),  "-q",  "--decode",  "full"};
  if (!mode.empty()) argv.push_back(mode);
  const CommandResult r = run_command(argv, 300);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.max_rss_kb;
}

TEST(BoundedMemory, TenTimesMoreImagesUseAboutTheSamePeakMemory) {
  TempDir dir;
  cv::Mat base = make_picture(1600, 1200, CV_8UC3);
  cv::Mat noise(base.size(), CV_8UC3);
  cv::randu(noise, 0, 48);
  base += noise;  // fine detail makes the JPEGs realistic in size (about 1 MB)
  make_set(dir / "small", 8, base);
  make_set(dir / "large", 80, base);  // a leak of the inputs alone would add ~80 MB
  for (const std::string mode : {"--serial", ""}) {
    const long small = peak_rss_kb(dir / "small", dir / ("out_small" + mode), mode);
    const long large = peak_rss_kb(dir / "large", dir / ("out_large" + mode), mode);
    RecordProperty("peak_rss_kb_8" + mode, std::to_string(small));
    RecordProperty("peak_rss_kb_80" + mode, std::to_string(large));
    EXPECT_LT(large, small + 20 * 1024)
        << "8 images: " << small << " KB, 80 images: " << large << " KB" << mode;
  }
}

// Found by a hostile sweep: a file that is no image was read whole before its first bytes were
// looked at; four queue jobs naming a 900 MB file under an input root took a worker to 1.87 GB.
// Now its first 64 KiB decide, and the rest is not read.
TEST(BoundedMemory, ABigFileThatIsNoImageIsNotReadWhole) {
  TempDir dir;
  write_bytes(dir / "in" / "video.jpg", std::vector<std::uint8_t>(16, 'x'));
  std::filesystem::resize_file(dir / "in" / "video.jpg", 512u << 20);  // sparse: costs no disk
  const CommandResult r = run_command({THUMBFLOW_CLI, "run", (dir / "in").string(), "-o",
                                       (dir / "out").string(), "-q", "--no-html", "-j", "1"},
                                      120);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("video.jpg: not an image (unrecognised content)"), std::string::npos) << r.err;
  RecordProperty("peak_rss_kb", std::to_string(r.max_rss_kb));
  EXPECT_LT(r.max_rss_kb, 200 * 1024) << "the 512 MB file was read";
}

}  // namespace
}  // namespace thumbflow::test
