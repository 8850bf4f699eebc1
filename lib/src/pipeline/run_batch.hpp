#pragma once

#include "io/storage.hpp"
#include "thumbflow/pipeline.hpp"

namespace thumbflow::detail {

// run_batch with the file-system seam exposed, for tests that inject failures.
BatchReport run_batch_with(const std::vector<Item>& items, const BatchOptions& options, Storage& storage,
                           const ItemCallback& on_item);
BatchReport run_stream_with(const NextItem& next, const BatchOptions& options, Storage& storage,
                            const ItemCallback& on_item);

}  // namespace thumbflow::detail
