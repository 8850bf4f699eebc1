// Running a batch: the parallel flow graph and the serial baseline.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "thumbflow/options.hpp"
#include "thumbflow/report.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow {

// Called once per finished item (any status), never concurrently, in completion order, on a thread
// of the batch (a TBB worker, the lister or the caller), not necessarily the caller's. Items that
// need no work (up to date, failed while listing or planning) are reported as soon as they are
// listed; items cancelled before they started are not reported (they are in the BatchReport). It
// must not throw (an exception would end the process); keep it short, it holds up the report stage.
using ItemCallback = std::function<void(const ItemResult&)>;

// Makes a thumbnail of every item and returns when all are done (or cancelled through
// options.cancel). With options.serial the stages run one item at a time on the calling thread;
// otherwise in a oneTBB flow graph on options.threads threads with at most options.max_in_flight
// items in memory. An Item with an error becomes a Failed result; an empty list is fine. Per-item
// problems are reported in the items, never thrown. Writes the thumbnails and the settings record
// OUT/.thumbflow.settings.json (a re-run with other settings redoes instead of skipping). Throws
// std::invalid_argument for bad options and std::runtime_error when the output folder cannot be
// created; nothing is written then. Calls may run at once for distinct output folders.
BatchReport run_batch(const std::vector<Item>& items, const BatchOptions& options,
                      const ItemCallback& on_item = {});

// A source that lists items while the batch runs (gallery pages, a queue): returns the next item,
// or std::nullopt when there are no more. It may block (waiting on the network); it is called from
// one thread at a time, and only when the pipeline has room for another item, so a source that
// claims work (a queue) never takes more than the batch can hold. It should return std::nullopt
// soon after *options.cancel becomes true. Exceptions it throws end the listing (items already
// listed are still processed) and are rethrown by run_batch_stream after the batch has drained.
using NextItem = std::function<std::optional<Item>()>;

// run_batch over a source that is still listing: thumbnailing starts with the first item, so
// listing, downloading and thumbnailing overlap. Unlike run_batch, a local item is not checked
// against the inputs listed after it ("would overwrite an input"); its thumbnail still never
// replaces its own input.
BatchReport run_batch_stream(const NextItem& next, const BatchOptions& options,
                             const ItemCallback& on_item = {});

// For a program that owns its terminal (the CLI), called once before any batch: from then on what
// C libraries print on stderr while thumbflow decodes an image (libpng's warnings through OpenCV,
// OpenCV's log, libtiff's at OpenCV's debug level) becomes a warning of that item
// (ItemResult::warnings) instead of reaching the terminal raw. std::cerr and std::clog are
// re-pointed at a duplicate of the original stderr; C's stderr (fd 2) is a pipe only while one
// such decode runs, and those decodes then run one at a time. Without this call nothing changes.
void capture_library_messages();

}  // namespace thumbflow
