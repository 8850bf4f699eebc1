// The limits of a thumbnail's box list, checked in one place for every way in (run_batch, queue
// jobs).
#pragma once

#include "thumbflow/options.hpp"

namespace thumbflow::detail {

// Every box of boxes_of(options) is 0..65535 on each side with at least one side set; a list
// holds at most kMaxSizes boxes, none twice. Throws std::invalid_argument with one line.
void check_sizes(const ThumbnailOptions& options);

}  // namespace thumbflow::detail
