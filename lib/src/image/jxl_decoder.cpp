// JPEG XL reading on libjxl 0.7's event API (JxlDecoderProcessInput), all input given at once.
#include "image/jxl_decoder.hpp"

#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>

#include "image/decode_error.hpp"
#include "image/jxl_api.hpp"
#include "image/pixel_limit.hpp"

namespace thumbflow::detail {
namespace {

struct DecoderDestroy {
  void operator()(JxlDecoder* d) const { jxl().JxlDecoderDestroy(d); }
};
using Decoder = std::unique_ptr<JxlDecoder, DecoderDestroy>;

[[noreturn]] void fail(const std::string& reason) { throw DecodeError("cannot decode JPEG XL: " + reason); }

// libjxl 0.7 gives no error text.
[[noreturn]] void fail_status(JxlDecoderStatus status) {
  fail(status == JXL_DEC_NEED_MORE_INPUT ? "truncated codestream" : "corrupt codestream");
}

Decoder start(Bytes data, int events) {
  Decoder dec(jxl().JxlDecoderCreate(nullptr));
  if (!dec) fail("out of memory");
  if (jxl().JxlDecoderSubscribeEvents(dec.get(), events) != JXL_DEC_SUCCESS ||
      jxl().JxlDecoderSetInput(dec.get(), data.data(), data.size()) != JXL_DEC_SUCCESS)
    fail("decoder setup failed");
  // The input is left open although it is complete: with closed input, Debian's libjxl 0.7 (built
  // with JXL_DEBUG_ON_ERROR) prints "missing input" on stderr for a truncated file; open, it just
  // asks for more, which is the same verdict (nothing more will come).
  return dec;
}

Dimensions displayed_size(const JxlBasicInfo& info) {
  const bool swap = info.orientation >= JXL_ORIENT_TRANSPOSE;
  const auto w = static_cast<int>(info.xsize), h = static_cast<int>(info.ysize);
  return swap ? Dimensions{h, w} : Dimensions{w, h};
}

JxlBasicInfo basic_info(JxlDecoder* dec) {
  JxlBasicInfo info;
  if (jxl().JxlDecoderGetBasicInfo(dec, &info) != JXL_DEC_SUCCESS) fail("invalid basic info");
  if (info.xsize == 0 || info.ysize == 0 || info.xsize > 0x7FFFFFFF || info.ysize > 0x7FFFFFFF)
    fail("invalid image size");
  return info;
}

bool is_srgb(const JxlColorEncoding& c) {
  return c.white_point == JXL_WHITE_POINT_D65 && c.transfer_function == JXL_TRANSFER_FUNCTION_SRGB &&
         (c.color_space == JXL_COLOR_SPACE_GRAY ||
          (c.color_space == JXL_COLOR_SPACE_RGB && c.primaries == JXL_PRIMARIES_SRGB));
}

// XYB-coded images can be rendered in any space: ask for sRGB (8-bit linear output would band).
// Then describe the pixels as they come out: nothing for sRGB, else their ICC profile.
void read_colour(JxlDecoder* dec, const JxlBasicInfo& info, DecodedPixels& out) {
  if (!info.uses_original_profile) {
    JxlColorEncoding srgb;
    jxl().JxlColorEncodingSetToSRGB(&srgb, info.num_color_channels == 1 ? JXL_TRUE : JXL_FALSE);
    if (jxl().JxlDecoderSetPreferredColorProfile(dec, &srgb) != JXL_DEC_SUCCESS)
      out.warnings.push_back("JPEG XL: could not ask for sRGB output");
  }
  JxlColorEncoding encoded;
  if (jxl().JxlDecoderGetColorAsEncodedProfile(dec, nullptr, JXL_COLOR_PROFILE_TARGET_DATA, &encoded) ==
          JXL_DEC_SUCCESS &&
      is_srgb(encoded))
    return;
  std::size_t size = 0;
  if (jxl().JxlDecoderGetICCProfileSize(dec, nullptr, JXL_COLOR_PROFILE_TARGET_DATA, &size) !=
          JXL_DEC_SUCCESS ||
      size == 0) {
    out.warnings.push_back("JPEG XL colour space has no ICC form, treated as sRGB");
    return;
  }
  out.icc.resize(size);
  if (jxl().JxlDecoderGetColorAsICCProfile(dec, nullptr, JXL_COLOR_PROFILE_TARGET_DATA, out.icc.data(),
                                           size) != JXL_DEC_SUCCESS) {
    out.icc.clear();
    out.warnings.push_back("unreadable JPEG XL ICC profile, treated as sRGB");
  }
}

// Gray+alpha has no OpenCV conversion: spread it to BGRA by hand.
cv::Mat to_bgr(const cv::Mat& decoded) {
  cv::Mat out;
  switch (decoded.channels()) {
    case 2:
      out.create(decoded.size(), CV_8UC4);
      cv::mixChannels(decoded, out, {0, 0, 0, 1, 0, 2, 1, 3});
      return out;
    case 3:
      cv::cvtColor(decoded, out, cv::COLOR_RGB2BGR);
      return out;
    case 4:
      cv::cvtColor(decoded, out, cv::COLOR_RGBA2BGRA);
      return out;
    default:
      return decoded;
  }
}

}  // namespace

ImageHeader read_jxl_header(Bytes data) {
  const Decoder dec = start(data, JXL_DEC_BASIC_INFO);
  const JxlDecoderStatus status = jxl().JxlDecoderProcessInput(dec.get());
  if (status != JXL_DEC_BASIC_INFO) fail_status(status);
  return {displayed_size(basic_info(dec.get())), 1};
}

DecodedPixels decode_jxl(Bytes data, const DecodeRequest& request) {
  const Decoder dec = start(data, JXL_DEC_BASIC_INFO | JXL_DEC_COLOR_ENCODING | JXL_DEC_FULL_IMAGE);
  DecodedPixels out;
  JxlBasicInfo info{};
  JxlPixelFormat format{3, JXL_TYPE_UINT8, JXL_NATIVE_ENDIAN, 0};
  cv::Mat pixels;
  // Each event comes once and the first full frame ends the loop; the bound only guards against
  // a library that keeps reporting events it was not asked for.
  for (int events = 0; events < 16; ++events) {
    const JxlDecoderStatus status = jxl().JxlDecoderProcessInput(dec.get());
    switch (status) {
      case JXL_DEC_BASIC_INFO: {
        info = basic_info(dec.get());
        check_pixel_limit(displayed_size(info), request.max_pixels);
        const bool alpha = info.alpha_bits > 0;
        format.num_channels = (info.num_color_channels == 1 ? 1U : 3U) + (alpha ? 1U : 0U);
        break;
      }
      case JXL_DEC_COLOR_ENCODING:
        read_colour(dec.get(), info, out);
        break;
      case JXL_DEC_NEED_IMAGE_OUT_BUFFER: {
        const Dimensions size = displayed_size(info);
        pixels.create(size.height, size.width, CV_8UC(static_cast<int>(format.num_channels)));
        std::size_t needed = 0;
        if (jxl().JxlDecoderImageOutBufferSize(dec.get(), &format, &needed) != JXL_DEC_SUCCESS ||
            needed != pixels.total() * pixels.elemSize())
          fail("unexpected output buffer size");
        if (jxl().JxlDecoderSetImageOutBuffer(dec.get(), &format, pixels.data, needed) != JXL_DEC_SUCCESS)
          fail("cannot set the output buffer");
        break;
      }
      case JXL_DEC_FULL_IMAGE:
        out.pixels = to_bgr(pixels);
        return out;  // the first frame; later animation frames are not decoded
      case JXL_DEC_SUCCESS:
        fail("no image in the file");
      default:
        fail_status(status);
    }
  }
  fail("decoder did not finish");
}

}  // namespace thumbflow::detail
