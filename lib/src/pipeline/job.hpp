// One item on its way through the pipeline, and the stage functions that move it along.
// The parallel graph and the serial loop call the same stage functions.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

#include "io/storage.hpp"
#include "net/fetcher.hpp"
#include "thumbflow/options.hpp"
#include "thumbflow/report.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::detail {

struct Job {
  const Item* item = nullptr;
  ItemResult* result = nullptr;  // result->output holds the planned output path
  // Buffers live only while the job is in flight; finish() releases them.
  std::vector<std::uint8_t> bytes;
  cv::Mat pixels;
  Dimensions target{};
  cv::Size2d extent{};  // see DecodedImage::extent_width
  std::vector<std::uint8_t> encoded;

  // True once the job failed or was cancelled mid-way: later stages leave it alone.
  bool stopped = false;
  // Cancelled before its first stage: not reported to the item callback.
  bool never_started = false;

  void fail(std::string reason);
  // Ends the job as Cancelled (a transfer cut short by cancellation).
  void cancel();
};

// Shared, read-only context of one batch.
struct StageContext {
  const BatchOptions& options;
  Storage& storage;
  std::uint64_t max_input_bytes;
  Fetcher* fetcher = nullptr;  // for remote items; null when the batch has none
};

// Each stage records its time and turns any exception into a failed item; a failed job passes
// through the later stages untouched.
// Reading a local item. Remote items are fetched instead: start_fetch calls `then` (on any
// thread) once the body is in job.bytes or the job failed.
void stage_read(Job& job, const StageContext& ctx);
void start_fetch(Job& job, const StageContext& ctx, std::function<void()> then);
bool is_remote_job(const Job& job);
void stage_decode(Job& job, const StageContext& ctx);
void stage_resize(Job& job, const StageContext& ctx);
void stage_encode_write(Job& job, const StageContext& ctx);
// Marks a job that came through every stage without failing as Done and frees its buffers.
void finish(Job& job);

}  // namespace thumbflow::detail
