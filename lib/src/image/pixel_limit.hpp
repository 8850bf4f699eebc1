#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>

#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

// Throws DecodeError("declares WxH pixels (N MP), over the limit of M MP (--max-pixels)") when
// width*height exceeds max_pixels; 0 means no limit. Used before any pixel is decoded.
void check_pixel_limit(Dimensions size, std::uint64_t max_pixels);

// The same for a file of `declared` size whose decoder holds only `held` pixels (a JPEG decoded at
// a DCT scale): the limit is on `held`, and the message names both when they differ.
void check_pixel_limit(Dimensions declared, Dimensions held, std::uint64_t max_pixels);

// Throws DecodeError("animation of N frames of WxH is P pixels in all, over the limit of M
// (--max-frame-pixels)") when frames x canvas pixels exceeds max_frame_pixels; 0 means no limit.
// Used after counting an animation's frames, before decoding any of them.
void check_frame_budget(std::uint64_t frames, Dimensions canvas, std::uint64_t max_frame_pixels);

// The thumbnails of one picture about to be made: `pixels` is the sum of their sizes (width x
// height), `frames` the animation's frame count (0 for a still picture). Throws DecodeError when a
// still's thumbnails hold more than max_pixels in all, or an animation's frames x pixels exceed
// max_frame_pixels ("thumbnails of 16 sizes are 1073.5 MP in all, over the limit of 100 MP
// (--max-pixels)", "animated thumbnails of 1 size are 20 frames x 9216 = 184320 pixels in all, over
// the limit of 100000 (--max-frame-pixels)"); 0 means no limit. Used before resizing: an enlarged box or many
// sizes can make far more pixels than the decoded picture had (a 2x2 GIF of 20 frames enlarged to 4096x4096
// took 2 GB).
void check_thumbnail_pixels(std::uint64_t pixels, std::size_t sizes, std::uint64_t frames,
                            std::uint64_t max_pixels, std::uint64_t max_frame_pixels);

// A rows x cols image of OpenCV `type` for a decoder to fill; a failed allocation is the item's
// DecodeError("cannot decode <format>: not enough memory for WxH pixels"), not a cv::Exception.
cv::Mat allocate_pixels(int rows, int cols, int type, const char* format);

}  // namespace thumbflow::detail
