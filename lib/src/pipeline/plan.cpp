#include "pipeline/plan.hpp"

#include <filesystem>

#include "thumbflow/naming.hpp"

namespace thumbflow::detail {
namespace fs = std::filesystem;
namespace {

std::string normalised(const std::string& path) { return fs::absolute(path).lexically_normal().string(); }

}  // namespace

void Planner::add_input(const std::string& path) {
  if (!is_remote(path)) inputs_.insert(normalised(path));
}

bool Planner::plan(const Item& item, ItemResult& r) {
  r.input = item.input;
  r.tag = item.tag;
  r.status = ItemStatus::Failed;
  if (!item.error.empty()) {
    r.error = item.error;
    return false;
  }
  r.output = (fs::path(options_.output_dir) /
              output_relative_path(item.relative_path, options_.name_template, options_.thumbnail))
                 .string();
  const std::string key = normalised(r.output);
  if (const auto it = owner_of_output_.find(key); it != owner_of_output_.end()) {
    r.error = "its thumbnail " + r.output + " would also be the thumbnail of " + it->second +
              "; add {srcext} to --name to keep both";
    return false;
  }
  owner_of_output_.emplace(key, item.input);
  const bool remote = is_remote(item.input);
  if (!remote && (inputs_.count(key) != 0 || storage_.same_file(r.output, item.input))) {
    r.error = "its thumbnail " + r.output + " would overwrite an input; choose another --output or --name";
    return false;
  }
  // A remote input has no date to compare with: its thumbnail, once there, is up to date.
  const bool done_before = remote ? storage_.exists(r.output) : storage_.is_up_to_date(r.output, item.input);
  if (options_.skip_existing && done_before) {
    r.status = ItemStatus::Skipped;
    return false;
  }
  r.status = ItemStatus::Cancelled;
  return true;
}

}  // namespace thumbflow::detail
