#include "pipeline/settings_stamp.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace thumbflow::detail {

std::string settings_stamp(const BatchOptions& o) {
  const ThumbnailOptions& t = o.thumbnail;
  const nlohmann::json j = {{"box", {t.box_width, t.box_height}},
                            {"enlarge", t.allow_enlarge},
                            {"format", int(t.format)},
                            {"quality", t.quality},
                            {"background", {t.background.r, t.background.g, t.background.b}},
                            {"decode", t.decode == DecodeMode::Fast ? "fast" : "full"},
                            {"name", o.name_template}};
  return j.dump();
}

bool record_settings(const BatchOptions& options, Storage& storage) {
  const std::string path = (std::filesystem::path(options.output_dir) / ".thumbflow.settings.json").string();
  const std::string stamp = settings_stamp(options);
  std::string previous;
  try {
    const auto bytes = storage.read(path, 1 << 16);
    previous.assign(bytes.begin(), bytes.end());
  } catch (const std::exception&) {
    // No record yet (first run into this folder), or unreadable: nothing to compare with.
  }
  if (previous == stamp + "\n") return true;
  const std::string text = stamp + "\n";
  try {
    storage.write_atomic(path, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot write " + path + ": " + e.what());
  }
  return previous.empty();
}

}  // namespace thumbflow::detail
