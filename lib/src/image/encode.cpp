#include "image/encode.hpp"

#include <webp/encode.h>

#include <algorithm>
#include <cctype>
#include <opencv2/imgcodecs.hpp>  // constants only, see image/opencv_codecs.hpp
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "colour/embed.hpp"
#include "colour/icc_extract.hpp"
#include "core/text.hpp"
#include "image/jpeg_encoder.hpp"
#include "image/opencv_codecs.hpp"

namespace thumbflow::detail {

OutputFormat format_for_output_name(std::string_view name) {
  const auto dot = name.rfind('.');
  const std::string ext =
      ascii_lower(dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1));
  if (ext == "jpg" || ext == "jpeg") return OutputFormat::Jpeg;
  if (ext == "png") return OutputFormat::Png;
  if (ext == "webp") return OutputFormat::Webp;
  throw std::invalid_argument("cannot tell the output format from the name '" + std::string(name) +
                              "' (use .jpg, .png or .webp)");
}

bool keeps_alpha(OutputFormat format) { return format == OutputFormat::Png || format == OutputFormat::Webp; }

namespace {

// Lossy WebP of BGR or BGRA pixels, as cv::imencode writes it for IMWRITE_WEBP_QUALITY <= 100.
std::vector<std::uint8_t> encode_webp(const cv::Mat& pixels, int quality) {
  uint8_t* data = nullptr;
  const auto q = static_cast<float>(quality);
  const std::size_t size =
      pixels.channels() == 4
          ? WebPEncodeBGRA(pixels.data, pixels.cols, pixels.rows, int(pixels.step), q, &data)
          : WebPEncodeBGR(pixels.data, pixels.cols, pixels.rows, int(pixels.step), q, &data);
  std::vector<std::uint8_t> out(data, data + size);
  WebPFree(data);
  if (size == 0) throw std::runtime_error("cannot encode WebP (sides over 16383 pixels, or out of memory)");
  return out;
}

std::vector<std::uint8_t> encode_png(const cv::Mat& pixels) {
  std::vector<std::uint8_t> out;
  try {
    if (!opencv_imencode(".png", pixels, out, {cv::IMWRITE_PNG_COMPRESSION, 6}))
      throw std::runtime_error("cannot encode PNG: the encoder refused the image");
  } catch (const cv::Exception& e) {
    throw std::runtime_error(std::string("cannot encode PNG: ") + e.err);
  }
  return out;
}

}  // namespace

std::vector<std::uint8_t> encode_image(const cv::Mat& pixels, OutputFormat format, int quality, Bytes icc) {
  if (pixels.depth() != CV_8U) throw std::runtime_error("cannot encode: needs 8-bit pixels");
  cv::Mat in = pixels;
  switch (format) {
    case OutputFormat::Jpeg:
      if (in.channels() == 4) cv::cvtColor(in, in, cv::COLOR_BGRA2BGR);  // callers composite first
      return embed_profile(encode_jpeg(in, quality), format, icc);
    case OutputFormat::Webp:
      if (in.channels() == 1) {
        cv::cvtColor(in, in, cv::COLOR_GRAY2BGR);       // WebP has no gray mode
        if (icc_colour_space(icc) == "GRAY") icc = {};  // nor a place for a gray profile
      }
      return embed_profile(encode_webp(in, quality), format, icc);
    case OutputFormat::Png:
    case OutputFormat::Same:
      break;
  }
  return embed_profile(encode_png(in), OutputFormat::Png, icc);
}

}  // namespace thumbflow::detail
