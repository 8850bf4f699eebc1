#include "pipeline/settings_stamp.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "thumbflow/naming.hpp"

namespace thumbflow::detail {
namespace {

constexpr const char* kPending = "\"pending\"\n";  // valid JSON, equal to no stamp

std::string record_path(const BatchOptions& options) {
  return (std::filesystem::path(options.output_dir) / kSettingsRecordName).string();
}

void write_record(const std::string& path, const std::string& text, Storage& storage) {
  try {
    storage.write_atomic(path, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot write " + path + ": " + e.what());
  }
}

}  // namespace

std::string settings_stamp(const BatchOptions& o) {
  const ThumbnailOptions& t = o.thumbnail;
  nlohmann::json j = {{"enlarge", t.allow_enlarge},
                      {"format", int(t.format)},
                      {"quality", t.quality},
                      {"background", {t.background.r, t.background.g, t.background.b}},
                      {"decode", t.decode == DecodeMode::Fast ? "fast" : "full"},
                      {"colour", t.colour == ColourMode::Keep ? "keep" : "srgb"},
                      {"name", o.name_template},
                      {"crop", crop_mode_name(t.crop)},
                      {"gravity", {t.gravity.x, t.gravity.y}}};
  // When each name tells its box, a thumbnail there was made for the box its name says: the boxes
  // are left out, so a run that adds a size trusts the sizes made before and makes only the new one.
  if (!names_hold_box(o.name_template)) j["box"] = {t.box_width, t.box_height};
  // Only when set, so that stamps of runs without --animated stay as they were.
  if (!t.animated) return j.dump();
  nlohmann::json animated = j;
  animated["animated_max_frame_pixels"] = t.max_frame_pixels;
  return animated.dump();
}

bool record_settings(const BatchOptions& options, Storage& storage) {
  const std::string path = record_path(options);
  const std::string stamp = settings_stamp(options) + "\n";
  std::string previous;
  try {
    const auto bytes = storage.read(path, 1 << 16);
    previous.assign(bytes.begin(), bytes.end());
  } catch (const std::exception&) {
    // No record yet (first run into this folder), or unreadable: nothing to compare with.
  }
  if (previous == stamp) return true;
  // Written before the first thumbnail of this run: an interrupted run leaves "pending", never a
  // stamp that older thumbnails would seem to match.
  write_record(path, previous.empty() ? stamp : kPending, storage);
  return previous.empty();
}

void record_settings_done(const BatchOptions& options, Storage& storage) {
  write_record(record_path(options), settings_stamp(options) + "\n", storage);
}

}  // namespace thumbflow::detail
