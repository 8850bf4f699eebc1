// Helpers shared by the unit and e2e tests: temporary folders, generated images, image
// comparison with a tolerance, and running the CLI.
#pragma once

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

namespace thumbflow::test {

// A fresh folder under the system temp dir, removed (with its content) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A deterministic picture with smooth gradients, edges and some detail; type CV_8UC1/3/4 or
// CV_16UC1/3. With 4 channels the alpha is a left-to-right ramp from 0 to 255.
cv::Mat make_picture(int width, int height, int type, int seed = 1);

// Peak signal-to-noise ratio of the luma (BT.601) of two 8-bit images of the same size
// (1, 3 or 4 channels; alpha ignored). Identical images give 100.
double psnr_luma(const cv::Mat& a, const cv::Mat& b);

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
void write_text(const std::filesystem::path& path, const std::string& text);

// Encodes with OpenCV by extension (".jpg", ".png", ".webp", ".bmp", ".tiff").
std::vector<std::uint8_t> encode(const cv::Mat& image, const std::string& ext, std::vector<int> params = {});

// A baseline JPEG with an APP1 EXIF block holding only IFD0 Orientation = `orientation`.
std::vector<std::uint8_t> jpeg_with_orientation(const cv::Mat& bgr, int orientation, bool big_endian = false);

// `jpeg` with an APP1 EXIF segment holding the TIFF-format block `tiff`, right after SOI.
std::vector<std::uint8_t> with_exif(const std::vector<std::uint8_t>& jpeg,
                                    const std::vector<std::uint8_t>& tiff);

// A big-endian EXIF (TIFF-format) block stating ColorSpace = `colour_space` in the Exif IFD and,
// unless empty, InteroperabilityIndex = `interop_index` ("R98" sRGB, "R03" Adobe RGB) as cameras do.
std::vector<std::uint8_t> exif_colour_space(int colour_space, const std::string& interop_index);

// The stored pixels for an upright picture under EXIF orientation 1..8 (the inverse transform).
cv::Mat store_for_orientation(const cv::Mat& upright, int orientation);

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
  long max_rss_kb = 0;               // peak resident memory of the child
  double seconds_after_signal = -1;  // from the signal (sigint_after_ms) to the end; -1 if none sent
};

// Runs argv[0] with the arguments (no shell), stdin from /dev/null, and waits at most
// `timeout_s` seconds (then kills it and reports exit code -1). With sigint_after_ms >= 0 the
// child gets one SIGINT that many milliseconds after it installed its handler for it, i.e. once it
// is running, not still loading (as from Ctrl-C), or the signal
// `signal_number` (SIGTERM: as from kill or a service manager). stdin_path replaces /dev/null as
// standard input.
CommandResult run_command(const std::vector<std::string>& argv, int timeout_s = 120, int sigint_after_ms = -1,
                          const std::string& stdin_path = "/dev/null", int signal_number = SIGINT);

// In a child after fork(): stdin from `stdin_path`, stdout and stderr to the given descriptors,
// then execv(argv). Never returns (exit status 126 if stdin cannot be opened, 127 if exec fails).
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::string& stdin_path, int out_fd,
                             int err_fd);

}  // namespace thumbflow::test
