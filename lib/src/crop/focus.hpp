// Where each crop mode looks. Every function works on a small 8-bit working copy of the picture
// (see working_copy) and answers in its pixel coordinates. Thread-safe.
#pragma once

#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

namespace thumbflow::detail {

// `pixels` (CV_8U/16U/32F; 1, 3 or 4 channels) as 8-bit BGR, shrunk so that its long side is at
// most `long_side` (halved by 2x2 means while at least twice too long, then bilinear); alpha is
// ignored.
cv::Mat working_copy(const cv::Mat& pixels, int long_side);

// The position (top-left) of a window of `window` size over `score` (CV_32F, >= 0) that holds the
// most score. Among windows within a hair of the best, the one whose centre is nearest the score's
// centre of mass inside the best window: a small subject is centred rather than pushed to an edge.
cv::Point best_window(const cv::Mat& score, cv::Size window);

// Attention score per pixel of `bgr` (working copy): edge energy, saturated colour and skin tones,
// weighted and blurred, with the picture's mean level taken away so that an even texture (noise,
// grass) does not count. CV_32F, >= 0.
cv::Mat attention_score(const cv::Mat& bgr);

// Top-left of the `window` of highest grey-level histogram entropy, slid along both axes (one of
// them usually has a single position); ties resolve to the middle of the tied run.
cv::Point entropy_window(const cv::Mat& bgr, cv::Size window);

// The frontal-face cascade file: $THUMBFLOW_FACE_CASCADE if set, else the first of Debian's
// opencv-data locations that exists. Throws std::runtime_error with one line naming the package
// when none is found.
std::string face_cascade_path();

// Where thumbflow's face module (lib/face/face_module.cpp, opened on the first face crop) is:
// $THUMBFLOW_FACE_MODULE if set, else lib/thumbflow/face.so beside the running program's folder
// (PREFIX/bin -> PREFIX/lib/thumbflow; in a build tree build/X/app -> build/X/lib/thumbflow), the
// configured install prefix, /usr, /usr/local. Throws std::runtime_error with one line if none.
std::string face_module_path();

// Both things --crop face needs, the cascade file and the face module, found and loaded: throws
// std::runtime_error with one line naming what is missing. Called before a batch starts.
void check_face_crop();

// Faces found in `bgr` (working copy), best supported first. The cascade is loaded once per thread
// (CascadeClassifier is not safe to share while detecting).
std::vector<cv::Rect> detect_faces(const cv::Mat& bgr);

}  // namespace thumbflow::detail
