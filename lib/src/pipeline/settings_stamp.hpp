#pragma once

#include <string>

#include "io/storage.hpp"
#include "thumbflow/options.hpp"

namespace thumbflow::detail {

// The settings record's name in an output folder; its presence marks a thumbflow output folder.
inline constexpr const char* kSettingsRecordName = ".thumbflow.settings.json";

// The settings that decide what a thumbnail looks like (box, enlarge, format, quality,
// background, decode mode, name template), as one line of JSON. The box is left out when the
// name template names it ({size}, or {w} and {h}; always so with several sizes).
std::string settings_stamp(const BatchOptions& options);

// OUT/.thumbflow.settings.json says which settings made every thumbnail in OUT: absent (no run
// yet: what is there is trusted), one stamp, or "pending" (a run with new settings did not finish:
// the folder may hold thumbnails of two settings, so none is trusted).
//
// Before a batch: says whether existing thumbnails may be trusted (skipped as up to date). True if
// the record is absent (then this run's stamp is recorded) or holds this run's stamp. Otherwise
// the record becomes "pending" before any thumbnail is redone, and the caller redoes everything
// and calls record_settings_done once the batch ran to its end. Throws std::runtime_error if it
// cannot write the record.
bool record_settings(const BatchOptions& options, Storage& storage);

// After a batch that had to redo everything and was not stopped: records this run's stamp. The
// caller does not call it when an item failed and left an older thumbnail in place.
void record_settings_done(const BatchOptions& options, Storage& storage);

}  // namespace thumbflow::detail
