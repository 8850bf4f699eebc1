// lcms2 transforms from an embedded profile to sRGB, built once per (profile, pixel type) and
// shared by every flow-graph thread.
#pragma once

#include <lcms2.h>

#include <memory>
#include <string>

#include "image/format.hpp"

namespace thumbflow::detail {

// What to do with pixels of one type that carry one profile.
struct ColourTransform {
  // Built with cmsFLAGS_NOCACHE, so cmsDoTransform* on it may run on many threads at once (lcms2's
  // only mutable transform state is that one-pixel cache). Null when `srgb` or `problem`.
  cmsHTRANSFORM handle = nullptr;
  bool srgb = false;    // the profile is sRGB (or sRGB's curve in gray): the pixels stay as they are
  std::string problem;  // why the profile cannot be used ("unreadable ICC profile"), else ""
  // A gray profile for 3 or 4-channel pixels: `problem` says they do not match, but grey spread to
  // BGR/BGRA (B = G = R, as decoders widen grey with alpha) can go through `handle` (or be left as
  // it is when `srgb`) one channel at a time: it then converts gray to gray, output_type 1 channel.
  bool grey_channel = false;
  int output_type = 0;  // OpenCV type of the converted pixels (CMYK in, BGR out)

  ColourTransform() = default;
  ColourTransform(const ColourTransform&) = delete;
  ColourTransform& operator=(const ColourTransform&) = delete;
  ~ColourTransform();
};

// The transform from `icc` to sRGB for pixels of OpenCV type `cv_type` (8U/16U/32F with 1, 3 or 4
// channels: gray, BGR, BGRA with alpha copied (a gray profile: see grey_channel); or CMYK when
// `cmyk`, 8U with 4 channels, or 5 with alpha (to BGRA), 0 = no ink), relative colorimetric
// with black-point compensation. Gray stays gray (sRGB's curve). Cached by the profile's bytes and the pixel
// type (at most a few hundred entries). Thread-safe.
std::shared_ptr<const ColourTransform> transform_to_srgb(Bytes icc, int cv_type, bool cmyk);

// True when an RGB profile has sRGB's colorants and tone curves (within what 8-bit output can
// show), as most cameras and editors embed: those pictures need no conversion.
bool is_srgb_profile(cmsHPROFILE profile);

}  // namespace thumbflow::detail
