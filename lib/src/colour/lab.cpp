#include "colour/lab.hpp"

#include <lcms2.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <opencv2/core.hpp>
#include <stdexcept>
#include <vector>

#include "colour/lcms_context.hpp"
#include "image/decode_error.hpp"

namespace thumbflow::detail {
namespace {

// L*a*b* (D50, doubles) to 8 and 16-bit BGR, made once.
struct Transforms {
  std::array<cmsHTRANSFORM, 2> handles{};
  Transforms() {
    const ProfilePtr lab(cmsCreateLab4ProfileTHR(lcms_context(), nullptr));
    const ProfilePtr srgb(cmsCreate_sRGBProfileTHR(lcms_context()));
    const cmsUInt32Number out[] = {TYPE_BGR_8, TYPE_BGR_16};
    for (std::size_t i = 0; i < handles.size(); ++i)
      handles[i] = cmsCreateTransformTHR(lcms_context(), lab.get(), TYPE_Lab_DBL, srgb.get(), out[i],
                                         INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
  }
  ~Transforms() {
    for (cmsHTRANSFORM t : handles)
      if (t != nullptr) cmsDeleteTransform(t);
  }
  Transforms(const Transforms&) = delete;
  Transforms& operator=(const Transforms&) = delete;
};

// Values relative to another white are taken to D50 (Bradford, as lcms2 adapts).
struct WhiteAdaptation {
  bool needed = false;
  cmsCIEXYZ white{};
  double m[3][3]{};
  explicit WhiteAdaptation(const LabEncoding& e) {
    const cmsCIExyY xyY{e.white_x, e.white_y, 1.0};
    cmsxyY2XYZ(&white, &xyY);
    const cmsCIEXYZ* d50 = cmsD50_XYZ();
    needed = std::abs(white.X - d50->X) > 0.002 || std::abs(white.Z - d50->Z) > 0.002;
    for (int c = 0; c < 3 && needed; ++c) {
      cmsCIEXYZ unit{c == 0 ? 1.0 : 0.0, c == 1 ? 1.0 : 0.0, c == 2 ? 1.0 : 0.0}, adapted;
      cmsAdaptToIlluminant(&adapted, &white, d50, &unit);
      m[0][c] = adapted.X;
      m[1][c] = adapted.Y;
      m[2][c] = adapted.Z;
    }
  }
  void apply(cmsCIELab& lab) const {
    if (!needed) return;
    cmsCIEXYZ xyz;
    cmsLab2XYZ(&white, &xyz, &lab);
    const cmsCIEXYZ d{m[0][0] * xyz.X + m[0][1] * xyz.Y + m[0][2] * xyz.Z,
                      m[1][0] * xyz.X + m[1][1] * xyz.Y + m[1][2] * xyz.Z,
                      m[2][0] * xyz.X + m[2][1] * xyz.Y + m[2][2] * xyz.Z};
    cmsXYZ2Lab(nullptr, &lab, &d);
  }
};

template <typename T>
void convert_rows(const cv::Mat& in, cv::Mat& bgr, const LabEncoding& e, cmsHTRANSFORM t) {
  const WhiteAdaptation adaptation(e);
  constexpr double top = sizeof(T) == 1 ? 255.0 : 65535.0, unit = sizeof(T) == 1 ? 1.0 : 256.0;
  const int n = in.channels();
  std::vector<cmsCIELab> row(std::size_t(in.cols));
  for (int y = 0; y < in.rows; ++y) {
    const T* p = in.ptr<T>(y);
    for (int x = 0; x < in.cols; ++x, p += n) {
      const auto ab = [&](T v) { return (double(v) - 128.0 * unit) / unit; };
      cmsCIELab& lab = row[std::size_t(x)];
      lab = {double(p[0]) * 100.0 / top, ab(p[1]), ab(p[2])};
      adaptation.apply(lab);
    }
    cmsDoTransform(t, row.data(), bgr.ptr(y), cmsUInt32Number(in.cols));
  }
}

}  // namespace

cv::Mat lab_to_srgb(const cv::Mat& lab, const LabEncoding& encoding) {
  static const Transforms transforms;
  const bool sixteen = lab.depth() == CV_16U;
  if ((lab.depth() != CV_8U && !sixteen) || (lab.channels() != 3 && lab.channels() != 4))
    throw std::invalid_argument("lab_to_srgb: 8 or 16-bit Lab with or without alpha");
  const cmsHTRANSFORM t = transforms.handles[sixteen ? 1 : 0];
  if (t == nullptr) throw DecodeError("cannot convert CIE L*a*b* to sRGB (lcms2)");
  cv::Mat bgr(lab.size(), CV_MAKETYPE(lab.depth(), 3));
  if (sixteen)
    convert_rows<std::uint16_t>(lab, bgr, encoding, t);
  else
    convert_rows<std::uint8_t>(lab, bgr, encoding, t);
  if (lab.channels() == 3) return bgr;
  cv::Mat alpha, out;
  cv::extractChannel(lab, alpha, 3);
  std::vector<cv::Mat> planes;
  cv::split(bgr, planes);
  planes.push_back(alpha);
  cv::merge(planes, out);
  return out;
}

}  // namespace thumbflow::detail
