// WebP decoding on libwebp with scaled decode.
#pragma once

#include <opencv2/core/mat.hpp>

#include "image/format.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

// Canvas size from the header. Throws DecodeError if it is not a WebP header.
Dimensions read_webp_size(Bytes data);

// Decodes to BGRA (CV_8UC4) if the file has alpha, else BGR (CV_8UC3). min_size as for JPEG:
// when non-zero the decoder scales down (keeping the aspect ratio) to about that size, never below.
// Animated WebP: first frame. Throws DecodeError. Thread-safe.
cv::Mat decode_webp(Bytes data, Dimensions min_size);

}  // namespace thumbflow::detail
