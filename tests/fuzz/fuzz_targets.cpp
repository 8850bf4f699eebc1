#include "fuzz_targets.hpp"

#include <cstdio>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "colour/convert.hpp"
#include "core/text.hpp"
#include "gallery/imgur_json.hpp"
#include "image/decode.hpp"
#include "image/decode_error.hpp"
#include "image/encode.hpp"
#include "image/exif.hpp"
#include "image/jpeg_baseline.hpp"
#include "image/jpeg_decoder.hpp"
#include "image/resize.hpp"
#include "queue/job_fields.hpp"
#include "thumbflow/naming.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::fuzz {
namespace {

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
  std::abort();
}

void check_safe_name(const std::string& name, std::size_t max_bytes) {
  if (name.empty() || name.size() > max_bytes) broken("name size " + std::to_string(name.size()));
  if (name.front() == '.') broken("hidden name " + name);
  for (const char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      broken("unsafe character in " + name);
}

// A relative path a job may write to: not empty, not absolute, no "." or ".." part, no NUL.
void check_safe_path(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string::npos)
    broken("unsafe path " + path);
  for (std::size_t at = 0; at <= path.size();) {
    const std::size_t end = std::min(path.find('/', at), path.size());
    const std::string_view part = std::string_view(path).substr(at, end - at);
    if (part.empty() || part == "." || part == "..") broken("unsafe path " + path);
    at = end + 1;
  }
}

void check_image(const detail::GalleryImage& image) {
  if (image.id.empty() || image.id.size() > 64) broken("gallery id size");
  for (const char c : image.id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      broken("gallery id " + image.id);
  const std::string scheme = detail::ascii_lower(std::string_view(image.link).substr(0, 8));
  if (scheme.rfind("http://", 0) != 0 && scheme.rfind("https://", 0) != 0)
    broken("gallery link " + image.link);
}

// The DC-only baseline decoder's contract: whatever it decodes, libjpeg decodes without a warning
// to the same pixels (within one grey level).
void check_baseline_eighth(detail::Bytes bytes, std::uint64_t max_pixels) {
  const std::optional<cv::Mat> mine = detail::decode_baseline_eighth(bytes, {1, 1}, max_pixels);
  if (!mine) return;
  cv::Mat reference;
  try {
    reference = detail::decode_jpeg_libjpeg(bytes, {1, 1}, max_pixels);
  } catch (const detail::DecodeError& e) {
    broken(std::string("baseline decoder took a file libjpeg refuses: ") + e.what());
  }
  if (reference.size() != mine->size() || reference.type() != mine->type()) broken("baseline decoder size");
  cv::Mat diff;
  cv::absdiff(reference, *mine, diff);
  double most = 0;
  cv::minMaxLoc(diff.reshape(1), nullptr, &most);
  if (most > 1) broken("baseline decoder pixels differ by " + std::to_string(most));
}

// The 1/4 decoder's: whatever it decodes, libjpeg decodes without a warning, to the same size
// (its pixels are an approximation, checked by the unit tests).
void check_baseline_quarter(detail::Bytes bytes, std::uint64_t max_pixels) {
  const std::optional<detail::JpegInfo> info = [&]() -> std::optional<detail::JpegInfo> {
    try {
      return detail::read_jpeg_info(bytes);
    } catch (const detail::DecodeError&) {
      return std::nullopt;
    }
  }();
  if (!info) return;
  const Dimensions quarter{(info->size.width + 7) / 8 + 1, 1};
  const std::optional<cv::Mat> mine = detail::decode_baseline_quarter(bytes, quarter, max_pixels);
  if (!mine) return;
  cv::Mat reference;
  try {
    reference = detail::decode_jpeg_libjpeg(bytes, quarter, max_pixels);
  } catch (const detail::DecodeError& e) {
    broken(std::string("1/4 baseline decoder took a file libjpeg refuses: ") + e.what());
  }
  if (reference.size() != mine->size() || reference.type() != mine->type())
    broken("1/4 baseline decoder size");
}

}  // namespace

