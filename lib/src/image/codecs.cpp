// The codec table (image/codec.hpp): one row per readable format.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>  // constants only, see image/opencv_codecs.hpp
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "colour/icc_extract.hpp"
#include "image/bmp_decoder.hpp"
#include "image/codec.hpp"
#include "image/decode_error.hpp"
#include "image/exif.hpp"
#include "image/gif_decoder.hpp"
#include "image/header.hpp"
#include "image/heif_decoder.hpp"
#include "image/jpeg_decoder.hpp"
#include "image/jxl_decoder.hpp"
#include "image/opencv_codecs.hpp"
#include "image/pam_decoder.hpp"
#include "image/png_decoder.hpp"
#include "image/raw_decoder.hpp"
#include "image/tiff_decoder.hpp"
#include "image/webp_decoder.hpp"

namespace thumbflow::detail {
namespace {

DecodedPixels decode_with_opencv(Bytes data, ImageFormat format) {
  const cv::Mat buffer(1, int(data.size()), CV_8U, const_cast<std::uint8_t*>(data.data()));
  DecodedPixels out;
  try {
    out.pixels = opencv_imdecode(buffer, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    // With --max-pixels 0 OpenCV's own limit applies; its assertion text names only the macro.
    if (e.err.find("CV_IO_MAX_IMAGE_PIXELS") != std::string::npos)
      throw DecodeError(std::string("cannot decode ") + format_name(format) +
                        ": more pixels than OpenCV allows (CV_IO_MAX_IMAGE_PIXELS, 2^30 by default)");
    throw DecodeError(std::string("cannot decode ") + format_name(format) + ": " + e.err);
  } catch (const std::runtime_error& e) {  // the codecs library could not be loaded
    throw DecodeError(std::string("cannot decode ") + format_name(format) + ": " + e.what());
  }
  if (out.pixels.empty())
    throw DecodeError(std::string("cannot decode ") + format_name(format) + " (truncated or corrupt)");
  return out;
}

template <ImageFormat F>
DecodedPixels opencv_decode(Bytes data, const DecodeRequest&) {
  return decode_with_opencv(data, F);
}

Dimensions jpeg_held(Bytes data, Dimensions, Dimensions min_size) {
  return jpeg_held_size(read_jpeg_info(data), min_size);
}

ImageHeader jpeg_header(Bytes data) {
  return {read_jpeg_info(data).size, read_exif_orientation(data, ImageFormat::Jpeg)};
}

DecodedPixels jpeg_decode(Bytes data, const DecodeRequest& request) {
  DecodedPixels out;
  // A CMYK profile must see the CMYK samples, before any conversion to BGR.
  ExtractedProfile profile = embedded_profile(data, ImageFormat::Jpeg);
  out.icc = std::move(profile.icc);
  out.warnings = std::move(profile.warnings);
  out.profile_read = true;
  out.cmyk = icc_colour_space(out.icc) == "CMYK";
  int eighths = 8;
  take_jpeg_notes();  // nothing left over from an earlier file on this thread
  if (out.cmyk)
    out.pixels = decode_jpeg_cmyk(data, request.min_size, 0, &eighths);
  else
    out.pixels = decode_jpeg(data, request.min_size, 0, &eighths);
  for (std::string& note : take_jpeg_notes()) out.warnings.push_back(std::move(note));
  out.cmyk = out.cmyk && out.pixels.channels() == 4;
  out.scale = 8.0 / eighths;
  return out;
}

ImageHeader webp_header(Bytes data) {
  return {read_webp_size(data), read_exif_orientation(data, ImageFormat::Webp)};
}

DecodedPixels webp_decode(Bytes data, const DecodeRequest& request) {
  DecodedPixels out;
  // The frames first: their bound is checked before any pixel is decoded.
  if (request.all_frames) out.frames = decode_webp_frames(data, request.max_pixels, request.max_frame_pixels);
  if (out.frames.size() < 2) out.frames.clear();
  out.pixels = decode_webp(data, request.min_size);
  return out;
}

// 16-bit and OS/2 BMPs are read here (bmp_decoder.hpp says why), the others by OpenCV. A BMP whose alpha is
// zero everywhere is opaque, as browsers show it: X8R8G8B8 bitfields, many V4/V5 writers and 16-bit
// files with an unused alpha mask leave it 0 (they came out wholly transparent, or blank white).
DecodedPixels bmp_decode(Bytes data, const DecodeRequest&) {
  DecodedPixels out;
  if (std::optional<cv::Mat> pixels = decode_bmp16(data))
    out.pixels = std::move(*pixels);
  else if (std::optional<cv::Mat> os2 = decode_os2_bmp(data))
    out.pixels = std::move(*os2);
  else
    out = decode_with_opencv(data, ImageFormat::Bmp);
  if (out.pixels.channels() == 4) {
    cv::Mat alpha;
    cv::extractChannel(out.pixels, alpha, 3);
    if (cv::countNonZero(alpha) == 0) cv::cvtColor(out.pixels, out.pixels, cv::COLOR_BGRA2BGR);
  }
  return out;
}

// PAM is read here (pam_decoder.hpp says why), the other Netpbm formats by OpenCV.
DecodedPixels pnm_decode(Bytes data, const DecodeRequest&) {
  if (data.size() < 2 || data[1] != '7') return decode_with_opencv(data, ImageFormat::Pnm);
  DecodedPixels out;
  out.pixels = decode_pam(data);
  return out;
}

ImageHeader png_header(Bytes data) {
  ImageHeader h = read_png_header(data);
  h.orientation = read_exif_orientation(data, ImageFormat::Png);
  return h;
}

constexpr Codec kCodecs[] = {
    {ImageFormat::Jpeg, jpeg_header, jpeg_decode, jpeg_held},
    {ImageFormat::Png, png_header, decode_png},
    {ImageFormat::Webp, webp_header, webp_decode},
    {ImageFormat::Bmp, read_bmp_header, bmp_decode},
    {ImageFormat::Tiff, read_tiff_header, decode_tiff},
    {ImageFormat::Pnm, read_pnm_header, pnm_decode},
    {ImageFormat::Heif, read_heif_header, decode_heif},
    {ImageFormat::Avif, read_heif_header, decode_heif},
    {ImageFormat::Jxl, read_jxl_header, decode_jxl},
    {ImageFormat::Gif, read_gif_header, decode_gif},
    {ImageFormat::Raw, read_raw_header, decode_raw},
};

}  // namespace

const Codec* find_codec(ImageFormat format) {
  const auto row = std::find_if(std::begin(kCodecs), std::end(kCodecs),
                                [format](const Codec& c) { return c.format == format; });
  return row == std::end(kCodecs) ? nullptr : row;
}

bool is_readable(ImageFormat format) { return find_codec(format) != nullptr; }

}  // namespace thumbflow::detail
