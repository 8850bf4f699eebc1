// A queue job as a stream entry: everything a worker needs, as flat name/value fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "thumbflow/options.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::detail {

// Bounds of one entry, checked by decode_job before anything else reads it: fields (name-value
// pairs) per entry, and the longest value of any field (the input's limit; other fields have
// smaller ones).
inline constexpr int kMaxEntryFields = 64;
inline constexpr std::size_t kMaxFieldBytes = 8192;
inline constexpr std::size_t kMaxNameBytes = 64;
inline constexpr std::size_t kMaxEntryBytes = 32 * 1024;

// An entry over those bounds, as the worker's read script describes it without sending it (see
// kTakeScript): its field count and size, and its first kMaxEntryFields + 1 fields, names and
// values cut to kOutlineBytes, each with its whole size.
inline constexpr std::size_t kOutlineBytes = 200;
struct OutlinedField {
  std::string name, value;  // their first kOutlineBytes bytes
  std::size_t name_size = 0, value_size = 0;
};
struct EntryOutline {
  std::size_t field_count = 0, total_bytes = 0;
  std::vector<OutlinedField> fields;
};

struct QueueJob {
  Item item;  // input (absolute path or URL) and relative_path (decides the output name)
  ThumbnailOptions thumbnail{};
  std::string name_template = "{stem}_thumbnail.{ext}";
  bool force = false;  // redo even if the thumbnail exists
};

// Throws std::invalid_argument for options no pipeline run accepts (a job with them would stop
// every worker that takes it, instead of failing alone).
void check_thumbnail_options(const ThumbnailOptions& options);

// name, value, name, value, ... for XADD. Includes "output", the relative output path, so that
// people looking at the stream (or at NAME:dead) see where the thumbnail goes.
std::vector<std::string> encode_job(const QueueJob& job);

// The job of an entry's fields: the one place an entry is checked. First its bounds (at most
// kMaxEntryFields fields, each name once and at most 64 bytes, the input at most kMaxFieldBytes,
// rel and output 4096, name and sizes 1024, any other field 256, 32 KiB in all), then each field
// (numbers in decimal digits only). Throws std::invalid_argument naming the bad field (a job
// written by a newer or broken producer, or by an attacker), which makes the job dead at once;
// the message quotes values with quote_field.
QueueJob decode_job(const std::vector<std::string>& fields);

// Why an outlined entry is no job: the first bound it breaks, worded as decode_job words it.
std::string entry_bounds_problem(const EntryOutline& outline);

// A value from an entry for a message: printable, at most its first 200 bytes, then
// "…' (N bytes)". `size`: the whole value's, when only its start is at hand.
std::string quote_field(std::string_view value);
std::string quote_field(std::string_view shown, std::size_t size);
// Equal for jobs that one run of the pipeline can make together (same options and template).
std::string job_settings_key(const QueueJob& job);

// What makes a job "the same job" for enqueueing: the input (for local files also its size and
// modification time, so an edited file is enqueued again), the relative path and the settings.
std::string job_fingerprint(const QueueJob& job);

}  // namespace thumbflow::detail
