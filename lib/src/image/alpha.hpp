// Straight alpha for the thumbnail stages, from decoders that return premultiplied colour.
#pragma once

#include <opencv2/core/mat.hpp>

namespace thumbflow::detail {

// Divides the colour of a 4-channel (CV_8U, CV_16U or CV_32F, colour 0..1) image by its alpha, in
// place; where alpha is 0 the colour becomes 0. Colour above its alpha (not a valid premultiplied
// value) saturates.
void unpremultiply(cv::Mat& bgra);

}  // namespace thumbflow::detail
