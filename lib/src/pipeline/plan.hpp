#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "io/storage.hpp"
#include "thumbflow/options.hpp"
#include "thumbflow/report.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::detail {

// Decides each item's output path and what happens to it before any image is read: items that
// failed while listing, would overwrite an input, collide with an earlier item's output, or are
// already up to date get their final status now. Items are planned one at a time, in listing
// order, from one thread.
class Planner {
 public:
  // `unsynced_since`: when an earlier batch into this output folder started that was never
  // flushed to the disk (its .thumbflow.unsynced mark); thumbnails written since are not trusted.
  Planner(const BatchOptions& options, Storage& storage,
          std::optional<std::filesystem::file_time_type> unsynced_since = std::nullopt)
      : options_(options), storage_(storage), unsynced_since_(unsynced_since) {}

  // A local path that is an input of this batch, so that no thumbnail may overwrite it. Items are
  // always protected against overwriting themselves; this also covers items listed later.
  void add_input(const std::string& path);

  // An item of this batch known before planning starts (add_input included). An output name that
  // a picture thumbflow reads (by its extension) and a file it does not read (.ico, .psd, ... see
  // has_unread_image_extension) would share goes to the picture, whichever is listed first
  // (favicon.ico and favicon.png: the PNG's thumbnail is made).
  void add_known(const Item& item);

  // Fills `result` for `item`. Returns true if the item needs to run (its status is then
  // Cancelled until a stage finishes it), false if its status is already final.
  bool plan(const Item& item, ItemResult& result);

 private:
  bool up_to_date(const std::string& output, const Item& item, bool remote);
  // The item's output paths, one per box; throws std::invalid_argument when one is refused.
  std::vector<std::string> outputs_of(const Item& item) const;

  const BatchOptions& options_;
  Storage& storage_;
  const std::optional<std::filesystem::file_time_type> unsynced_since_;
  std::unordered_map<std::string, std::string> owner_of_output_;  // normalised output -> its input
  std::unordered_set<std::string> inputs_;                        // normalised input paths
  std::unordered_map<std::string, std::string> read_owner_;       // normalised output -> first readable input
};

}  // namespace thumbflow::detail
