// The end of a batch: failures summed up by reason, in input order, instead of one line each.
#pragma once

#include <string>
#include <vector>

#include "thumbflow/report.hpp"

namespace thumbflow::cli {

// The reason an error names: its text up to the first ": " or " (" (the detail after it differs
// from file to file), e.g. "truncated or corrupt JPEG" of "truncated or corrupt JPEG: Premature end".
std::string failure_reason(const std::string& error);

// One line per reason, in the order of each reason's first failed item in `items` (the input
// order, so the same on every run): a reason with one item gives "NAME: ERROR"; more give
// "N failed: REASON (first: NAME: ERROR)". Without the "thumbflow: " prefix.
std::vector<std::string> failure_summary(const std::vector<ItemResult>& items);

}  // namespace thumbflow::cli
