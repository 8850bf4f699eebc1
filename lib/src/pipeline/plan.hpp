#pragma once

#include <vector>

#include "pipeline/job.hpp"

namespace thumbflow::detail {

// Decides each item's output path and what happens to it before any image is read: items that
// failed while listing, would overwrite an input, collide with another item's output, or are
// already up to date get their final status now. Returns the jobs left to run, in input order;
// their status is Cancelled until a stage finishes them.
std::vector<Job> plan_jobs(const std::vector<Item>& items, std::vector<ItemResult>& results,
                           const BatchOptions& options, Storage& storage);

}  // namespace thumbflow::detail
