#include "crop/crop_plan.hpp"

#include <algorithm>
#include <cmath>

#include "crop/focus.hpp"

namespace thumbflow::detail {
namespace {

// Working copies: small enough to be cheap next to the resize, large enough for the subject
// (attention, entropy) or a face of 20 pixels (face) to show.
constexpr int kScoreSide = 256;
constexpr int kFaceSide = 480;

int at_least_one(double v) { return std::max(1, int(std::lround(v))); }

// Thumbnail size and the window it shows, in original pixels.
std::pair<Dimensions, cv::Size2d> target_and_window(Dimensions original, const ThumbnailOptions& t) {
  const double bw = t.box_width, bh = t.box_height;
  const double cover = std::max(bw / original.width, bh / original.height);
  if (t.allow_enlarge || cover <= 1) {
    return {{t.box_width, t.box_height},
            {std::min<double>(original.width, bw / cover), std::min<double>(original.height, bh / cover)}};
  }
  // The picture does not cover the box: the largest window of the box's shape, not enlarged.
  const double k = std::min(original.width / bw, original.height / bh);
  const Dimensions target{std::min(original.width, at_least_one(bw * k)),
                          std::min(original.height, at_least_one(bh * k))};
  return {target, {double(target.width), double(target.height)}};
}

// Centre of the window, in decoded pixels, for the modes that look at the picture.
cv::Point2d looked_centre(const cv::Mat& pixels, cv::Size window, CropMode mode) {
  const int side = mode == CropMode::Face ? kFaceSide : kScoreSide;
  const cv::Mat work = working_copy(pixels, side);
  const double f = double(work.cols) / pixels.cols;
  const cv::Size w(std::min(work.cols, at_least_one(window.width * f)),
                   std::min(work.rows, at_least_one(window.height * f)));
  const auto centre_of = [&](cv::Point top_left) {
    return cv::Point2d((top_left.x + w.width / 2.0) / f, (top_left.y + w.height / 2.0) / f);
  };
  if (mode == CropMode::Entropy) return centre_of(entropy_window(work, w));
  if (mode == CropMode::Face) {
    const std::vector<cv::Rect> faces = detect_faces(work);
    if (!faces.empty()) {
      // The surest face, then every other face that still fits with those kept.
      cv::Rect kept = faces.front();
      for (const cv::Rect& face : faces)
        if (const cv::Rect both = kept | face; both.width <= w.width && both.height <= w.height) kept = both;
      return {(kept.x + kept.width / 2.0) / f, (kept.y + kept.height / 2.0) / f};
    }
  }
  return centre_of(best_window(attention_score(work), w));
}

}  // namespace

Dimensions cover_size(Dimensions in, Dimensions box, bool allow_enlarge) {
  const double cover = std::max(double(box.width) / in.width, double(box.height) / in.height);
  if (!allow_enlarge && cover >= 1) return in;
  return {std::max(box.width, at_least_one(in.width * cover)),
          std::max(box.height, at_least_one(in.height * cover))};
}

CropPlan plan_crop(const cv::Mat& pixels, cv::Rect2d extent, Dimensions original, const ThumbnailOptions& t) {
  if (extent.width <= 0 || extent.height <= 0) extent = cv::Rect2d(0, 0, pixels.cols, pixels.rows);
  if (original.width <= 0 || original.height <= 0) original = {pixels.cols, pixels.rows};
  const auto [target, window_original] = target_and_window(original, t);
  // Decoded pixels per original pixel, on each axis.
  const double rx = extent.width / original.width, ry = extent.height / original.height;
  const cv::Size window(std::min(pixels.cols, at_least_one(window_original.width * rx)),
                        std::min(pixels.rows, at_least_one(window_original.height * ry)));

  cv::Point2d centre(extent.x + extent.width / 2, extent.y + extent.height / 2);
  if (t.gravity.set())
    centre = {extent.x + t.gravity.x * extent.width, extent.y + t.gravity.y * extent.height};
  else if (t.crop != CropMode::Centre && t.crop != CropMode::None)
    centre = looked_centre(pixels, window, t.crop);

  const int x = std::clamp(int(std::lround(centre.x - window.width / 2.0)), 0, pixels.cols - window.width);
  const int y = std::clamp(int(std::lround(centre.y - window.height / 2.0)), 0, pixels.rows - window.height);
  CropPlan plan;
  plan.window = cv::Rect(x, y, window.width, window.height);
  plan.target = target;
  const int ox = std::clamp(int(std::lround((x - extent.x) / rx)), 0, original.width - 1);
  const int oy = std::clamp(int(std::lround((y - extent.y) / ry)), 0, original.height - 1);
  plan.original = {ox, oy, std::min(original.width - ox, at_least_one(window.width / rx)),
                   std::min(original.height - oy, at_least_one(window.height / ry))};
  return plan;
}

}  // namespace thumbflow::detail
