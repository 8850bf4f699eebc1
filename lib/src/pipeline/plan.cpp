#include "pipeline/plan.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/safe_path.hpp"
#include "thumbflow/naming.hpp"

namespace thumbflow::detail {

void Planner::add_input(const std::string& path) {
  if (!is_remote(path)) inputs_.insert(normalised_path(path));
}

// A remote input has no date to compare with: its thumbnail, once there, is up to date.
bool Planner::up_to_date(const std::string& output, const std::string& input, bool remote) {
  const auto written = storage_.modified(output);
  if (!written) return false;
  if (unsynced_since_ && *written >= *unsynced_since_) return false;  // may never have reached the disk
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
    for (const Dimensions box : boxes)
      outputs.push_back(
          SafeRelativePath::check(output_relative_path(item.relative_path, options_.name_template,
                                                       with_box(options_.thumbnail, box)))
              .under(options_.output_dir));
  } catch (const std::invalid_argument& e) {
    r.error = std::string("thumbnail refused: ") + e.what();
    return false;
  }
  r.output = outputs.front();
  for (const std::string& output : outputs)
    if (const auto it = owner_of_output_.find(normalised_path(output)); it != owner_of_output_.end()) {
      r.error = "its thumbnail " + output + " would also be the thumbnail of " + it->second +
                "; add {srcext} to --name to keep both";
      return false;
    }
  for (const std::string& output : outputs) owner_of_output_.emplace(normalised_path(output), item.input);
  const bool remote = is_remote(item.input);
  for (const std::string& output : outputs)
    if (!remote && (inputs_.count(normalised_path(output)) != 0 || storage_.same_file(output, item.input))) {
      r.error = "its thumbnail " + output + " would overwrite an input; choose another --output or --name";
      return false;
    }
  std::vector<bool> fresh;
  for (const std::string& output : outputs)
    fresh.push_back(options_.skip_existing && up_to_date(output, item.input, remote));
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
