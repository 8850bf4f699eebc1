// The one lcms2 context thumbflow uses: its error handler swallows lcms2's messages (they must not
// reach the terminal raw; callers turn failures into their own warnings).
#pragma once

#include <lcms2.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace thumbflow::detail {

// Created on first use, never destroyed. Safe to use from any thread (lcms2 2.x contexts are).
cmsContext lcms_context();

struct ProfileCloser {
  void operator()(void* p) const { cmsCloseProfile(p); }
};
using ProfilePtr = std::unique_ptr<void, ProfileCloser>;

// The profile as ICC bytes; empty if lcms2 cannot write it.
std::vector<std::uint8_t> save_profile(cmsHPROFILE profile);

// The sRGB tone curve (IEC 61966-2-1) as an lcms2 parametric curve of type 4.
cmsToneCurve* srgb_curve();

}  // namespace thumbflow::detail
