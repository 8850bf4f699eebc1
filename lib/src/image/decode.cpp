#include "image/decode.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "colour/icc_extract.hpp"
#include "core/library_messages.hpp"
#include "crop/crop_plan.hpp"
#include "image/codec.hpp"
#include "image/decode_error.hpp"
#include "image/integrity.hpp"
#include "image/pixel_limit.hpp"

namespace thumbflow::detail {
namespace {

bool swaps_sides(int orientation) { return orientation >= 5 && orientation <= 8; }

Dimensions swapped(Dimensions d, bool swap) { return swap ? Dimensions{d.height, d.width} : d; }

std::string describe_unknown(Bytes data) {
  // A file cut inside its format's signature (at least 2 bytes of it) is that format, truncated.
  using namespace std::string_view_literals;
  static const std::pair<std::string_view, const char*> kSignatures[] = {
      {"\xFF\xD8\xFF"sv, "JPEG"}, {"\x89PNG\r\n\x1A\n"sv, "PNG"},
      {"GIF87a"sv, "GIF"},        {"GIF89a"sv, "GIF"},
      {"II*\0"sv, "TIFF"},        {"MM\0*"sv, "TIFF"},
      {"II+\0"sv, "TIFF"},        {"MM\0+"sv, "TIFF"}};
  for (const auto& [magic, name] : kSignatures)
    if (data.size() >= 2 && data.size() < magic.size() &&
        std::equal(data.begin(), data.end(), magic.begin(),
                   [](std::uint8_t a, char b) { return a == std::uint8_t(b); }))
      return std::string("truncated ") + name + " (the file is only " + std::to_string(data.size()) +
             " bytes)";
  const std::size_t n = std::min<std::size_t>(data.size(), 512);
  const bool text = std::all_of(data.begin(), data.begin() + std::ptrdiff_t(n), [](std::uint8_t c) {
    return c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0x7F);
  });
  return text ? "not an image (the content is text)" : "not an image (unrecognised content)";
}

}  // namespace

cv::Mat apply_orientation(const cv::Mat& stored, int orientation) {
  if (stored.channels() > 4 && orientation >= 5 && orientation <= 8) {  // cv::transpose has no 5-byte pixels
    std::vector<cv::Mat> planes;
    cv::split(stored, planes);
    for (cv::Mat& plane : planes) plane = apply_orientation(plane, orientation);
    cv::Mat out;
    cv::merge(planes, out);
    return out;
  }
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

void check_image_head(Bytes head) {
  if (sniff_format(head) == ImageFormat::Unknown) throw DecodeError(describe_unknown(head));
}

DecodedImage decode_for_thumbnail(Bytes data, const ThumbnailOptions& options) {
  if (data.empty()) throw DecodeError("empty file");
  DecodedImage result;
  result.format = sniff_format(data);
  if (result.format == ImageFormat::Unknown) throw DecodeError(describe_unknown(data));
  const Codec* codec = find_codec(result.format);
  if (codec == nullptr) throw DecodeError(std::string("unsupported format: ") + format_name(result.format));

  // Every library call runs inside the capture: what the library prints belongs to this item.
  std::vector<std::string> printed;
  const auto captured = [&printed](const std::function<void()>& call) {
    try {
      capture_stderr_of(call, printed);
    } catch (DecodeError& e) {
      e.library_messages = printed;
      throw;
    }
  };
  ImageHeader header;
  captured([&] { header = read_header(data, result.format); });
  // --max-pixels bounds what is held in memory: the stored size, checked first; or, for a decoder
  // that shrinks on load without ever holding the whole picture (codec->held), what it will hold.
  if (codec->held == nullptr) check_pixel_limit(header.size, options.max_pixels);
  std::vector<std::string> integrity = check_integrity(data, result.format);
  result.orientation = header.orientation;
  const bool swap = swaps_sides(result.orientation);

  // Shrink-on-load: ask the decoder for at least twice the thumbnail, so that the final area
  // resize still has enough pixels to average (the libvips rule).
  DecodeRequest request;
  request.stored = header.size;
  request.max_pixels = options.max_pixels;
  request.all_frames = options.animated;
  request.max_frame_pixels = options.max_frame_pixels;
  if (options.decode == DecodeMode::Fast && header.size.width > 0 && header.size.height > 0) {
    const Dimensions upright = swapped(header.size, swap);
    // A crop cuts from the picture scaled to cover the box, so it needs more than a fit. Several
    // sizes: enough for each of them.
    Dimensions fit;
    for (const Dimensions box : boxes_of(options)) {
      const Dimensions one = options.crop != CropMode::None ? cover_size(upright, box, options.allow_enlarge)
                                                            : fit_within(upright, box, options.allow_enlarge);
      fit = {std::max(fit.width, one.width), std::max(fit.height, one.height)};
    }
    request.min_size =
        swapped({std::min(upright.width, 2 * fit.width), std::min(upright.height, 2 * fit.height)}, swap);
    request.largest_output = swapped(fit, swap);
  }

  if (codec->held != nullptr)
    check_pixel_limit(header.size, codec->held(data, header.size, request.min_size), options.max_pixels);
  DecodedPixels decoded;
  captured([&] { decoded = codec->decode(data, request); });
  decoded.warnings.insert(decoded.warnings.end(), printed.begin(), printed.end());
  const cv::Mat& stored = decoded.pixels;
  const double scale = decoded.scale;
  result.icc = std::move(decoded.icc);
  result.cicp = decoded.cicp;
  result.cmyk = decoded.cmyk;
  result.warnings = std::move(decoded.warnings);
  result.warnings.insert(result.warnings.end(), integrity.begin(), integrity.end());
  result.frames = std::move(decoded.frames);
  if (result.icc.empty() && !decoded.profile_read) {  // the codec did not look: find it in the bytes
    ExtractedProfile profile = embedded_profile(data, result.format);
    result.icc = std::move(profile.icc);
    result.warnings.insert(result.warnings.end(), profile.warnings.begin(), profile.warnings.end());
  }
  result.stored = header.size.width > 0 ? header.size : Dimensions{stored.cols, stored.rows};
  check_pixel_limit({stored.cols, stored.rows}, options.max_pixels);
  result.pixels = apply_orientation(stored, result.orientation);
  for (AnimationFrame& frame : result.frames)
    frame.pixels = apply_orientation(frame.pixels, result.orientation);
  const bool exact = scale > 1 && header.size.width > 0;
  const Dimensions upright_stored = swapped(result.stored, swap);
  result.upright = upright_stored;
  const double width = exact ? upright_stored.width / scale : result.pixels.cols;
  const double height = exact ? upright_stored.height / scale : result.pixels.rows;
  // The stored picture's partial last column/row ends up first (left/top) under these orientations.
  const int o = result.orientation;
  const bool partial_left = o == 2 || o == 3 || o == 6 || o == 7,
             partial_top = o == 3 || o == 4 || o == 7 || o == 8;
  result.extent = {partial_left ? result.pixels.cols - width : 0,
                   partial_top ? result.pixels.rows - height : 0, width, height};
  result.target = fit_within(swapped(result.stored, swap), boxes_of(options).front(), options.allow_enlarge);
  return result;
}

}  // namespace thumbflow::detail
