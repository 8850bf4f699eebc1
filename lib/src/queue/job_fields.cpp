#include "queue/job_fields.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>

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
  if (t.box_width < 0 || t.box_width > 65535 || t.box_height < 0 || t.box_height > 65535 ||
      (t.box_width == 0 && t.box_height == 0))
    throw std::invalid_argument("box size must be 1..65535 on at least one side");
  if (t.quality < 1 || t.quality > 100) throw std::invalid_argument("quality must be 1..100");
}

std::vector<std::string> encode_job(const QueueJob& job) {
  const ThumbnailOptions& t = job.thumbnail;
  const Rgb& bg = t.background;
  return {"v",          kLayout,
          "input",      job.item.input,
          "rel",        job.item.relative_path,
          "output",     output_relative_path(job.item.relative_path, job.name_template, t),
          "box_w",      std::to_string(t.box_width),
          "box_h",      std::to_string(t.box_height),
          "enlarge",    t.allow_enlarge ? "1" : "0",
          "format",     format_name(t.format),
          "quality",    std::to_string(t.quality),
          "background", std::to_string(bg.r) + "," + std::to_string(bg.g) + "," + std::to_string(bg.b),
          "max_pixels", std::to_string(t.max_pixels),
          "decode",     t.decode == DecodeMode::Full ? "full" : "fast",
          "name",       job.name_template,
          "force",      job.force ? "1" : "0"};
}

QueueJob decode_job(const std::vector<std::string>& fields) {
  std::map<std::string, std::string> f;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) f[fields[i]] = fields[i + 1];
  if (text(f, "v") != kLayout)
    throw std::invalid_argument("entry layout " + text(f, "v") + " is not " + kLayout);
  QueueJob job;
  job.item.input = text(f, "input");
  job.item.relative_path = text(f, "rel");
  if (job.item.input.empty() || job.item.relative_path.empty())
    throw std::invalid_argument("empty input or relative path");
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
  job.name_template = text(f, "name");
  validate_name_template(job.name_template);
  job.force = parse_int(f, "force", 0, 1) == 1;
  check_thumbnail_options(t);
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
