// WebP decoding on libwebp with scaled decode.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>

#include "image/codec.hpp"
#include "image/format.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

// Canvas size from the header. Throws DecodeError if it is not a WebP header.
Dimensions read_webp_size(Bytes data);

// Decodes to BGRA (CV_8UC4) if the file has alpha, else BGR (CV_8UC3). min_size as for JPEG:
// when non-zero the decoder scales down (keeping the aspect ratio) to about that size, never below.
// Animated WebP: the first frame, composited on the canvas and not scaled (needs libwebpdemux).
// Throws DecodeError with a one-line reason. Thread-safe.
cv::Mat decode_webp(Bytes data, Dimensions min_size);

// As above, but first refuses (DecodeError) a canvas larger than max_pixels (0 = no limit).
cv::Mat decode_webp(Bytes data, Dimensions min_size, std::uint64_t max_pixels);

// Every frame of an animated WebP, each the whole canvas (BGRA) as libwebp's animation decoder
// composites it, with its delay; empty for a still WebP. The frames x canvas pixels bound
// (max_frame_pixels, 0 = none) and the canvas pixel limit are checked before any frame is
// decoded. Throws DecodeError with a one-line reason. Thread-safe.
std::vector<AnimationFrame> decode_webp_frames(Bytes data, std::uint64_t max_pixels,
                                               std::uint64_t max_frame_pixels);

// The size decode_webp scales a still WebP of size `canvas` to: the smallest size with the same
// aspect ratio (each side rounded up) that is >= min_size on both sides, never larger than the
// canvas. A zero side of min_size is unconstrained; {0,0} means the canvas size.
Dimensions webp_scaled_size(Dimensions canvas, Dimensions min_size);

}  // namespace thumbflow::detail
