// What a batch did, item by item, and how to save it as JSON.
//
// The structs are plain values that run_batch fills in and returns; the caller owns them. Reading a
// report from several threads is safe; changing it while another thread reads is not. The JSON
// functions are pure (no state) and safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "thumbflow/crop.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow {

// What happened to one item.
enum class ItemStatus {
  Done,       // thumbnail written
  Skipped,    // thumbnail already present and up to date (re-run)
  Failed,     // see ItemResult::error
  Cancelled,  // not started because the batch was cancelled
};

// The status as the JSON report writes it: "done", "skipped", "failed", "cancelled" ("unknown"
// for a value outside the enum). A static string: never null, never to be freed. Never throws.
const char* to_string(ItemStatus status);

// Why an item failed, as far as trying it again could help (a queue worker retries only Transient).
enum class FailureKind {
  None,       // the item did not fail
  Transient,  // may succeed later: HTTP 5xx/408/429, a timeout, a reset or refused connection,
              // and any cause not known to be permanent
  Permanent,  // fails the same way every time: not an image, a corrupt or unsupported image, over
              // --max-pixels or --max-bytes, HTTP 4xx (but 408/429), a refused address, too many
              // redirects, a bad URL
};

// The kind as the JSON report writes it: "none", "transient", "permanent". A static string.
const char* to_string(FailureKind kind);

// Milliseconds spent in each stage for one item; 0 for stages it did not reach.
struct StageTimes {
  double read_ms = 0, decode_ms = 0, resize_ms = 0, encode_ms = 0, write_ms = 0;
};

// One thumbnail of an item asked for several sizes (ThumbnailOptions::sizes).
struct OutputResult {
  std::string output;  // planned output path
  Dimensions box{};    // the box it is made for (0 = unbounded side)
  // Done: written by this run; Skipped: already there and up to date; Failed: the item failed
  // before it was written; Cancelled: the batch stopped first.
  ItemStatus status = ItemStatus::Cancelled;
  Dimensions out_size{};        // thumbnail size; 0x0 unless Done
  CropRect crop{};              // what it shows, with a crop mode (each box gets its own window)
  std::uint64_t bytes_out = 0;  // bytes written; 0 unless Done
};

// One item of a batch: what it was, where its thumbnail went, how it ended, what it cost.
struct ItemResult {
  std::string input;  // as given: a path (or URL for remote sources)
  // Planned output path, also for failures ("" if none could be planned). With several sizes, the
  // first size's (in the order given); `outputs` lists them all.
  std::string output;
  ItemStatus status = ItemStatus::Failed;
  std::string error;                        // one line, without the item name; "" unless Failed
  FailureKind failure = FailureKind::None;  // set with `error`: whether trying again could help
  // Things that did not stop the item but concern it (a library's warning, a broken colour
  // profile ignored): one line each, without the item name.
  std::vector<std::string> warnings;
  Dimensions in_size{};   // as stored in the file (before orientation); 0x0 if unknown
  int orientation = 1;    // EXIF/TIFF orientation 1..8 of the input (5..8 swap in_size upright)
  Dimensions out_size{};  // thumbnail size (several sizes: the first size's); 0x0 unless made
  // Pixels decoded (upright), smaller than the input after shrink-on-load; 0x0 if not decoded.
  // The report's JSON has it with several sizes, all of which are made from this one decode.
  Dimensions decoded{};
  CropRect crop{};  // what the thumbnail shows, with a crop mode (see CropRect)
  // Bytes read (or downloaded) and written (several sizes: by all outputs); 0 for what did not
  // happen.
  std::uint64_t bytes_in = 0, bytes_out = 0;
  // Several sizes: one entry per size, in the order given; the item is Done when it made the
  // outputs that were not up to date, Skipped when all were. Empty for a single size. The decode
  // happens once for them all: times.decode_ms is that one decode, resize/encode/write the sums.
  std::vector<OutputResult> outputs;
  StageTimes times{};
  std::string tag;  // Item::tag of the item
};

// Totals of a batch. Every item is counted in exactly one of done/skipped/failed/cancelled.
struct Summary {
  std::size_t total = 0, done = 0, skipped = 0, failed = 0, cancelled = 0;
  double seconds = 0;           // wall time of the batch
  std::uint64_t bytes_in = 0;   // bytes read for Done items
  std::uint64_t bytes_out = 0;  // bytes written
  double megapixels_in = 0;     // input pixels of Done items, in millions
  std::size_t thumbnails = 0;   // thumbnail files written (several per item with several sizes)
  int threads = 1;              // threads used (1 when serial)
  bool serial = false;
  std::string output_dir;  // as given in BatchOptions
  // Temporary files that killed runs (SIGKILL, power loss) left in the output folder and the
  // --keep-originals folder, at least 10 minutes old, removed when the batch started.
  std::size_t temp_files_removed = 0;
  // With Fsync::Batch: why the flush at the end failed ("" = it did not fail, or there was none).
  // The thumbnails reported done may then not be on the disk; the next run redoes them.
  std::string flush_error;
};

// What run_batch returns.
struct BatchReport {
  std::vector<ItemResult> items;  // in input (listing) order
  Summary summary{};
};

// The whole report as JSON: {"summary": {...}, "items": [{...}, ...]}, with `indent` spaces per
// level (default 2; -1 puts it all on one line). The summary also gets images_per_second and
// megapixels_per_second; an item's "error" and "failure" ("transient" or "permanent") keys are
// present only when it failed. A name ("input", "output") that is not valid UTF-8 is shown with
// U+FFFD for its bad bytes, and its exact bytes follow in "input_bytes" / "output_bytes",
// percent-encoded ('%' and every byte outside printable ASCII as %XX), so that two names that
// differ only there stay apart. Never throws (but bad_alloc).
std::string report_to_json(const BatchReport& report, int indent = 2);

// The summary alone as JSON, the "summary" object of report_to_json (for --json on stdout). Same
// indent, encoding and guarantees.
std::string summary_to_json(const Summary& summary, int indent = 2);

// Writes report_to_json(report) and a newline to `path`, creating missing parent folders, through
// a temporary file beside it renamed over `path`: readers see the old file or the whole new one.
// Throws std::runtime_error("cannot write report <path>: <reason>") and leaves no temporary file
// behind. Concurrent calls on different paths are safe; on the same path the last rename wins.
void write_report_file(const BatchReport& report, const std::string& path);

// An HTML contact sheet of `report`: the totals at the top, a responsive grid of the thumbnails
// (each with its name, the original's dimensions and size, and a link to the original), then the
// failures with their reasons and the items not done. Self-contained (inline CSS, no script, no
// external assets), so it works from file://. Local files are linked relative to `html_dir` (the
// folder the page will be saved in); remote originals link to their URL. Every name is
// HTML-escaped. Sizes missing from the report are shown as unknown. Pure, thread-safe.
std::string contact_sheet_html(const BatchReport& report, const std::string& html_dir);

// Writes contact_sheet_html to `path` atomically (temp file + rename), linking relative to the
// folder of `path`. Items whose sizes the report lacks (thumbnails skipped as up to date) get them
// from the headers of their files. Throws std::runtime_error when the file cannot be written or
// when `path` is the input or output of an item (the page never replaces an image).
void write_contact_sheet(const BatchReport& report, const std::string& path);

// True if `path` is a file that write_contact_sheet wrote (it carries thumbflow's generator tag),
// so a re-run may replace it; false for any other file and for a missing one.
bool is_contact_sheet(const std::string& path);

}  // namespace thumbflow
