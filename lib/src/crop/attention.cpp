// The attention score, after libvips' smartcrop: edges, saturated colour and skin tones, each
// 0..1 per pixel. Unlike libvips (which takes the single brightest point of the blurred sum),
// the window search sums the whole score, and the picture's mean level is removed first so that
// an evenly textured background adds nothing anywhere.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "crop/focus.hpp"

namespace thumbflow::detail {
namespace {

// A typical skin colour as a unit vector in (B,G,R): hue matters, brightness does not.
constexpr float kSkinB = 0.44f, kSkinG = 0.57f, kSkinR = 0.78f;
// Skin within this distance of kSkin (on the unit sphere) counts, fading linearly to 0.
constexpr float kSkinReach = 0.12f;
constexpr float kEdgeWeight = 1.0f, kSaturationWeight = 1.0f, kSkinWeight = 1.5f;

// 0..1: how near the pixel's hue is to kSkin (b, g, r in 0..1). A unit vector lies within
// kSkinReach of kSkin when its cosine to it is above kSkinCos: most pixels stop at that test.
constexpr float kSkinCos = 1 - kSkinReach * kSkinReach / 2;

float skin(float b, float g, float r) {
  const float lightness = (b + g + r) / 3;
  if (lightness <= 0.2f || lightness >= 0.95f) return 0;
  const float dot = b * kSkinB + g * kSkinG + r * kSkinR, norm2 = b * b + g * g + r * r;
  if (dot <= 0 || dot * dot <= kSkinCos * kSkinCos * norm2) return 0;
  const float norm = std::sqrt(norm2);
  const float db = b / norm - kSkinB, dg = g / norm - kSkinG, dr = r / norm - kSkinR;
  return std::max(0.0f, 1 - std::sqrt(db * db + dg * dg + dr * dr) / kSkinReach);
}

}  // namespace

// One pass over the pixels for saturation and skin (HSV's S where V > 0.15: saturation means
// little in near-black pixels, noise in the shadows), added to the edge energy.
cv::Mat attention_score(const cv::Mat& bgr) {
  cv::Mat grey, edges;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::Laplacian(grey, edges, CV_32F, 3, 1.0 / 255);
  cv::Mat score(bgr.size(), CV_32F);
  for (int y = 0; y < bgr.rows; ++y) {
    const cv::Vec3b* p = bgr.ptr<cv::Vec3b>(y);
    const float* e = edges.ptr<float>(y);
    float* out = score.ptr<float>(y);
    for (int x = 0; x < bgr.cols; ++x) {
      const float b = p[x][0] / 255.0f, g = p[x][1] / 255.0f, r = p[x][2] / 255.0f;
      const float hi = std::max({b, g, r}), lo = std::min({b, g, r});
      const float saturation = hi > 0.15f ? (hi - lo) / hi : 0.0f;
      out[x] = kEdgeWeight * std::min(std::abs(e[x]), 1.0f) + kSaturationWeight * saturation +
               kSkinWeight * skin(b, g, r);
    }
  }
  const double sigma = std::max(1.0, std::max(score.cols, score.rows) / 64.0);
  cv::GaussianBlur(score, score, cv::Size(), sigma);
  score -= cv::mean(score)[0];
  cv::max(score, 0.0, score);
  return score;
}

}  // namespace thumbflow::detail
