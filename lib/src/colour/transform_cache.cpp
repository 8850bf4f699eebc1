#include "colour/transform_cache.hpp"

#include <array>
#include <cmath>
#include <mutex>
#include <opencv2/core.hpp>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "colour/lcms_context.hpp"

namespace thumbflow::detail {
namespace {

// A hostile batch could bring a new profile with every file: past this many entries the cache
// starts again (transforms in use live on through their shared_ptr).
constexpr std::size_t kMaxEntries = 256;

struct Entry {
  std::vector<std::uint8_t> icc;
  int cv_type;
  bool cmyk;
  std::shared_ptr<const ColourTransform> transform;
};

struct Cache {
  std::shared_mutex mutex;
  std::unordered_multimap<std::uint64_t, Entry> entries;
};

Cache& cache() {
  static Cache c;
  return c;
}

std::uint64_t fnv1a(Bytes data, std::uint64_t seed) {
  std::uint64_t h = 14695981039346656037ull ^ seed;
  for (std::uint8_t b : data) h = (h ^ b) * 1099511628211ull;
  return h;
}

// lcms2 pixel formats for an OpenCV type; 0 when there is none.
cmsUInt32Number lcms_format(int cv_type, bool cmyk) {
  if (cmyk) return cv_type == CV_8UC4 ? TYPE_CMYK_8 : cv_type == CV_8UC(5) ? TYPE_CMYKA_8 : 0;
  switch (cv_type) {
    case CV_8UC1:
      return TYPE_GRAY_8;
    case CV_16UC1:
      return TYPE_GRAY_16;
    case CV_32FC1:
      return TYPE_GRAY_FLT;
    case CV_8UC3:
      return TYPE_BGR_8;
    case CV_16UC3:
      return TYPE_BGR_16;
    case CV_32FC3:
      return TYPE_BGR_FLT;
    case CV_8UC4:
      return TYPE_BGRA_8;
    case CV_16UC4:
      return TYPE_BGRA_16;
    case CV_32FC4:
      return TYPE_BGRA_FLT;
    default:
      return 0;
  }
}

const char* space_name(cmsColorSpaceSignature s) {
  switch (s) {
    case cmsSigGrayData:
      return "gray";
    case cmsSigRgbData:
      return "RGB";
    case cmsSigCmykData:
      return "CMYK";
    default:
      return "another colour space";
  }
}

cmsColorSpaceSignature pixel_space(int cv_type, bool cmyk) {
  if (cmyk) return cmsSigCmykData;
  return CV_MAT_CN(cv_type) == 1 ? cmsSigGrayData : cmsSigRgbData;
}

const ProfilePtr& srgb_reference() {
  static const ProfilePtr p(cmsCreate_sRGBProfileTHR(lcms_context()));
  return p;
}

bool close_xyz(cmsHPROFILE a, cmsHPROFILE b, cmsTagSignature tag) {
  const auto* x = static_cast<const cmsCIEXYZ*>(cmsReadTag(a, tag));
  const auto* y = static_cast<const cmsCIEXYZ*>(cmsReadTag(b, tag));
  constexpr double kTolerance = 0.003;
  return x != nullptr && y != nullptr && std::abs(x->X - y->X) < kTolerance &&
         std::abs(x->Y - y->Y) < kTolerance && std::abs(x->Z - y->Z) < kTolerance;
}

// Within 1/255 of sRGB's curve everywhere that matters.
bool srgb_like_curve(cmsHPROFILE p, cmsTagSignature tag) {
  const auto* curve = static_cast<const cmsToneCurve*>(cmsReadTag(p, tag));
  if (curve == nullptr) return false;
  cmsToneCurve* reference = srgb_curve();
  bool same = reference != nullptr;
  for (float v = 0.0f; same && v <= 1.0f; v += 1.0f / 32)
    same = std::abs(cmsEvalToneCurveFloat(curve, v) - cmsEvalToneCurveFloat(reference, v)) < 0.004f;
  if (reference != nullptr) cmsFreeToneCurve(reference);
  return same;
}

const ProfilePtr& srgb_gray() {
  static const ProfilePtr p([] {
    cmsToneCurve* curve = srgb_curve();
    cmsHPROFILE g = cmsCreateGrayProfileTHR(lcms_context(), cmsD50_xyY(), curve);
    cmsFreeToneCurve(curve);
    return g;
  }());
  return p;
}

std::shared_ptr<ColourTransform> build(Bytes icc, int cv_type, bool cmyk) {
  auto t = std::make_shared<ColourTransform>();
  if (lcms_format(cv_type, cmyk) == 0) {
    t->problem = "pixels of this type cannot be colour managed";
    return t;
  }
  const ProfilePtr profile(cmsOpenProfileFromMemTHR(lcms_context(), icc.data(), cmsUInt32Number(icc.size())));
  if (!profile) {
    t->problem = "unreadable ICC profile";
    return t;
  }
  const cmsColorSpaceSignature space = cmsGetColorSpace(profile.get());
  if (space != pixel_space(cv_type, cmyk)) {
    t->problem = std::string("the ICC profile is for ") + space_name(space) + " but the picture is " +
                 space_name(pixel_space(cv_type, cmyk));
    t->grey_channel = space == cmsSigGrayData && !cmyk;
    if (!t->grey_channel) return t;
    cv_type = CV_MAKETYPE(CV_MAT_DEPTH(cv_type), 1);
  }
  const cmsUInt32Number in_format = lcms_format(cv_type, cmyk);
  const bool gray = space == cmsSigGrayData;
  if ((!gray && is_srgb_profile(profile.get())) ||
      (gray && srgb_like_curve(profile.get(), cmsSigGrayTRCTag))) {
    t->srgb = true;
    return t;
  }
  const bool cmyk_alpha = cmyk && T_EXTRA(in_format) > 0;
  t->output_type = cmyk ? (cmyk_alpha ? CV_8UC4 : CV_8UC3) : cv_type;
  const cmsUInt32Number out_format = cmyk ? (cmyk_alpha ? TYPE_BGRA_8 : TYPE_BGR_8) : in_format;
  cmsUInt32Number flags = cmsFLAGS_BLACKPOINTCOMPENSATION | cmsFLAGS_NOCACHE;
  if (T_EXTRA(in_format) > 0) flags |= cmsFLAGS_COPY_ALPHA;
  t->handle = cmsCreateTransformTHR(lcms_context(), profile.get(), in_format,
                                    gray ? srgb_gray().get() : srgb_reference().get(), out_format,
                                    INTENT_RELATIVE_COLORIMETRIC, flags);
  if (t->handle == nullptr) {
    t->problem = "the ICC profile cannot be used for a conversion to sRGB";
    t->grey_channel = false;
  }
  return t;
}

}  // namespace

ColourTransform::~ColourTransform() {
  if (handle != nullptr) cmsDeleteTransform(handle);
}

bool is_srgb_profile(cmsHPROFILE p) {
  const cmsHPROFILE s = srgb_reference().get();
  return cmsGetColorSpace(p) == cmsSigRgbData && close_xyz(p, s, cmsSigRedColorantTag) &&
         close_xyz(p, s, cmsSigGreenColorantTag) && close_xyz(p, s, cmsSigBlueColorantTag) &&
         srgb_like_curve(p, cmsSigRedTRCTag) && srgb_like_curve(p, cmsSigGreenTRCTag) &&
         srgb_like_curve(p, cmsSigBlueTRCTag);
}

std::shared_ptr<const ColourTransform> transform_to_srgb(Bytes icc, int cv_type, bool cmyk) {
  const std::uint64_t key = fnv1a(icc, std::uint64_t(cv_type) * 2 + (cmyk ? 1 : 0));
  Cache& c = cache();
  const auto match = [&](const Entry& e) {
    return e.cv_type == cv_type && e.cmyk == cmyk &&
           std::equal(e.icc.begin(), e.icc.end(), icc.begin(), icc.end());
  };
  {
    const std::shared_lock lock(c.mutex);
    const auto [first, last] = c.entries.equal_range(key);
    for (auto it = first; it != last; ++it)
      if (match(it->second)) return it->second.transform;
  }
  // Built outside the cache's lock (readers go on), one at a time: the shared sRGB profiles are
  // then never read by two lcms2 calls at once. Two threads may build the same transform; the
  // first one stays.
  static std::mutex building;
  std::shared_ptr<const ColourTransform> built;
  {
    const std::lock_guard lock(building);
    built = build(icc, cv_type, cmyk);
  }
  const std::unique_lock lock(c.mutex);
  const auto [first, last] = c.entries.equal_range(key);
  for (auto it = first; it != last; ++it)
    if (match(it->second)) return it->second.transform;
  if (c.entries.size() >= kMaxEntries) c.entries.clear();
  c.entries.emplace(key, Entry{{icc.begin(), icc.end()}, cv_type, cmyk, built});
  return built;
}

}  // namespace thumbflow::detail
