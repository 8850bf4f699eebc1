// One item on its way through the pipeline, and the stage functions that move it along.
// The parallel graph and the serial loop call the same stage functions.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

#include "image/codec.hpp"
#include "io/storage.hpp"
#include "net/fetcher.hpp"
#include "thumbflow/options.hpp"
#include "thumbflow/report.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::detail {

// One thumbnail of a job: a box, and where it goes. A job has one per size it still has to make.
struct Rendition {
  Dimensions box{};
  std::string output;  // planned output path
  // Where it is reported: result->outputs[report_index], or the item itself (a single size).
  static constexpr std::size_t kItem = std::size_t(-1);
  std::size_t report_index = kItem;
  // Filled by stage_resize, released by stage_encode_write.
  cv::Mat pixels;
  std::vector<AnimationFrame> frames;
};

struct Job {
  const Item* item = nullptr;
  ItemResult* result = nullptr;  // result->output holds the planned output path
  // What to make: see renditions_to_make. Set when the job is created.
  std::vector<Rendition> renditions;
  // Buffers live only while the job is in flight; finish() releases them.
  std::vector<std::uint8_t> bytes;
  cv::Mat pixels;
  // --animated: every frame (BGRA canvases, then thumbnails); empty for a still.
  std::vector<AnimationFrame> frames;
  cv::Rect2d extent{};  // see DecodedImage::extent
  // see DecodedImage::upright
  Dimensions upright{};
  std::vector<std::uint8_t> encoded;
  std::vector<std::uint8_t> icc;  // the profile to embed in the thumbnail (--colour keep), else empty

  // True once the job failed or was cancelled mid-way: later stages leave it alone.
  bool stopped = false;
  // Cancelled before its first stage: not reported to the item callback.
  bool never_started = false;

  // Ends the job as Failed with `reason`; `kind` Permanent only where the cause is known to come
  // back on every try (see FailureKind).
  void fail(std::string reason, FailureKind kind = FailureKind::Transient);
  // Ends the job as Cancelled (a transfer cut short by cancellation).
  void cancel();
};

// The thumbnails a planned item still needs: each output of result.outputs that is not up to
// date, or (a single size) the one box and result.output.
std::vector<Rendition> renditions_to_make(const ItemResult& result, const ThumbnailOptions& options);

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
