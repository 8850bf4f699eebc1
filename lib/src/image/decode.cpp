#include "image/decode.hpp"

#include <algorithm>
#include <cctype>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>  // constants only, see image/opencv_codecs.hpp
#include <string>
#include <vector>

#include "image/decode_error.hpp"
#include "image/exif.hpp"
#include "image/header.hpp"
#include "image/integrity.hpp"
#include "image/jpeg_decoder.hpp"
#include "image/opencv_codecs.hpp"
#include "image/pixel_limit.hpp"
#include "image/webp_decoder.hpp"

namespace thumbflow::detail {
namespace {

bool swaps_sides(int orientation) { return orientation >= 5 && orientation <= 8; }

Dimensions swapped(Dimensions d, bool swap) { return swap ? Dimensions{d.height, d.width} : d; }

std::string describe_unknown(Bytes data) {
  const std::size_t n = std::min<std::size_t>(data.size(), 512);
  const bool text = std::all_of(data.begin(), data.begin() + std::ptrdiff_t(n), [](std::uint8_t c) {
    return c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0x7F);
  });
  return text ? "not an image (the content is text)" : "not an image (unrecognised content)";
}

cv::Mat decode_with_opencv(Bytes data, ImageFormat format) {
  const cv::Mat buffer(1, int(data.size()), CV_8U, const_cast<std::uint8_t*>(data.data()));
  cv::Mat pixels;
  try {
    pixels = opencv_imdecode(buffer, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    // With --max-pixels 0 OpenCV's own limit applies; its assertion text names only the macro.
    if (e.err.find("CV_IO_MAX_IMAGE_PIXELS") != std::string::npos)
      throw DecodeError(std::string("cannot decode ") + format_name(format) +
                        ": more pixels than OpenCV allows (CV_IO_MAX_IMAGE_PIXELS, 2^30 by default)");
    throw DecodeError(std::string("cannot decode ") + format_name(format) + ": " + e.err);
  } catch (const std::runtime_error& e) {  // the codecs library could not be loaded
    throw DecodeError(std::string("cannot decode ") + format_name(format) + ": " + e.what());
  }
  if (pixels.empty())
    throw DecodeError(std::string("cannot decode ") + format_name(format) + " (truncated or corrupt)");
  return pixels;
}

}  // namespace

cv::Mat apply_orientation(const cv::Mat& stored, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2:
      cv::flip(stored, out, 1);
      break;  // mirrored horizontally
    case 3:
      cv::rotate(stored, out, cv::ROTATE_180);
      break;
    case 4:
      cv::flip(stored, out, 0);
      break;  // mirrored vertically
    case 5:
      cv::transpose(stored, out);
      break;  // mirrored along the main diagonal
    case 6:
      cv::rotate(stored, out, cv::ROTATE_90_CLOCKWISE);
      break;
    case 7:
      cv::transpose(stored, out);
      cv::rotate(out, out, cv::ROTATE_180);
      break;
    case 8:
      cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
    default:
      out = stored;
      break;
  }
  return out;
}

DecodedImage decode_for_thumbnail(Bytes data, const ThumbnailOptions& options) {
  if (data.empty()) throw DecodeError("empty file");
  DecodedImage result;
  result.format = sniff_format(data);
  if (result.format == ImageFormat::Unknown) throw DecodeError(describe_unknown(data));
  if (!is_readable(result.format))
    throw DecodeError(std::string("unsupported format: ") + format_name(result.format));

  const ImageHeader header = read_header(data, result.format);
  check_pixel_limit(header.size, options.max_pixels);
  check_integrity(data, result.format);
  result.orientation = result.format == ImageFormat::Tiff ? header.tiff_orientation
                                                          : read_exif_orientation(data, result.format);
  const bool swap = swaps_sides(result.orientation);

  // Shrink-on-load: ask the decoder for at least twice the thumbnail, so that the final area
  // resize still has enough pixels to average (the libvips rule).
  Dimensions min_size{};
  if (options.decode == DecodeMode::Fast && header.size.width > 0 && header.size.height > 0) {
    const Dimensions upright = swapped(header.size, swap);
    const Dimensions fit =
        fit_within(upright, {options.box_width, options.box_height}, options.allow_enlarge);
    min_size =
        swapped({std::min(upright.width, 2 * fit.width), std::min(upright.height, 2 * fit.height)}, swap);
  }

  cv::Mat stored;
  double scale = 1;  // stored pixels per decoded pixel, when the decoder scaled by an exact ratio
  switch (result.format) {
    case ImageFormat::Jpeg:
      stored = decode_jpeg(data, min_size);
      scale = min_size.width > 0 ? jpeg_scale_denom(header.size, min_size) : 1;
      break;
    case ImageFormat::Webp:
      stored = decode_webp(data, min_size);
      break;
    default:
      stored = decode_with_opencv(data, result.format);
      break;
  }
  result.stored = header.size.width > 0 ? header.size : Dimensions{stored.cols, stored.rows};
  check_pixel_limit({stored.cols, stored.rows}, options.max_pixels);
  result.pixels = apply_orientation(stored, result.orientation);
  const bool exact = scale > 1 && header.size.width > 0;
  const Dimensions upright_stored = swapped(result.stored, swap);
  result.extent_width = exact ? upright_stored.width / scale : result.pixels.cols;
  result.extent_height = exact ? upright_stored.height / scale : result.pixels.rows;
  result.target = fit_within(swapped(result.stored, swap), {options.box_width, options.box_height},
                             options.allow_enlarge);
  return result;
}

}  // namespace thumbflow::detail
