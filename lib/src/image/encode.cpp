#include "image/encode.hpp"

#include <algorithm>
#include <cctype>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "core/text.hpp"

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

std::vector<std::uint8_t> encode_image(const cv::Mat& pixels, OutputFormat format, int quality) {
  std::vector<int> params;
  const char* ext = ".png";
  cv::Mat in = pixels;
  switch (format) {
    case OutputFormat::Jpeg:
      ext = ".jpg";
      params = {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1};
      if (in.channels() == 4) cv::cvtColor(in, in, cv::COLOR_BGRA2BGR);  // callers composite first
      break;
    case OutputFormat::Webp:
      ext = ".webp";
      params = {cv::IMWRITE_WEBP_QUALITY, quality};
      if (in.channels() == 1) cv::cvtColor(in, in, cv::COLOR_GRAY2BGR);  // WebP has no gray mode
      break;
    case OutputFormat::Png:
    case OutputFormat::Same:
      params = {cv::IMWRITE_PNG_COMPRESSION, 6};
      break;
  }
  std::vector<std::uint8_t> out;
  try {
    if (!cv::imencode(ext, in, out, params)) throw std::runtime_error("encoder refused the image");
  } catch (const cv::Exception& e) {
    throw std::runtime_error(std::string("cannot encode: ") + e.err);
  }
  return out;
}

}  // namespace thumbflow::detail
