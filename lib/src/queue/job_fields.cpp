#include "queue/job_fields.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>

#include "core/safe_path.hpp"
#include "core/sizes.hpp"
#include "crop/crop_plan.hpp"
#include "thumbflow/naming.hpp"
#include "thumbflow/printable.hpp"

namespace thumbflow::detail {

std::string quote_field(std::string_view shown, std::size_t size) {
  constexpr std::size_t kShown = 200;
  if (size <= kShown && shown.size() == size) return "'" + printable(shown) + "'";
  return "'" + printable(shown.substr(0, kShown)) + "\u2026' (" + std::to_string(size) + " bytes)";
}

std::string quote_field(std::string_view value) { return quote_field(value, value.size()); }

namespace {

// The longest value of each field: a path or URL for the input, a SafeRelativePath for rel and
// output, short texts for the rest (unknown fields included).
std::size_t field_limit(std::string_view name) {
  if (name == "input") return kMaxFieldBytes;
  if (name == "rel" || name == "output") return 4096;
  if (name == "name" || name == "sizes") return 1024;
  return 256;
}

// One field as the bounds check sees it: its name and value, or their starts, and their sizes.
struct FieldView {
  std::string_view name, value;
  std::size_t name_size, value_size;
};

// Bounded in fields, names, values and in all; each name once. `fields`: the first ones at least
// (an outline holds kMaxEntryFields + 1 of them, enough to find every bound it breaks).
void check_bounds(std::size_t field_count, std::size_t total, const std::vector<FieldView>& fields) {
  if (field_count > std::size_t(kMaxEntryFields))
    throw std::invalid_argument("entry has " + std::to_string(field_count) + " fields, over the limit of " +
                                std::to_string(kMaxEntryFields));
  std::set<std::string_view> names;
  for (const FieldView& f : fields) {
    if (f.name_size > kMaxNameBytes)
      throw std::invalid_argument("field name " + quote_field(f.name, f.name_size) +
                                  " is over the limit of " + std::to_string(kMaxNameBytes) + " bytes");
    if (f.value_size > field_limit(f.name))
      throw std::invalid_argument("field '" + printable(f.name) + "' is " + std::to_string(f.value_size) +
                                  " bytes, over the limit of " + std::to_string(field_limit(f.name)) + ": " +
                                  quote_field(f.value, f.value_size));
    if (!names.insert(f.name).second)
      throw std::invalid_argument("field '" + printable(f.name) + "' appears twice: which one is meant?");
  }
  if (total > kMaxEntryBytes)
    throw std::invalid_argument("entry is " + std::to_string(total) + " bytes, over the limit of " +
                                std::to_string(kMaxEntryBytes));
}

// Before anything reads the entry.
void check_entry_bounds(const std::vector<std::string>& fields) {
  std::vector<FieldView> views;
  std::size_t total = 0;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    views.push_back({fields[i], fields[i + 1], fields[i].size(), fields[i + 1].size()});
    total += fields[i].size() + fields[i + 1].size();
  }
  check_bounds(fields.size() / 2, total, views);
}

// Version of the entry layout; a worker refuses entries of another version.
constexpr const char* kLayout = "1";

std::string format_name(OutputFormat f) { return f == OutputFormat::Same ? "same" : output_extension(f, ""); }

OutputFormat parse_format(const std::string& s) {
  if (s == "same") return OutputFormat::Same;
  if (s == "jpg") return OutputFormat::Jpeg;
  if (s == "png") return OutputFormat::Png;
  if (s == "webp") return OutputFormat::Webp;
  throw std::invalid_argument("unknown format " + quote_field(s));
}

// Strict decimal: digits only (no sign, space or trailing text), as encode_job writes them.
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `low` and `high` are at least 0. Any number of digits: from_chars says when the value does not fit.
long long parse_int(const std::map<std::string, std::string>& f, const std::string& name, long long low,
                    long long high) {
  const auto it = f.find(name);
  if (it == f.end()) throw std::invalid_argument("field '" + name + "' missing");
  const std::string& s = it->second;
  if (unsigned long long v = 0; all_digits(s)) {
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (error == std::errc{} && v >= static_cast<unsigned long long>(low) &&
        v <= static_cast<unsigned long long>(high))
      return static_cast<long long>(v);
  }
  throw std::invalid_argument("field '" + name + "' is " + quote_field(s) + ", not a number in " +
                              std::to_string(low) + ".." + std::to_string(high) + " (digits only)");
}

// Fields whose value is a list of numbers: only these characters, so that no parser down the line
// takes a sign, a space or a stray character ("+128", " 128", "128abc").
void check_charset(const std::map<std::string, std::string>& f, const std::string& name,
                   std::string_view allowed) {
  const auto it = f.find(name);
  if (it != f.end() && it->second.find_first_not_of(allowed) != std::string::npos)
    throw std::invalid_argument("field '" + name + "' is " + quote_field(it->second) + ": only '" +
                                std::string(allowed) + "' may appear");
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
    throw std::invalid_argument("entry layout " + quote_field(text(f, "v")) + " is not " + kLayout);
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
  // As encode_job writes it: R,G,B in decimal digits.
  if (const std::string& bg = text(f, "background");
      std::count(bg.begin(), bg.end(), ',') != 2 || bg.find_first_not_of("0123456789,") != std::string::npos)
    throw std::invalid_argument("field 'background' is " + quote_field(bg) + ", not R,G,B in digits");
  t.background = parse_rgb(text(f, "background"));
  check_charset(f, "sizes", "0123456789x,");
  check_charset(f, "gravity", "0123456789.,e-");
  t.max_pixels = std::uint64_t(parse_int(f, "max_pixels", 0, 1LL << 62));
  const std::string& decode = text(f, "decode");
  if (decode != "fast" && decode != "full")
    throw std::invalid_argument("unknown decode mode " + quote_field(decode));
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
      throw std::invalid_argument("unknown colour mode " + quote_field(colour->second));
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
    throw std::invalid_argument("field 'output' is " + quote_field(it->second) + ", not " +
                                quote_field(output) + " as rel and name give");
  return job;
}

}  // namespace

std::string entry_bounds_problem(const EntryOutline& outline) {
  std::vector<FieldView> views;
  for (const OutlinedField& f : outline.fields) views.push_back({f.name, f.value, f.name_size, f.value_size});
  try {
    check_bounds(outline.field_count, outline.total_bytes, views);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  // The read script outlines only entries over a bound; this would be a mismatch of the two.
  return "entry is over the bounds of an entry (" + std::to_string(outline.field_count) + " fields, " +
         std::to_string(outline.total_bytes) + " bytes)";
}

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
  check_entry_bounds(fields);
  try {
    QueueJob job = decode_still_job(fields);
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2)
      if (fields[i] == "animated_max_frame_pixels") {
        job.thumbnail.animated = true;
        job.thumbnail.max_frame_pixels =
            std::uint64_t(parse_int({{fields[i], fields[i + 1]}}, fields[i], 0, 1LL << 62));
      }
    return job;
  } catch (const std::exception& e) {
    // The parsers shared with the command line (name template, sizes, crop, gravity, colour)
    // quote what they refuse as it is; from a queue entry that text goes into a log line and into
    // NAME:dead, so its control characters are escaped here, for every field at once.
    throw std::invalid_argument(printable(e.what()));
  }
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
