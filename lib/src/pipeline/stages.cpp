#include <chrono>
#include <exception>
#include <filesystem>
#include <utility>

#include "image/decode.hpp"
#include "image/encode.hpp"
#include "image/resize.hpp"
#include "pipeline/job.hpp"

namespace thumbflow::detail {
namespace {

// Runs `work` unless the job already stopped (failed or cancelled), adds its duration to `ms`, and turns
// exceptions into the item's error.
template <typename Work>
void run_stage(Job& job, double& ms, Work&& work) {
  if (job.stopped) return;
  const auto start = std::chrono::steady_clock::now();
  try {
    work();
  } catch (const std::exception& e) {
    job.fail(e.what());
  } catch (...) {
    job.fail("unknown error");
  }
  ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// `v = {}` would pick the initializer-list assignment, which keeps the capacity: swap it away.
void release(std::vector<std::uint8_t>& v) { std::vector<std::uint8_t>().swap(v); }

}  // namespace

void drop_buffers(Job& job) {
  release(job.bytes);
  job.pixels.release();
  release(job.encoded);
}

void Job::cancel() {
  stopped = true;
  result->status = ItemStatus::Cancelled;
  drop_buffers(*this);
}

void Job::fail(std::string reason) {
  stopped = true;
  result->status = ItemStatus::Failed;
  result->error = std::move(reason);
  drop_buffers(*this);
}

void stage_read(Job& job, const StageContext& ctx) {
  run_stage(job, job.result->times.read_ms, [&] {
    job.bytes = ctx.storage.read(job.item->input, ctx.max_input_bytes);
    job.result->bytes_in = job.bytes.size();
  });
}

bool is_remote_job(const Job& job) { return is_remote(job.item->input); }

void start_fetch(Job& job, const StageContext& ctx, std::function<void()> then) {
  const auto start = std::chrono::steady_clock::now();
  ctx.fetcher->fetch(job.item->input, [&job, start, then = std::move(then)](FetchResult r) {
    job.result->times.read_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (r.cancelled)
      job.cancel();
    else if (!r.ok())
      job.fail(std::move(r.error));
    else {
      job.bytes = std::move(r.body);
      job.result->bytes_in = job.bytes.size();
    }
    then();
  });
}

// Keeps the downloaded original when asked (written before decoding, so a file that downloads
// but does not decode is kept too, for inspection).
void keep_original(Job& job, const StageContext& ctx) {
  const std::string& dir = ctx.options.download.keep_originals_dir;
  if (dir.empty() || !is_remote_job(job)) return;
  ctx.storage.write_atomic((std::filesystem::path(dir) / job.item->relative_path).string(), job.bytes);
}

void stage_decode(Job& job, const StageContext& ctx) {
  run_stage(job, job.result->times.decode_ms, [&] {
    keep_original(job, ctx);
    DecodedImage decoded = decode_for_thumbnail(job.bytes, ctx.options.thumbnail);
    release(job.bytes);
    job.result->in_size = decoded.stored;
    job.target = decoded.target;
    job.extent = {decoded.extent_width, decoded.extent_height};
    job.pixels = std::move(decoded.pixels);
  });
}

void stage_resize(Job& job, const StageContext& ctx) {
  run_stage(job, job.result->times.resize_ms, [&] {
    const bool alpha = keeps_alpha(format_for_output_name(job.result->output));
    job.pixels =
        resize_for_thumbnail(job.pixels, job.target, alpha, ctx.options.thumbnail.background, job.extent);
    job.result->out_size = {job.pixels.cols, job.pixels.rows};
  });
}

void stage_encode_write(Job& job, const StageContext& ctx) {
  run_stage(job, job.result->times.encode_ms, [&] {
    job.encoded =
        encode_image(job.pixels, format_for_output_name(job.result->output), ctx.options.thumbnail.quality);
    job.pixels.release();
  });
  run_stage(job, job.result->times.write_ms, [&] {
    ctx.storage.write_atomic(job.result->output, job.encoded);
    job.result->bytes_out = job.encoded.size();
  });
}

void finish(Job& job) {
  if (!job.stopped) {
    job.result->status = ItemStatus::Done;
    job.result->error.clear();
  }
  drop_buffers(job);
}

}  // namespace thumbflow::detail
