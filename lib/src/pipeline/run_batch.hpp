#pragma once

#include "io/storage.hpp"
#include "thumbflow/pipeline.hpp"

namespace thumbflow::detail {

// run_batch with the file-system seam exposed, for tests that inject failures.
BatchReport run_batch_with(const std::vector<Item>& items, const BatchOptions& options, Storage& storage,
                           const ItemCallback& on_item);
BatchReport run_stream_with(const NextItem& next, const BatchOptions& options, Storage& storage,
                            const ItemCallback& on_item);

// Images a parallel batch lets in flight at once: `max_in_flight` when set (> 0), else two per
// thread plus, when it downloads, two per connection (each connection's next transfer is queued
// when one ends; the help texts of run, fetch and worker and the README give this default).
int images_in_flight(int max_in_flight, int threads, bool downloads, int connections);

}  // namespace thumbflow::detail