void thumbnail(const std::uint8_t* data, std::size_t size) {
  const detail::Bytes bytes(data, size);
  // EXIF is also read on its own: decode_for_thumbnail reaches it only after the header checks.
  for (const auto format : {detail::ImageFormat::Jpeg, detail::ImageFormat::Png, detail::ImageFormat::Webp}) {
    const int orientation = detail::read_exif_orientation(bytes, format);
    if (orientation < 1 || orientation > 8) broken("orientation " + std::to_string(orientation));
  }
  ThumbnailOptions options;
  options.box_width = options.box_height = 8 << (size % 4);
  options.max_pixels = 1u << 22;     // bigger images only test the refusal, which is cheap
  options.animated = size % 8 >= 4;  // every frame of GIF and WebP animations, half of the time
  options.max_frame_pixels = 1u << 22;
  check_baseline_eighth(bytes, options.max_pixels);
  check_baseline_quarter(bytes, options.max_pixels);
  detail::DecodedImage decoded;
  try {
    decoded = detail::decode_for_thumbnail(bytes, options);
  } catch (const detail::DecodeError&) {
    return;  // the documented outcome for bad input
  } catch (const std::exception& e) {
    // The pipeline turns any std::exception into the item's error line, so this is not a crash;
    // but it would be a vague message, so it is shown for whoever reads the fuzzer's log.
    std::fprintf(stderr, "decode threw a non-DecodeError: %s\n", e.what());
    return;
  }
  // Both colour modes: the conversion (profiles from the bytes), and embedding what was found.
  const ColourMode colour = size % 2 == 0 ? ColourMode::Srgb : ColourMode::Keep;
  detail::manage_colour(decoded, colour);
  if (decoded.cmyk || (colour == ColourMode::Srgb && !decoded.icc.empty())) broken("colour step left work");
  if (decoded.pixels.empty() || decoded.target.width < 1 || decoded.target.height < 1) broken("empty decode");
  for (const auto& frame : decoded.frames)
    if (frame.pixels.size() != decoded.pixels.size() || frame.pixels.type() != CV_8UC4)
      broken("frame size or type");
  const bool alpha = decoded.pixels.channels() == 4;
  const cv::Mat small =
      detail::resize_for_thumbnail(decoded.pixels, decoded.target, alpha, options.background, decoded.extent);
  if (small.cols != decoded.target.width || small.rows != decoded.target.height) broken("resize size");
  const auto encoded =
      detail::encode_image(small, alpha ? OutputFormat::Png : OutputFormat::Jpeg, 85, decoded.icc);
  if (encoded.empty()) broken("empty encode");
}

void gallery_json(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    const detail::GalleryPage page = detail::parse_gallery_page(body, 200, "application/json");
    for (const auto& image : page.images) check_image(image);
    for (const auto& album : page.albums)
      if (album.id.empty()) broken("album without id");
  } catch (const detail::GalleryError&) {
  }
  try {
    std::vector<detail::SkippedEntry> skipped;
    for (const auto& image :
         detail::parse_album_images(body, 200, "application/json", std::nullopt, &skipped))
      check_image(image);
  } catch (const detail::GalleryError&) {
  }
}

void url_names(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_safe_name(safe_name_from_url(text.substr(0, text.find('\n'))), 100);
  std::set<std::string> names;
  for (const Item& item : parse_url_list(text)) {
    if (!item.error.empty()) continue;
    // A collision suffix ("-" + 8 hex digits) may follow the 100-byte name.
    check_safe_name(item.relative_path, 109);
    if (!names.insert(detail::ascii_lower(item.relative_path)).second)
      broken("duplicate " + item.relative_path);
  }
}

void queue_job(const std::uint8_t* data, std::size_t size) {
  // Fields as a stream entry holds them (name, value, name, value, ...), separated by NUL bytes.
  std::vector<std::string> fields;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::size_t at = 0; at <= text.size();) {
    const std::size_t end = std::min(text.find('\0', at), text.size());
    fields.emplace_back(text.substr(at, end - at));
    at = end + 1;
  }
  detail::QueueJob job;
  try {
    job = detail::decode_job(fields);
  } catch (const std::invalid_argument& e) {
    // The reason goes into one line of the worker's log and into NAME:dead: printable and short.
    const std::string_view why = e.what();
    if (why.empty() || why.size() > 1500)
      broken("decode_job reason of " + std::to_string(why.size()) + " bytes");
    for (const char c : why)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
        broken("control character in a decode_job reason");
    return;
  }
  // Every std::exception is a malformed job to the worker, but only std::invalid_argument is
  // documented: anything else (std::out_of_range from a number parser, ...) reaches the abort.
  check_safe_path(job.item.relative_path);
  check_safe_path(output_relative_path(job.item.relative_path, job.name_template, job.thumbnail));
  // What decode_job accepts, encode_job writes back as an entry decode_job reads to the same job.
  const detail::QueueJob again = detail::decode_job(detail::encode_job(job));
  if (detail::encode_job(again) != detail::encode_job(job)) broken("job does not survive encode_job");
}

Body body_named(std::string_view name) {
  if (name == "thumbnail") return thumbnail;
  if (name == "gallery_json") return gallery_json;
  if (name == "url_names") return url_names;
  if (name == "queue_job") return queue_job;
  return nullptr;
}

}  // namespace thumbflow::fuzz
