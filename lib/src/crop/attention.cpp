// The attention score, after libvips' smartcrop: edges, saturated colour and skin tones, each
// 0..1 per pixel. Unlike libvips (which takes the single brightest point of the blurred sum),
// the window search sums the whole score, and the picture's mean level is removed first so that
// an evenly textured background adds nothing anywhere.
#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "crop/focus.hpp"

namespace thumbflow::detail {
namespace {

// A typical skin colour as a unit vector in (B,G,R): hue matters, brightness does not.
constexpr float kSkinB = 0.44f, kSkinG = 0.57f, kSkinR = 0.78f;
// Skin within this distance of kSkin (on the unit sphere) counts, fading linearly to 0.
constexpr float kSkinReach = 0.12f;
constexpr float kEdgeWeight = 1.0f, kSaturationWeight = 1.0f, kSkinWeight = 1.5f;

cv::Mat skin_score(const cv::Mat& bgr_float) {
  cv::Mat out(bgr_float.size(), CV_32F);
  bgr_float.forEach<cv::Vec3f>([&out](const cv::Vec3f& p, const int* at) {
    const float norm = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    const float lightness = (p[0] + p[1] + p[2]) / 3;
    float s = 0;
    if (norm > 0 && lightness > 0.2f && lightness < 0.95f) {
      const float db = p[0] / norm - kSkinB, dg = p[1] / norm - kSkinG, dr = p[2] / norm - kSkinR;
      s = std::max(0.0f, 1 - std::sqrt(db * db + dg * dg + dr * dr) / kSkinReach);
    }
    out.at<float>(at[0], at[1]) = s;
  });
  return out;
}

}  // namespace

cv::Mat attention_score(const cv::Mat& bgr) {
  cv::Mat f;
  bgr.convertTo(f, CV_32F, 1.0 / 255);
  cv::Mat grey, edges;
  cv::cvtColor(f, grey, cv::COLOR_BGR2GRAY);
  cv::Laplacian(grey, edges, CV_32F, 3);
  edges = cv::abs(edges);
  cv::min(edges, 1.0, edges);

  cv::Mat hsv;
  cv::cvtColor(f, hsv, cv::COLOR_BGR2HSV);
  cv::Mat channels[3];
  cv::split(hsv, channels);
  // Saturation means little in near-black pixels (noise in the shadows).
  cv::Mat lit = channels[2] > 0.15f;
  cv::Mat saturation = cv::Mat::zeros(f.size(), CV_32F);
  channels[1].copyTo(saturation, lit);

  cv::Mat score = kEdgeWeight * edges + kSaturationWeight * saturation + kSkinWeight * skin_score(f);
  const double sigma = std::max(1.0, std::max(score.cols, score.rows) / 64.0);
  cv::GaussianBlur(score, score, cv::Size(), sigma);
  score -= cv::mean(score)[0];
  cv::max(score, 0.0, score);
  return score;
}

}  // namespace thumbflow::detail
