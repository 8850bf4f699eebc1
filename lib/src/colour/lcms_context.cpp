#include "colour/lcms_context.hpp"

namespace thumbflow::detail {
namespace {

void silent(cmsContext, cmsUInt32Number, const char*) {}

}  // namespace

cmsContext lcms_context() {
  static const cmsContext context = [] {
    cmsContext c = cmsCreateContext(nullptr, nullptr);
    cmsSetLogErrorHandlerTHR(c, silent);
    return c;
  }();
  return context;
}

std::vector<std::uint8_t> save_profile(cmsHPROFILE profile) {
  cmsUInt32Number size = 0;
  if (profile == nullptr || !cmsSaveProfileToMem(profile, nullptr, &size) || size == 0) return {};
  std::vector<std::uint8_t> out(size);
  if (!cmsSaveProfileToMem(profile, out.data(), &size)) return {};
  out.resize(size);
  return out;
}

cmsToneCurve* srgb_curve() {
  const cmsFloat64Number params[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
  return cmsBuildParametricToneCurve(lcms_context(), 4, params);
}

}  // namespace thumbflow::detail
