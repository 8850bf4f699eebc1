#include "colour/convert.hpp"

#include <opencv2/core.hpp>
#include <utility>
#include <vector>

#include "colour/profile_build.hpp"
#include "colour/transform_cache.hpp"
#include "image/jpeg_decoder.hpp"

namespace thumbflow::detail {
namespace {

cv::Mat apply(const ColourTransform& t, const cv::Mat& in) {
  cv::Mat src = in.isContinuous() ? in : in.clone();
  cv::Mat out(src.size(), t.output_type);
  cmsDoTransformLineStride(t.handle, src.data, out.data, cmsUInt32Number(src.cols), cmsUInt32Number(src.rows),
                           cmsUInt32Number(src.step), cmsUInt32Number(out.step), 0, 0);
  return out;
}

// Whether a gray profile's `t` applies to BGR/BGRA `pixels`: grey spread to three channels.
bool spread_grey(const ColourTransform& t, const cv::Mat& pixels) {
  if (!t.grey_channel) return false;
  cv::Mat b, g, r;
  cv::extractChannel(pixels, b, 0);
  cv::extractChannel(pixels, g, 1);
  cv::extractChannel(pixels, r, 2);
  return cv::norm(b, g, cv::NORM_INF) == 0 && cv::norm(g, r, cv::NORM_INF) == 0;
}

// Spread grey through a gray -> gray transform, one channel, spread again; alpha copied.
cv::Mat apply_to_grey(const ColourTransform& t, const cv::Mat& in) {
  cv::Mat grey, out;
  cv::extractChannel(in, grey, 0);
  const cv::Mat converted = apply(t, grey);
  std::vector<cv::Mat> planes = {converted, converted, converted};
  if (in.channels() == 4) cv::extractChannel(in, planes.emplace_back(), 3);
  cv::merge(planes, out);
  return out;
}

// The pixels in sRGB, or the same pixels (and a warning) when the profile cannot be used.
cv::Mat to_srgb(Bytes icc, const cv::Mat& pixels, bool cmyk, std::vector<std::string>& warnings) {
  const auto t = transform_to_srgb(icc, pixels.type(), cmyk);
  const bool grey = spread_grey(*t, pixels);
  if (!t->problem.empty() && !grey) {
    warnings.push_back(t->problem + "; colours treated as sRGB");
    return cmyk ? cmyk_to_bgr(pixels, false) : pixels;
  }
  if (t->srgb) return pixels;
  return grey ? apply_to_grey(*t, pixels) : apply(*t, pixels);
}

}  // namespace

void manage_colour(DecodedImage& image, ColourMode mode) {
  std::vector<std::uint8_t> icc = std::move(image.icc);
  image.icc.clear();
  if (icc.empty() && (image.cicp.primaries != 2 || image.cicp.transfer != 2))
    icc = profile_from_cicp(image.cicp, image.warnings);
  if (image.cmyk) {
    if (icc.empty())
      image.pixels = cmyk_to_bgr(image.pixels, false);
    else
      image.pixels = to_srgb(icc, image.pixels, true, image.warnings);
    image.cmyk = false;
    return;
  }
  if (icc.empty()) return;
  if (mode == ColourMode::Keep) {
    // Embedding a profile the picture does not match would mislead every viewer.
    const auto t = transform_to_srgb(icc, image.pixels.type(), false);
    if (t->problem.empty()) {
      image.icc = std::move(icc);
      return;
    }
    if (!spread_grey(*t, image.pixels)) {
      image.warnings.push_back(t->problem + "; not kept in the thumbnail");
      return;
    }
    // A gray profile cannot go into a colour thumbnail: spread grey is converted to sRGB instead.
  }
  image.pixels = to_srgb(icc, image.pixels, false, image.warnings);
  for (AnimationFrame& frame : image.frames) {
    std::vector<std::string> repeated;  // the first frame already said what was wrong
    frame.pixels = to_srgb(icc, frame.pixels, false, repeated);
  }
}

}  // namespace thumbflow::detail
