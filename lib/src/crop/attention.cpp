// The attention score, after libvips' smartcrop: edges, saturated colour and skin tones, each
// 0..1 per pixel. Unlike libvips (which takes the single brightest point of the blurred sum),
// the window search sums the whole score, and the picture's mean level is removed first so that
// an evenly textured background adds nothing anywhere.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <opencv2/imgproc.hpp>

#include "crop/focus.hpp"

namespace thumbflow::detail {
namespace {

// A typical skin colour as a unit vector in (B,G,R): hue matters, brightness does not.
constexpr float kSkinB = 0.44f, kSkinG = 0.57f, kSkinR = 0.78f;
// Skin within this distance of kSkin (on the unit sphere) counts, fading linearly to 0.
constexpr float kSkinReach = 0.12f;
constexpr float kEdgeWeight = 1.0f, kSaturationWeight = 1.0f, kSkinWeight = 1.5f;

// 0..1: how near the pixel's hue is to kSkin (b, g, r in 0..1): 1 - |v/|v| - kSkin| / kSkinReach,
// where the lightness is neither near black nor near white. Without branches, so that the loop
// over a row vectorises: |v/|v| - kSkin|^2 = 1 + |kSkin|^2 - 2 (v . kSkin) / |v|.
constexpr float kSkinNorm2 = kSkinB * kSkinB + kSkinG * kSkinG + kSkinR * kSkinR;

inline float skin(float b, float g, float r) {
  const float lightness = (b + g + r) * (1.0f / 3);
  const float dot = b * kSkinB + g * kSkinG + r * kSkinR;
  const float norm = std::sqrt(b * b + g * g + r * r);
  const float distance2 = std::max(0.0f, 1 + kSkinNorm2 - 2 * dot / std::max(norm, 1e-6f));
  const float near = std::max(0.0f, 1 - std::sqrt(distance2) * (1.0f / kSkinReach));
  const bool lit = (lightness > 0.2f) & (lightness < 0.95f);  // not &&: no branch
  return lit ? near : 0.0f;
}

// HSV's S where V > 0.15: saturation means little in near-black pixels, noise in the shadows.
inline float saturation(float b, float g, float r) {
  const float hi = std::max(std::max(b, g), r), lo = std::min(std::min(b, g), r);
  const float s = (hi - lo) / std::max(hi, 1e-6f);
  return hi > 0.15f ? s : 0.0f;
}

}  // namespace

// One pass over the pixels for saturation and skin, added to the edge energy. The colour planes
// are split first so that the per-pixel arithmetic runs on whole vectors of pixels.
cv::Mat attention_score(const cv::Mat& bgr) {
  cv::Mat grey, edges;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::Laplacian(grey, edges, CV_32F, 3, 1.0 / 255);
  cv::Mat planes[3];
  cv::split(bgr, planes);
  cv::Mat score(bgr.size(), CV_32F);
  constexpr float k = 1.0f / 255;
  for (int y = 0; y < bgr.rows; ++y) {
    const std::uint8_t *pb = planes[0].ptr<std::uint8_t>(y), *pg = planes[1].ptr<std::uint8_t>(y),
                       *pr = planes[2].ptr<std::uint8_t>(y);
    const float* e = edges.ptr<float>(y);
    float* out = score.ptr<float>(y);
    for (int x = 0; x < bgr.cols; ++x) {
      const float b = float(pb[x]) * k, g = float(pg[x]) * k, r = float(pr[x]) * k;
      out[x] = kEdgeWeight * std::min(std::abs(e[x]), 1.0f) + kSaturationWeight * saturation(b, g, r) +
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
