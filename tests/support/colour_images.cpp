#include "colour_images.hpp"

#include <lcms2.h>
#include <spng.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "jpeg_maker.hpp"

namespace thumbflow::test {
namespace {

constexpr cmsCIExyY kD65{0.3127, 0.3290, 1.0};

Icc save(cmsHPROFILE p) {
  cmsUInt32Number size = 0;
  cmsSaveProfileToMem(p, nullptr, &size);
  Icc out(size);
  cmsSaveProfileToMem(p, out.data(), &size);
  cmsCloseProfile(p);
  // lcms2 stamps the header with the time of saving (dateTimeNumber, bytes 24-35): two calls a
  // second apart gave different bytes, so a test that asked twice for "the same" profile got two
  // cache entries (TransformCache.SrgbProfilesAreRecognisedAndSkipped failed so under load).
  if (out.size() >= 36) std::fill(out.begin() + 24, out.begin() + 36, std::uint8_t{0});
  return out;
}

cmsToneCurve* srgb_tone_curve() {
  const cmsFloat64Number params[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
  return cmsBuildParametricToneCurve(nullptr, 4, params);
}

Icc rgb_profile(const cmsCIExyYTRIPLE& primaries, cmsToneCurve* curve) {
  cmsToneCurve* curves[3] = {curve, curve, curve};
  const Icc icc = save(cmsCreateRGBProfile(&kD65, &primaries, curves));
  cmsFreeToneCurve(curve);
  return icc;
}

// CMYK (16-bit) -> the naive RGB with red and blue swapped -> Lab, v2 encoding.
int swapped_sampler(const cmsUInt16Number in[], cmsUInt16Number out[], void* cargo) {
  const double c = in[0] / 65535.0, m = in[1] / 65535.0, y = in[2] / 65535.0, k = in[3] / 65535.0;
  const double rgb[3] = {(1 - y) * (1 - k), (1 - m) * (1 - k), (1 - c) * (1 - k)};  // R and B swapped
  cmsCIELab lab;
  cmsDoTransform(static_cast<cmsHTRANSFORM>(cargo), rgb, &lab, 1);
  cmsFloat2LabEncodedV2(out, &lab);
  return TRUE;
}

cmsUInt32Number lcms_type(const cv::Mat& m) {
  const bool wide = m.depth() == CV_16U;
  if (m.channels() == 1) return wide ? TYPE_GRAY_16 : TYPE_GRAY_8;
  return wide ? TYPE_BGR_16 : TYPE_BGR_8;
}

}  // namespace

Icc adobe_rgb_profile() {
  return rgb_profile({{0.64, 0.33, 1}, {0.21, 0.71, 1}, {0.15, 0.06, 1}},
                     cmsBuildGamma(nullptr, 563.0 / 256));
}

Icc display_p3_profile() {
  return rgb_profile({{0.680, 0.320, 1}, {0.265, 0.690, 1}, {0.150, 0.060, 1}}, srgb_tone_curve());
}

Icc srgb_profile() { return save(cmsCreate_sRGBProfile()); }

Icc gray_profile(double gamma) {
  cmsToneCurve* curve = cmsBuildGamma(nullptr, gamma);
  const Icc icc = save(cmsCreateGrayProfile(cmsD50_xyY(), curve));
  cmsFreeToneCurve(curve);
  return icc;
}

Icc cmyk_swapping_profile(int grid) {
  cmsHPROFILE srgb = cmsCreate_sRGBProfile(), lab = cmsCreateLab2Profile(nullptr);
  cmsHTRANSFORM to_lab = cmsCreateTransform(srgb, TYPE_RGB_DBL, lab, TYPE_Lab_DBL,
                                            INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
  cmsHPROFILE p = cmsCreateProfilePlaceholder(nullptr);
  cmsSetProfileVersion(p, 2.1);  // lut16Type: a table alone is a valid AToB0
  cmsSetDeviceClass(p, cmsSigOutputClass);
  cmsSetColorSpace(p, cmsSigCmykData);
  cmsSetPCS(p, cmsSigLabData);
  cmsPipeline* lut = cmsPipelineAlloc(nullptr, 4, 3);
  cmsStage* clut = cmsStageAllocCLut16bit(nullptr, cmsUInt32Number(grid), 4, 3, nullptr);
  cmsStageSampleCLut16bit(clut, swapped_sampler, to_lab, 0);
  cmsPipelineInsertStage(lut, cmsAT_END, clut);
  cmsWriteTag(p, cmsSigAToB0Tag, lut);
  cmsWriteTag(p, cmsSigMediaWhitePointTag, cmsD50_XYZ());
  cmsPipelineFree(lut);
  cmsDeleteTransform(to_lab);
  cmsCloseProfile(srgb);
  cmsCloseProfile(lab);
  return save(p);
}

cv::Mat saturated_picture(int width, int height) {
  cv::Mat img(height, width, CV_8UC3);
  const cv::Vec3b colours[8] = {{0, 0, 255},   {0, 255, 0},   {255, 0, 0},   {255, 255, 0},
                                {255, 0, 255}, {0, 255, 255}, {0, 128, 255}, {200, 30, 120}};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const int block = (x * 4 / width) + 4 * (y * 2 / height);
      const double shade = 0.35 + 0.65 * double(x % (width / 4)) / (width / 4);  // a ramp in each block
      const cv::Vec3b c = colours[block];
      img.at<cv::Vec3b>(y, x) = {cv::saturate_cast<std::uint8_t>(c[0] * shade),
                                 cv::saturate_cast<std::uint8_t>(c[1] * shade),
                                 cv::saturate_cast<std::uint8_t>(c[2] * shade)};
    }
  return img;
}

cv::Mat from_srgb(const cv::Mat& srgb, const Icc& to) {
  cmsHPROFILE out = cmsOpenProfileFromMem(to.data(), cmsUInt32Number(to.size()));
  const bool gray = srgb.channels() == 1;
  cmsToneCurve* curve = srgb_tone_curve();
  cmsHPROFILE in = gray ? cmsCreateGrayProfile(cmsD50_xyY(), curve) : cmsCreate_sRGBProfile();
  cmsFreeToneCurve(curve);
  cmsHTRANSFORM t = cmsCreateTransform(in, lcms_type(srgb), out, lcms_type(srgb),
                                       INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_BLACKPOINTCOMPENSATION);
  if (t == nullptr) throw std::runtime_error("from_srgb: no transform");
  cv::Mat result(srgb.size(), srgb.type());
  for (int y = 0; y < srgb.rows; ++y)
    cmsDoTransform(t, srgb.ptr(y), result.ptr(y), cmsUInt32Number(srgb.cols));
  cmsDeleteTransform(t);
  cmsCloseProfile(in);
  cmsCloseProfile(out);
  return result;
}

cv::Mat naive_cmyk(const cv::Mat& bgr) {
  cv::Mat cmyk(bgr.size(), CV_8UC4);
  for (int y = 0; y < bgr.rows; ++y)
    for (int x = 0; x < bgr.cols; ++x) {
      const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);
      const int k = 255 - std::max({p[0], p[1], p[2]});
      const auto ink = [k](int v) { return k == 255 ? 0 : (255 - v - k) * 255 / (255 - k); };
      cmyk.at<cv::Vec4b>(y, x) = {std::uint8_t(ink(p[2])), std::uint8_t(ink(p[1])), std::uint8_t(ink(p[0])),
                                  std::uint8_t(k)};
    }
  return cmyk;
}

std::vector<std::uint8_t> png_with_icc(const cv::Mat& pixels, const Icc& icc) {
  cv::Mat rows;
  if (pixels.channels() == 3)
    cv::cvtColor(pixels, rows, cv::COLOR_BGR2RGB);
  else
    rows = pixels.clone();
  spng_ctx* ctx = spng_ctx_new(SPNG_CTX_ENCODER);
  spng_set_option(ctx, SPNG_ENCODE_TO_BUFFER, 1);
  spng_ihdr ihdr{};
  ihdr.width = std::uint32_t(rows.cols);
  ihdr.height = std::uint32_t(rows.rows);
  ihdr.bit_depth = rows.depth() == CV_16U ? 16 : 8;
  ihdr.color_type = rows.channels() == 3 ? SPNG_COLOR_TYPE_TRUECOLOR : SPNG_COLOR_TYPE_GRAYSCALE;
  spng_set_ihdr(ctx, &ihdr);
  if (!icc.empty()) {
    spng_iccp iccp{};
    std::strcpy(iccp.profile_name, "test profile");
    iccp.profile_len = icc.size();
    iccp.profile = const_cast<char*>(reinterpret_cast<const char*>(icc.data()));
    spng_set_iccp(ctx, &iccp);
  }
  const int err =
      spng_encode_image(ctx, rows.data, rows.total() * rows.elemSize(), SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
  std::size_t size = 0;
  int get_err = 0;
  auto* png = static_cast<std::uint8_t*>(spng_get_png_buffer(ctx, &size, &get_err));
  spng_ctx_free(ctx);
  if (err != 0 || png == nullptr)
    throw std::runtime_error(std::string("png_with_icc: ") + spng_strerror(err));
  std::vector<std::uint8_t> out(png, png + size);
  std::free(png);
  return out;
}

std::vector<std::uint8_t> webp_with_icc(const cv::Mat& bgr, const Icc& icc) {
  std::uint8_t* encoded = nullptr;
  const std::size_t size = WebPEncodeLosslessBGR(bgr.data, bgr.cols, bgr.rows, int(bgr.step), &encoded);
  std::vector<std::uint8_t> plain(encoded, encoded + size);
  WebPFree(encoded);
  if (icc.empty()) return plain;
  const WebPData in{plain.data(), plain.size()}, profile{icc.data(), icc.size()};
  WebPMux* mux = WebPMuxCreate(&in, 0);
  WebPData assembled{};
  WebPMuxSetChunk(mux, "ICCP", &profile, 1);
  WebPMuxAssemble(mux, &assembled);
  WebPMuxDelete(mux);
  std::vector<std::uint8_t> out(assembled.bytes, assembled.bytes + assembled.size);
  WebPDataClear(&assembled);
  return out;
}

std::vector<std::uint8_t> with_cicp(std::vector<std::uint8_t> png, int primaries, int transfer) {
  std::vector<std::uint8_t> chunk = {
      0, 0, 0, 4, 'c', 'I', 'C', 'P', std::uint8_t(primaries), std::uint8_t(transfer), 0, 1};
  const auto crc = std::uint32_t(crc32(0L, chunk.data() + 4, 8));
  for (int i = 0; i < 4; ++i) chunk.push_back(std::uint8_t(crc >> (24 - 8 * i)));
  png.insert(png.begin() + 33, chunk.begin(), chunk.end());  // after the signature (8) and IHDR (25)
  return png;
}

std::vector<std::uint8_t> tiff_with_icc(const cv::Mat& bgr, const Icc& icc) {
  std::vector<std::uint8_t> out = {'I', 'I', 42, 0, 8, 0, 0, 0};
  const auto u16 = [&](std::uint32_t v) {
    out.push_back(std::uint8_t(v));
    out.push_back(std::uint8_t(v >> 8));
  };
  const auto u32 = [&](std::uint32_t v) {
    u16(v & 0xFFFF);
    u16(v >> 16);
  };
  const std::uint32_t entries = icc.empty() ? 10 : 11;
  const std::uint32_t bits_at = 8 + 2 + 12 * entries + 4, icc_at = bits_at + 6;
  const std::uint32_t pixels_at = icc_at + std::uint32_t(icc.size());
  const auto w = std::uint32_t(bgr.cols), h = std::uint32_t(bgr.rows);
  const auto entry = [&](std::uint32_t tag, std::uint32_t type, std::uint32_t count, std::uint32_t value) {
    u16(tag);
    u16(type);
    u32(count);
    u32(value);  // SHORT values sit in the low half (little-endian)
  };
  u16(entries);
  entry(256, 4, 1, w);
  entry(257, 4, 1, h);
  entry(258, 3, 3, bits_at);
  entry(259, 3, 1, 1);  // no compression
  entry(262, 3, 1, 2);  // RGB
  entry(273, 4, 1, pixels_at);
  entry(277, 3, 1, 3);
  entry(278, 4, 1, h);
  entry(279, 4, 1, w * h * 3);
  entry(284, 3, 1, 1);
  if (!icc.empty()) entry(34675, 7, std::uint32_t(icc.size()), icc_at);
  u32(0);  // no next directory
  for (int i = 0; i < 3; ++i) u16(8);
  out.insert(out.end(), icc.begin(), icc.end());
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  for (int y = 0; y < rgb.rows; ++y) out.insert(out.end(), rgb.ptr(y), rgb.ptr(y) + rgb.cols * 3);
  return out;
}

Icc icc_of_jpeg(const std::vector<std::uint8_t>& jpeg) {
  jpeg_decompress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_decompress(&c);
  jpeg_mem_src(&c, jpeg.data(), static_cast<unsigned long>(jpeg.size()));
  jpeg_save_markers(&c, JPEG_APP0 + 2, 0xFFFF);
  jpeg_read_header(&c, TRUE);
  JOCTET* data = nullptr;
  unsigned int size = 0;
  Icc out;
  if (jpeg_read_icc_profile(&c, &data, &size)) out.assign(data, data + size);
  std::free(data);
  jpeg_destroy_decompress(&c);
  return out;
}

Icc icc_of_png(const std::vector<std::uint8_t>& png) {
  spng_ctx* ctx = spng_ctx_new(0);
  spng_set_png_buffer(ctx, png.data(), png.size());
  spng_iccp iccp{};
  Icc out;
  if (spng_get_iccp(ctx, &iccp) == 0)
    out.assign(reinterpret_cast<const std::uint8_t*>(iccp.profile),
               reinterpret_cast<const std::uint8_t*>(iccp.profile) + iccp.profile_len);
  spng_ctx_free(ctx);
  return out;
}

Icc icc_of_webp(const std::vector<std::uint8_t>& webp) {
  const WebPData data{webp.data(), webp.size()};
  WebPDemuxer* demux = WebPDemux(&data);
  Icc out;
  WebPChunkIterator it{};
  if (demux != nullptr && WebPDemuxGetChunk(demux, "ICCP", 1, &it))
    out.assign(it.chunk.bytes, it.chunk.bytes + it.chunk.size);
  WebPDemuxReleaseChunkIterator(&it);
  WebPDemuxDelete(demux);
  return out;
}

}  // namespace thumbflow::test
