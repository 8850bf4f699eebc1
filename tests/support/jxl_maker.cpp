#include "jxl_maker.hpp"

#include <jxl/encode.h>
#include <lcms2.h>

#include <memory>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace thumbflow::test {
namespace {

struct EncoderDestroy {
  void operator()(JxlEncoder* e) const { JxlEncoderDestroy(e); }
};

void ok(JxlEncoderStatus status, const char* what) {
  if (status != JXL_ENC_SUCCESS) throw std::runtime_error(std::string("libjxl: ") + what);
}

}  // namespace

std::vector<std::uint8_t> encode_jxl(const cv::Mat& stored, const JxlSpec& spec) {
  const int channels = stored.channels();
  cv::Mat rgb;  // a new buffer: cvtColor into a header sharing `stored` would swap the caller's picture
  if (channels == 1) rgb = stored;
  if (channels == 3) cv::cvtColor(stored, rgb, cv::COLOR_BGR2RGB);
  if (channels == 4) cv::cvtColor(stored, rgb, cv::COLOR_BGRA2RGBA);
  rgb = rgb.isContinuous() ? rgb : rgb.clone();

  const std::unique_ptr<JxlEncoder, EncoderDestroy> enc(JxlEncoderCreate(nullptr));
  JxlBasicInfo info;
  JxlEncoderInitBasicInfo(&info);
  info.xsize = static_cast<std::uint32_t>(rgb.cols);
  info.ysize = static_cast<std::uint32_t>(rgb.rows);
  info.bits_per_sample = 8;
  info.num_color_channels = channels == 1 ? 1 : 3;
  info.num_extra_channels = channels == 4 ? 1 : 0;
  info.alpha_bits = channels == 4 ? 8 : 0;
  info.uses_original_profile = spec.lossless ? JXL_TRUE : JXL_FALSE;
  info.orientation = static_cast<JxlOrientation>(spec.orientation);
  ok(JxlEncoderSetBasicInfo(enc.get(), &info), "basic info");
  if (spec.icc.empty()) {
    JxlColorEncoding srgb;
    JxlColorEncodingSetToSRGB(&srgb, channels == 1 ? JXL_TRUE : JXL_FALSE);
    ok(JxlEncoderSetColorEncoding(enc.get(), &srgb), "colour encoding");
  } else {
    ok(JxlEncoderSetICCProfile(enc.get(), spec.icc.data(), spec.icc.size()), "ICC profile");
  }
  JxlEncoderFrameSettings* settings = JxlEncoderFrameSettingsCreate(enc.get(), nullptr);
  ok(JxlEncoderFrameSettingsSetOption(settings, JXL_ENC_FRAME_SETTING_EFFORT, 3), "effort");
  if (spec.lossless)
    ok(JxlEncoderSetFrameLossless(settings, JXL_TRUE), "lossless");
  else
    ok(JxlEncoderSetFrameDistance(settings, spec.distance), "distance");
  const JxlPixelFormat format{static_cast<std::uint32_t>(channels), JXL_TYPE_UINT8, JXL_NATIVE_ENDIAN, 0};
  ok(JxlEncoderAddImageFrame(settings, &format, rgb.data, rgb.total() * rgb.elemSize()), "frame");
  JxlEncoderCloseInput(enc.get());

  std::vector<std::uint8_t> out(4096);
  std::size_t used = 0;
  for (;;) {
    std::uint8_t* next = out.data() + used;
    std::size_t avail = out.size() - used;
    const JxlEncoderStatus status = JxlEncoderProcessOutput(enc.get(), &next, &avail);
    used = static_cast<std::size_t>(next - out.data());
    if (status == JXL_ENC_SUCCESS) break;
    if (status != JXL_ENC_NEED_MORE_OUTPUT) ok(status, "encode");
    out.resize(out.size() * 2);
  }
  out.resize(used);
  return out;
}

std::vector<std::uint8_t> adobe_rgb_icc() {
  const cmsCIExyY d65{0.3127, 0.3290, 1.0};
  const cmsCIExyYTRIPLE primaries{{0.64, 0.33, 1.0}, {0.21, 0.71, 1.0}, {0.15, 0.06, 1.0}};
  cmsToneCurve* gamma = cmsBuildGamma(nullptr, 563.0 / 256.0);
  cmsToneCurve* curves[3] = {gamma, gamma, gamma};
  cmsHPROFILE profile = cmsCreateRGBProfile(&d65, &primaries, curves);
  cmsFreeToneCurve(gamma);
  cmsUInt32Number size = 0;
  std::vector<std::uint8_t> bytes;
  if (profile != nullptr && cmsSaveProfileToMem(profile, nullptr, &size)) {
    bytes.resize(size);
    cmsSaveProfileToMem(profile, bytes.data(), &size);
  }
  if (profile != nullptr) cmsCloseProfile(profile);
  if (bytes.empty()) throw std::runtime_error("lcms2 could not write the profile");
  return bytes;
}

}  // namespace thumbflow::test
