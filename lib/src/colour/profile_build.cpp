#include "colour/profile_build.hpp"

#include <algorithm>
#include <cmath>

#include "colour/lcms_context.hpp"

namespace thumbflow::detail {
namespace {

struct Primaries {
  cmsCIExyY white;
  cmsCIExyYTRIPLE rgb;
};

constexpr cmsCIExyY kD65{0.3127, 0.3290, 1.0};
constexpr Primaries kSrgb{kD65, {{0.64, 0.33, 1}, {0.30, 0.60, 1}, {0.15, 0.06, 1}}};
constexpr Primaries kBt2020{kD65, {{0.708, 0.292, 1}, {0.170, 0.797, 1}, {0.131, 0.046, 1}}};
constexpr Primaries kDisplayP3{kD65, {{0.680, 0.320, 1}, {0.265, 0.690, 1}, {0.150, 0.060, 1}}};
constexpr Primaries kAdobeRgb{kD65, {{0.64, 0.33, 1}, {0.21, 0.71, 1}, {0.15, 0.06, 1}}};
constexpr Primaries kDciP3{{0.314, 0.351, 1}, {{0.680, 0.320, 1}, {0.265, 0.690, 1}, {0.150, 0.060, 1}}};

// HDR signals are shown on an SDR display by taking the reference white (ITU-R BT.2408: 203 cd/m2)
// as the display's white and clipping what is brighter.
constexpr double kReferenceWhiteNits = 203;

double pq_to_relative(double e) {
  constexpr double m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128, c1 = 3424.0 / 4096;
  constexpr double c2 = 2413.0 / 4096 * 32, c3 = 2392.0 / 4096 * 32;
  const double p = std::pow(e, 1 / m2);
  const double nits = 10000 * std::pow(std::max(p - c1, 0.0) / (c2 - c3 * p), 1 / m1);
  return std::min(1.0, nits / kReferenceWhiteNits);
}

// BT.2100 HLG inverse OETF, then the OOTF of a 1000 cd/m2 display (gamma 1.2), per channel.
double hlg_to_relative(double e) {
  constexpr double a = 0.17883277, b = 0.28466892, c = 0.55991073;
  const double scene = e <= 0.5 ? e * e / 3 : (std::exp((e - c) / a) + b) / 12;
  return std::min(1.0, 1000 * std::pow(scene, 1.2) / kReferenceWhiteNits);
}

cmsToneCurve* table_curve(double (*f)(double)) {
  constexpr int kEntries = 4096;
  std::vector<cmsFloat32Number> values(kEntries);
  for (int i = 0; i < kEntries; ++i) values[std::size_t(i)] = float(f(i / double(kEntries - 1)));
  return cmsBuildTabulatedToneCurveFloat(lcms_context(), kEntries, values.data());
}

cmsToneCurve* gamma_curve(double gamma) { return cmsBuildGamma(lcms_context(), gamma); }

cmsToneCurve* bt709_curve() {
  const cmsFloat64Number params[5] = {1 / 0.45, 1 / 1.099, 0.099 / 1.099, 1 / 4.5, 0.081};
  return cmsBuildParametricToneCurve(lcms_context(), 4, params);
}

// An RGB profile, or a gray one (`p`'s white and `curve`) when `grey`. Takes ownership of `curve`.
std::vector<std::uint8_t> rgb_profile(const Primaries& p, cmsToneCurve* curve, bool grey = false) {
  if (curve == nullptr) return {};
  cmsToneCurve* curves[3] = {curve, curve, curve};
  const ProfilePtr profile(grey ? cmsCreateGrayProfileTHR(lcms_context(), &p.white, curve)
                                : cmsCreateRGBProfileTHR(lcms_context(), &p.white, &p.rgb, curves));
  cmsFreeToneCurve(curve);
  return save_profile(profile.get());
}

bool valid_xy(double x, double y) { return x > 0 && x < 1 && y > 0 && y < 1 && x + y <= 1; }

}  // namespace

std::vector<std::uint8_t> profile_from_png_chunks(std::optional<std::uint32_t> gamma,
                                                  std::optional<PngChromaticities> chrm, bool grey,
                                                  std::vector<std::string>& warnings) {
  // A gamma of 1/2.2 alone is how many encoders say "sRGB": the curves differ by under 1%.
  if (!chrm && gamma && *gamma >= 45000 && *gamma <= 46000) return {};
  Primaries p = kSrgb;
  if (chrm) {
    const double* v = chrm->xy;
    if (valid_xy(v[0], v[1]) && valid_xy(v[2], v[3]) && valid_xy(v[4], v[5]) && valid_xy(v[6], v[7]))
      p = {{v[0], v[1], 1}, {{v[2], v[3], 1}, {v[4], v[5], 1}, {v[6], v[7], 1}}};
    else
      warnings.push_back("PNG cHRM chunk out of range; ignored, sRGB primaries assumed");
  }
  if (gamma && (*gamma < 1000 || *gamma > 1000000)) {  // a decoding exponent outside 0.1 .. 100
    warnings.push_back("PNG gAMA chunk out of range; ignored, the sRGB curve assumed");
    gamma.reset();
  }
  std::vector<std::uint8_t> icc = rgb_profile(p, gamma ? gamma_curve(100000.0 / *gamma) : srgb_curve(), grey);
  if (icc.empty()) warnings.push_back("PNG gAMA/cHRM chunks make no usable profile; colours treated as sRGB");
  return icc;
}

std::vector<std::uint8_t> profile_from_cicp(const Cicp& cicp, std::vector<std::string>& warnings) {
  const Primaries* p = &kSrgb;
  switch (cicp.primaries) {
    case 1:
    case 2:
      break;
    case 9:
      p = &kBt2020;
      break;
    case 11:
      p = &kDciP3;
      break;
    case 12:
      p = &kDisplayP3;
      break;
    default:
      warnings.push_back("colour primaries " + std::to_string(cicp.primaries) +
                         " (H.273) not supported; sRGB primaries assumed");
  }
  cmsToneCurve* curve = nullptr;
  switch (cicp.transfer) {
    case 2:
    case 13:
      if (p == &kSrgb) return {};  // plain sRGB: nothing to convert
      curve = srgb_curve();
      break;
    case 1:
    case 6:
    case 14:
    case 15:
      curve = bt709_curve();
      break;
    case 4:
      curve = gamma_curve(2.2);
      break;
    case 5:
      curve = gamma_curve(2.8);
      break;
    case 8:
      curve = gamma_curve(1.0);
      break;
    case 16:
      warnings.push_back("HDR (PQ) picture shown as SDR: brightness above 203 cd/m2 is clipped");
      curve = table_curve(pq_to_relative);
      break;
    case 18:
      warnings.push_back("HDR (HLG) picture shown as SDR: brightness above 203 cd/m2 is clipped");
      curve = table_curve(hlg_to_relative);
      break;
    default:
      warnings.push_back("transfer characteristics " + std::to_string(cicp.transfer) +
                         " (H.273) not supported; the sRGB curve assumed");
      if (p == &kSrgb) return {};
      curve = srgb_curve();
  }
  return rgb_profile(*p, curve);
}

const std::vector<std::uint8_t>& adobe_rgb_profile() {
  // Adobe RGB (1998): D65, its primaries, a pure power curve of 563/256 (about 2.2).
  static const std::vector<std::uint8_t> bytes = rgb_profile(kAdobeRgb, gamma_curve(563.0 / 256));
  return bytes;
}

}  // namespace thumbflow::detail
