#include "pipeline/plan.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "core/safe_path.hpp"
#include "core/text.hpp"
#include "thumbflow/naming.hpp"

namespace thumbflow::detail {
namespace {

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace

void Planner::add_input(const std::string& path) {
  if (!is_remote(path)) inputs_.insert(normalised_path(path));
}

void Planner::add_known(const Item& item) {
  add_input(item.input);
  if (!item.error.empty() || has_unread_image_extension(file_name(item.input))) return;
  try {
    for (const std::string& output : outputs_of(item))
      read_owner_.emplace(normalised_path(output), item.input);
  } catch (const std::invalid_argument&) {
    // plan() refuses it with the reason
  }
}

std::vector<std::string> Planner::outputs_of(const Item& item) const {
  std::vector<std::string> outputs;
  for (const Dimensions box : boxes_of(options_.thumbnail))
    outputs.push_back(SafeRelativePath::check(output_relative_path(item.relative_path, options_.name_template,
                                                                   with_box(options_.thumbnail, box)))
                          .under(options_.output_dir));
  return outputs;
}

// A remote input has no date to compare with: its thumbnail, once there, is up to date.
bool Planner::up_to_date(const std::string& output, const Item& item, bool remote) {
  const std::string& input = item.input;
  const auto written = storage_.modified(output);
  if (!written) return false;
  if (unsynced_since_ && *written >= *unsynced_since_) return false;  // may never have reached the disk
  if (item.newer_than_ms > 0 &&
      *written < std::chrono::file_clock::from_sys(std::chrono::sys_time<std::chrono::milliseconds>(
                     std::chrono::milliseconds(item.newer_than_ms))))
    return false;  // there before the item was made: someone else's
  if (remote) return true;
  const auto changed = storage_.modified(input);
  return changed && *written >= *changed;
}

bool Planner::plan(const Item& item, ItemResult& r) {
  r.input = item.input;
  r.tag = item.tag;
  r.status = ItemStatus::Failed;
  r.failure = FailureKind::Transient;  // what planning refuses may be fine in another batch
  if (!item.error.empty()) {
    r.error = item.error;
    return false;
  }
  // Whatever the source, every output lands under the output folder or the item fails here.
  const std::vector<Dimensions> boxes = boxes_of(options_.thumbnail);
  std::vector<std::string> outputs;
  try {
    outputs = outputs_of(item);
  } catch (const std::invalid_argument& e) {
    r.error = std::string("thumbnail refused: ") + e.what();
    return false;
  }
  r.output = outputs.front();
  const std::string name = file_name(item.input);
  const bool unread = has_unread_image_extension(name);
  std::vector<std::string> keys;  // each output's normal form, made once (it asks the file system)
  for (const std::string& output : outputs) keys.push_back(normalised_path(output));
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string& output = outputs[i];
    const std::string& key = keys[i];
    std::string other;
    if (const auto it = owner_of_output_.find(key); it != owner_of_output_.end())
      other = it->second;
    else if (const auto wanted = read_owner_.find(key); unread && wanted != read_owner_.end())
      other = wanted->second;
    if (other.empty()) continue;
    // A file thumbflow cannot read gives way, with its own reason rather than a naming hint.
    r.error = unread ? "unsupported format: thumbflow does not read ." +
                           ascii_lower(name.substr(name.rfind('.') + 1)) + " files (and its thumbnail name " +
                           output + " is " + other + "'s)"
                     : "its thumbnail " + output + " would also be the thumbnail of " + other +
                           "; add {srcext} to --name to keep both";
    r.failure = FailureKind::Permanent;
    return false;
  }
  for (const std::string& key : keys) owner_of_output_.emplace(key, item.input);
  const bool remote = is_remote(item.input);
  for (std::size_t i = 0; i < outputs.size(); ++i)
    if (!remote && (inputs_.count(keys[i]) != 0 || storage_.same_file(outputs[i], item.input))) {
      r.error =
          "its thumbnail " + outputs[i] + " would overwrite an input; choose another --output or --name";
      r.failure = FailureKind::Permanent;  // the same item and settings: the same clash every time
      return false;
    }
  std::vector<bool> fresh;
  for (const std::string& output : outputs)
    fresh.push_back(options_.skip_existing && up_to_date(output, item, remote));
  if (boxes.size() > 1)
    for (std::size_t i = 0; i < boxes.size(); ++i)
      r.outputs.push_back({outputs[i], boxes[i], fresh[i] ? ItemStatus::Skipped : ItemStatus::Cancelled});
  if (std::all_of(fresh.begin(), fresh.end(), [](bool b) { return b; })) {
    r.status = ItemStatus::Skipped;
    r.failure = FailureKind::None;
    return false;
  }
  r.status = ItemStatus::Cancelled;
  r.failure = FailureKind::None;
  return true;
}

}  // namespace thumbflow::detail
