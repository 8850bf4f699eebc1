#include "queue/job_fields.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>

#include "core/safe_path.hpp"
#include "core/sizes.hpp"
#include "crop/crop_plan.hpp"
#include "thumbflow/naming.hpp"

namespace thumbflow::detail {
namespace {

// Version of the entry layout; a worker refuses entries of another version.
constexpr const char* kLayout = "1";

std::string format_name(OutputFormat f) { return f == OutputFormat::Same ? "same" : output_extension(f, ""); }

OutputFormat parse_format(const std::string& s) {
  if (s == "same") return OutputFormat::Same;
  if (s == "jpg") return OutputFormat::Jpeg;
  if (s == "png") return OutputFormat::Png;
  if (s == "webp") return OutputFormat::Webp;
  throw std::invalid_argument("unknown format '" + s + "'");
}

long long parse_int(const std::map<std::string, std::string>& f, const std::string& name, long long low,
                    long long high) {
  const auto it = f.find(name);
  if (it == f.end()) throw std::invalid_argument("field '" + name + "' missing");
  try {
    std::size_t used = 0;
    const long long v = std::stoll(it->second, &used);
    if (used == it->second.size() && v >= low && v <= high) return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument("field '" + name + "' is not a number in " + std::to_string(low) + ".." +
                              std::to_string(high));
}

const std::string& text(const std::map<std::string, std::string>& f, const std::string& name) {
  const auto it = f.find(name);
  if (it == f.end()) throw std::invalid_argument("field '" + name + "' missing");
  return it->second;
}

}  // namespace

void check_thumbnail_options(const ThumbnailOptions& t) {
  check_sizes(t);
  if (t.quality < 1 || t.quality > 100) throw std::invalid_argument("quality must be 1..100");
  check_crop_options(t);
}

namespace {

std::vector<std::string> encode_still_job(const QueueJob& job) {
  const ThumbnailOptions& t = job.thumbnail;
  const Rgb& bg = t.background;
  return {"v",          kLayout,
          "input",      job.item.input,
          "rel",        job.item.relative_path,
          "output",     output_relative_path(job.item.relative_path, job.name_template, t),
          "box_w",      std::to_string(boxes_of(t).front().width),
          "box_h",      std::to_string(boxes_of(t).front().height),
          "enlarge",    t.allow_enlarge ? "1" : "0",
          "format",     format_name(t.format),
          "quality",    std::to_string(t.quality),
          "background", std::to_string(bg.r) + "," + std::to_string(bg.g) + "," + std::to_string(bg.b),
          "max_pixels", std::to_string(t.max_pixels),
          "decode",     t.decode == DecodeMode::Full ? "full" : "fast",
          "name",       job.name_template,
          "force",      job.force ? "1" : "0",
          "colour",     t.colour == ColourMode::Keep ? "keep" : "srgb",
          "crop",       crop_mode_name(t.crop),
          "gravity",    t.gravity.set() ? format_gravity(t.gravity) : ""};
}

QueueJob decode_still_job(const std::vector<std::string>& fields) {
  std::map<std::string, std::string> f;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) f[fields[i]] = fields[i + 1];
  if (text(f, "v") != kLayout)
    throw std::invalid_argument("entry layout " + text(f, "v") + " is not " + kLayout);
  QueueJob job;
  job.item.input = text(f, "input");
  job.item.relative_path = SafeRelativePath::check(text(f, "rel")).str();
  if (job.item.input.empty()) throw std::invalid_argument("field 'input' is empty");
  ThumbnailOptions& t = job.thumbnail;
  t.box_width = int(parse_int(f, "box_w", 0, 65535));
  t.box_height = int(parse_int(f, "box_h", 0, 65535));
  t.allow_enlarge = parse_int(f, "enlarge", 0, 1) == 1;
  t.format = parse_format(text(f, "format"));
  t.quality = int(parse_int(f, "quality", 1, 100));
  t.background = parse_rgb(text(f, "background"));
  t.max_pixels = std::uint64_t(parse_int(f, "max_pixels", 0, 1LL << 62));
  const std::string& decode = text(f, "decode");
  if (decode != "fast" && decode != "full")
    throw std::invalid_argument("unknown decode mode '" + decode + "'");
  t.decode = decode == "full" ? DecodeMode::Full : DecodeMode::Fast;
  // Optional: absent for one size (entries written before size lists have none).
  if (const auto it = f.find("sizes"); it != f.end()) {
    t.sizes = parse_size_list(it->second);
    if (t.sizes.size() < 2) throw std::invalid_argument("field 'sizes' holds fewer than two sizes");
    t.box_width = t.sizes.front().width;
    t.box_height = t.sizes.front().height;
  }
  job.name_template = text(f, "name");
  validate_name_template(job.name_template, t);
  job.force = parse_int(f, "force", 0, 1) == 1;
  // Optional: entries written before colour management have none (sRGB, the default).
  if (const auto colour = f.find("colour"); colour != f.end()) {
    if (colour->second != "srgb" && colour->second != "keep")
      throw std::invalid_argument("unknown colour mode '" + colour->second + "'");
    t.colour = colour->second == "keep" ? ColourMode::Keep : ColourMode::Srgb;
  }
  // Entries written before crop existed have neither field: they fit, as they did.
  if (const auto it = f.find("crop"); it != f.end()) t.crop = parse_crop_mode(it->second);
  if (const auto it = f.find("gravity"); it != f.end() && !it->second.empty())
    t.gravity = parse_gravity(it->second);
  check_thumbnail_options(t);
  const std::string output =
      SafeRelativePath::check(output_relative_path(job.item.relative_path, job.name_template, t)).str();
  // The field is what people see in the stream; a job saying one thing and doing another is refused.
  if (const auto it = f.find("output"); it != f.end() && it->second != output)
    throw std::invalid_argument("field 'output' is '" + printable_path(it->second) + "', not '" + output +
                                "' as rel and name give");
  return job;
}

}  // namespace

std::vector<std::string> encode_job(const QueueJob& job) {
  std::vector<std::string> fields = encode_still_job(job);
  // Optional (absent = one size), so that entries of one size read as they did; box_w/box_h then
  // hold the first size.
  if (job.thumbnail.sizes.size() > 1) {
    std::string sizes;
    for (const Dimensions box : job.thumbnail.sizes) sizes += (sizes.empty() ? "" : ",") + size_name(box);
    fields.emplace_back("sizes");
    fields.push_back(std::move(sizes));
  }
  // Optional (absent = off), so that entries queued before --animated existed still decode.
  if (job.thumbnail.animated) {
    fields.emplace_back("animated_max_frame_pixels");
    fields.push_back(std::to_string(job.thumbnail.max_frame_pixels));
  }
  return fields;
}

QueueJob decode_job(const std::vector<std::string>& fields) {
  QueueJob job = decode_still_job(fields);
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2)
    if (fields[i] == "animated_max_frame_pixels") {
      job.thumbnail.animated = true;
      job.thumbnail.max_frame_pixels =
          std::uint64_t(parse_int({{fields[i], fields[i + 1]}}, fields[i], 0, 1LL << 62));
    }
  return job;
}

std::string job_settings_key(const QueueJob& job) {
  std::vector<std::string> fields = encode_job(job);
  std::string key;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2)
    if (fields[i] != "input" && fields[i] != "rel" && fields[i] != "output") key += fields[i + 1] + '\n';
  return key;
}

std::string job_fingerprint(const QueueJob& job) {
  std::string print = job.item.input + '\n' + job.item.relative_path + '\n' + job_settings_key(job);
  if (!is_remote(job.item.input)) {
    std::error_code size_error, time_error;
    const auto size = std::filesystem::file_size(job.item.input, size_error);
    const auto time = std::filesystem::last_write_time(job.item.input, time_error);
    print += std::to_string(size_error ? 0 : size) + '\n' +
             std::to_string(time_error ? 0 : time.time_since_epoch().count()) + '\n';
  }
  return print;
}

}  // namespace thumbflow::detail
