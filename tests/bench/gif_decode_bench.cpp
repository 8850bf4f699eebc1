// thumbflow_gif_decode_bench [--mp N] [--repeat R]
// Cost of the GIF reader per megapixel: makes a photo-like GIF of about N megapixels (default 12)
// in memory with giflib's encoder (a 3-3-2 palette of a generated picture, so LZW meets a busy
// image, not flat colour), then decodes it R times (default 9) on one thread, as the pipeline
// does (decode_gif: LZW, compositing on the screen, BGR out), and prints the median in ms and
// ms per MP. Also times a 10-frame animation of N/10 MP frames with every frame kept (--animated).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "gif_maker.hpp"
#include "image/gif_decoder.hpp"
#include "test_support.hpp"

using namespace thumbflow;

namespace {

std::vector<cv::Vec3b> palette_332() {
  std::vector<cv::Vec3b> colours;
  for (int i = 0; i < 256; ++i)
    colours.push_back({std::uint8_t((i >> 5) * 255 / 7), std::uint8_t(((i >> 2) & 7) * 255 / 7),
                       std::uint8_t((i & 3) * 255 / 3)});
  return colours;
}

cv::Mat indices_332(const cv::Mat& bgr) {
  cv::Mat out(bgr.size(), CV_8UC1);
  for (int y = 0; y < bgr.rows; ++y)
    for (int x = 0; x < bgr.cols; ++x) {
      const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);
      out.at<std::uint8_t>(y, x) = std::uint8_t((p[2] >> 5) << 5 | (p[1] >> 5) << 2 | p[0] >> 6);
    }
  return out;
}

// This thread's CPU time: on a shared machine it is the figure that does not depend on the load.
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

struct Timing {
  double wall_ms, cpu_ms;  // medians
};

Timing median_ms(const std::vector<std::uint8_t>& gif, bool all_frames, int repeat) {
  std::vector<double> wall, cpu;
  detail::DecodeRequest request;
  request.all_frames = all_frames;
  for (int i = 0; i < repeat; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_ms();
    const detail::DecodedPixels d = detail::decode_gif(gif, request);
    cpu.push_back(cpu_ms() - cpu_start);
    wall.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (d.pixels.empty()) std::abort();
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  double mp = 12;
  int repeat = 9;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--mp") == 0) mp = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  const int w = int(std::sqrt(mp * 1e6 * 4 / 3)), h = w * 3 / 4;
  const cv::Mat picture = test::make_picture(w, h, CV_8UC3);
  const auto still = test::make_still_gif(indices_332(picture), palette_332());
  const Timing still_ms = median_ms(still, false, repeat);
  const double still_mp = double(w) * h / 1e6;
  std::printf(
      "still GIF %dx%d (%.1f MP, %zu bytes), %d runs on one thread: median wall %.1f ms (%.2f ms/MP), "
      "CPU %.1f ms (%.2f ms/MP)\n",
      w, h, still_mp, still.size(), repeat, still_ms.wall_ms, still_ms.wall_ms / still_mp, still_ms.cpu_ms,
      still_ms.cpu_ms / still_mp);

  const int fw = int(w / std::sqrt(10.0)), fh = fw * 3 / 4;
  test::GifSpec anim{fw, fh, palette_332(), {}};
  for (int f = 0; f < 10; ++f) {
    test::GifFrameSpec frame;
    frame.indices = indices_332(test::make_picture(fw, fh, CV_8UC3, f + 1));
    frame.delay_cs = 5;
    anim.frames.push_back(frame);
  }
  const auto animation = test::make_gif(anim);
  const Timing anim_ms = median_ms(animation, true, repeat);
  const double anim_mp = 10.0 * fw * fh / 1e6;
  std::printf(
      "animated GIF 10 x %dx%d (%.1f MP in all), every frame: median wall %.1f ms (%.2f ms/MP), CPU %.1f "
      "ms (%.2f ms/MP)\n",
      fw, fh, anim_mp, anim_ms.wall_ms, anim_ms.wall_ms / anim_mp, anim_ms.cpu_ms, anim_ms.cpu_ms / anim_mp);
  return 0;
}
