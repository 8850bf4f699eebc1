// Running a batch: the parallel flow graph and the serial baseline.
#pragma once

#include <functional>
#include <vector>

#include "thumbflow/options.hpp"
#include "thumbflow/report.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow {

// Called once per finished item (any status), never concurrently, in completion order.
using ItemCallback = std::function<void(const ItemResult&)>;

// Makes a thumbnail of every item. With options.serial the stages run one item at a time on the
// calling thread; otherwise in a oneTBB flow graph on options.threads threads with at most
// options.max_in_flight items in memory. Per-item problems are reported in the items, never
// thrown. Throws std::invalid_argument for bad options and std::runtime_error when the output
// folder cannot be created; nothing is written then.
BatchReport run_batch(const std::vector<Item>& items, const BatchOptions& options,
                      const ItemCallback& on_item = {});

}  // namespace thumbflow
