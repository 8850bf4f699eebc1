#include "pipeline/plan.hpp"

#include <filesystem>
#include <unordered_map>

#include "thumbflow/naming.hpp"

namespace thumbflow::detail {
namespace fs = std::filesystem;

std::vector<Job> plan_jobs(const std::vector<Item>& items, std::vector<ItemResult>& results,
                           const BatchOptions& options, Storage& storage) {
  results.assign(items.size(), ItemResult{});
  std::vector<Job> jobs;
  std::unordered_map<std::string, std::size_t> owner_of_output;  // normalised output -> item index
  std::unordered_map<std::string, std::size_t> input_paths;      // normalised input -> item index
  for (std::size_t i = 0; i < items.size(); ++i)
    input_paths.emplace(fs::absolute(items[i].input).lexically_normal().string(), i);

  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    ItemResult& r = results[i];
    r.input = item.input;
    if (!item.error.empty()) {
      r.error = item.error;
      continue;
    }
    r.output = (fs::path(options.output_dir) /
                output_relative_path(item.relative_path, options.name_template, options.thumbnail))
                   .string();
    const std::string key = fs::absolute(r.output).lexically_normal().string();
    if (const auto it = owner_of_output.find(key); it != owner_of_output.end()) {
      r.error = "its thumbnail " + r.output + " would also be the thumbnail of " + items[it->second].input +
                "; add {srcext} to --name to keep both";
      continue;
    }
    owner_of_output.emplace(key, i);
    const bool remote = is_remote(item.input);
    if (!remote && (input_paths.count(key) != 0 || storage.same_file(r.output, item.input))) {
      r.error = "its thumbnail " + r.output + " would overwrite an input; choose another --output or --name";
      continue;
    }
    // A remote input has no date to compare with: its thumbnail, once there, is up to date.
    const bool done_before = remote ? storage.exists(r.output) : storage.is_up_to_date(r.output, item.input);
    if (options.skip_existing && done_before) {
      r.status = ItemStatus::Skipped;
      continue;
    }
    r.status = ItemStatus::Cancelled;
    Job& job = jobs.emplace_back();
    job.item = &item;
    job.result = &r;
  }
  return jobs;
}

}  // namespace thumbflow::detail
