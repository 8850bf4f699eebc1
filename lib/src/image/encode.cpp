#include "image/encode.hpp"

#include <spng.h>
#include <webp/encode.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "colour/embed.hpp"
#include "colour/icc_extract.hpp"
#include "core/text.hpp"
#include "image/jpeg_encoder.hpp"

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

struct EncoderDeleter {
  void operator()(spng_ctx* ctx) const { spng_ctx_free(ctx); }
};

void check_png(int code) {
  if (code != 0) throw std::runtime_error(std::string("cannot encode PNG: ") + spng_strerror(code));
}

// libspng's encoder (deflate level 6, its adaptive row filters): OpenCV's PNG writer is in
// imgcodecs, whose loading (~120 libraries, ~100 ms) was paid by every run that wrote a PNG.
std::vector<std::uint8_t> encode_png(const cv::Mat& pixels) {
  cv::Mat rows;  // packed gray, RGB or RGBA rows, as libspng takes them
  std::uint8_t colour_type = SPNG_COLOR_TYPE_GRAYSCALE;
  switch (pixels.channels()) {
    case 1:
      rows = pixels.isContinuous() ? pixels : pixels.clone();
      break;
    case 3:
      cv::cvtColor(pixels, rows, cv::COLOR_BGR2RGB);
      colour_type = SPNG_COLOR_TYPE_TRUECOLOR;
      break;
    case 4:
      cv::cvtColor(pixels, rows, cv::COLOR_BGRA2RGBA);
      colour_type = SPNG_COLOR_TYPE_TRUECOLOR_ALPHA;
      break;
    default:
      throw std::runtime_error("cannot encode PNG: " + std::to_string(pixels.channels()) + " channels");
  }
  const std::unique_ptr<spng_ctx, EncoderDeleter> ctx(spng_ctx_new(SPNG_CTX_ENCODER));
  if (!ctx) throw std::runtime_error("cannot encode PNG: out of memory");
  spng_ihdr ihdr{};
  ihdr.width = std::uint32_t(rows.cols);
  ihdr.height = std::uint32_t(rows.rows);
  ihdr.bit_depth = 8;
  ihdr.color_type = colour_type;
  check_png(spng_set_option(ctx.get(), SPNG_ENCODE_TO_BUFFER, 1));
  check_png(spng_set_option(ctx.get(), SPNG_IMG_COMPRESSION_LEVEL, 6));
  check_png(spng_set_option(ctx.get(), SPNG_IMG_COMPRESSION_STRATEGY, 3 /* Z_RLE */));
  check_png(spng_set_ihdr(ctx.get(), &ihdr));
  check_png(spng_encode_image(ctx.get(), rows.data, rows.total() * rows.elemSize(), SPNG_FMT_PNG,
                              SPNG_ENCODE_FINALIZE));
  std::size_t size = 0;
  int error = 0;
  void* buffer = spng_get_png_buffer(ctx.get(), &size, &error);
  if (buffer == nullptr) check_png(error != 0 ? error : SPNG_EINTERNAL);
  const auto* bytes = static_cast<const std::uint8_t*>(buffer);
  std::vector<std::uint8_t> out(bytes, bytes + size);
  std::free(buffer);  // libspng's buffer, from the default allocator
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
