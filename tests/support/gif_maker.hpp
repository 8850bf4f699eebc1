// GIFs made with giflib's encoder (EGifOpen on memory), frame by frame with chosen indices,
// palettes, offsets, disposal and transparency, so that decoder tests know every pixel.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace thumbflow::test {

struct GifFrameSpec {
  int left = 0, top = 0;
  cv::Mat indices;                       // CV_8UC1 palette indices, the frame's size
  std::vector<cv::Vec3b> local_colours;  // RGB; empty: the global table
  int disposal = 0;                      // 0 unspecified, 1 keep, 2 to background, 3 to previous
  int transparent = -1;                  // index drawn as transparent, -1 none
  int delay_cs = 0;                      // hundredths of a second
  bool interlaced = false;               // rows stored in the four interlace passes
  bool control_block = true;             // write a graphics control extension before the frame
  // A comment extension between the control extension and the frame, as ImageMagick writes one.
  bool comment_after_control = false;
};

struct GifSpec {
  int width = 0, height = 0;              // logical screen
  std::vector<cv::Vec3b> global_colours;  // RGB; empty: no global table
  std::vector<GifFrameSpec> frames;
  bool loop = false;  // NETSCAPE2.0 loop extension (animations)
};

// Encodes the spec; tables are padded to a power of two with black. Throws std::runtime_error.
std::vector<std::uint8_t> make_gif(const GifSpec& spec);

// One still frame covering the screen, indices from `indices` (CV_8UC1).
std::vector<std::uint8_t> make_still_gif(const cv::Mat& indices, const std::vector<cv::Vec3b>& colours,
                                         int transparent = -1);

}  // namespace thumbflow::test
