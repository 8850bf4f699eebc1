#pragma once

#include <string>

#include "io/storage.hpp"
#include "thumbflow/options.hpp"

namespace thumbflow::detail {

// The settings that decide what a thumbnail looks like (box, enlarge, format, quality,
// background, decode mode, name template), as one line of JSON.
std::string settings_stamp(const BatchOptions& options);

// Records the settings of this run in OUT/.thumbflow.settings.json and says whether existing
// thumbnails there may be trusted: true if the folder has no record yet or the same settings;
// false if an earlier run used others (then everything is redone, so no stale thumbnail made
// with another size or quality survives a re-run). Throws std::runtime_error if it cannot write.
bool record_settings(const BatchOptions& options, Storage& storage);

}  // namespace thumbflow::detail
