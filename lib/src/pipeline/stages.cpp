#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <utility>

#include "colour/convert.hpp"
#include "core/safe_path.hpp"
#include "crop/crop_plan.hpp"
#include "image/animated_webp_encoder.hpp"
#include "image/decode.hpp"
#include "image/decode_error.hpp"
#include "image/encode.hpp"
#include "image/pixel_limit.hpp"
#include "image/resize.hpp"
#include "io/read_error.hpp"
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

OutputResult* report_of(Job& job, const Rendition& r) {
  return r.report_index == Rendition::kItem ? nullptr : &job.result->outputs[r.report_index];
}

// What one rendition shows of the decoded pixels and its size: the whole picture fitted into the
// box, or with a crop mode the window plan_crop chooses for this box (boxes of other shapes get
// other windows).
struct Framing {
  cv::Rect window;
  Dimensions target;
};

Framing frame_for(Job& job, const Rendition& r, const ThumbnailOptions& options) {
  const ThumbnailOptions one = with_box(options, r.box);
  if (options.crop == CropMode::None)
    return {cv::Rect(0, 0, job.pixels.cols, job.pixels.rows),
            fit_within(job.upright, r.box, one.allow_enlarge)};
  const CropPlan plan = plan_crop(job.pixels, job.extent, job.upright, one);
  if (OutputResult* o = report_of(job, r))
    o->crop = plan.original;
  else
    job.result->crop = plan.original;
  return {plan.window, plan.target};
}

// Animation frames (whole canvases, maybe at another scale than the first frame's pixels) get the
// window of the first frame; each frame is made as a still, alpha kept (the output is WebP).
std::vector<AnimationFrame> resize_frames(const Job& job, const Framing& f, Rgb background) {
  std::vector<AnimationFrame> out;
  for (const AnimationFrame& frame : job.frames) {
    const double sx = double(frame.pixels.cols) / job.pixels.cols,
                 sy = double(frame.pixels.rows) / job.pixels.rows;
    const cv::Rect scaled(int(f.window.x * sx), int(f.window.y * sy),
                          std::max(1, int(f.window.width * sx + 0.5)),
                          std::max(1, int(f.window.height * sy + 0.5)));
    const cv::Mat cut = frame.pixels(scaled & cv::Rect(0, 0, frame.pixels.cols, frame.pixels.rows));
    AnimationFrame& made = out.emplace_back(frame);
    made.pixels = resize_for_thumbnail(cut, f.target, true, background);
  }
  return out;
}

}  // namespace

void drop_buffers(Job& job) {
  for (Rendition& r : job.renditions) {
    r.pixels.release();
    std::vector<AnimationFrame>().swap(r.frames);
  }
  release(job.bytes);
  job.pixels.release();
  release(job.encoded);
  std::vector<AnimationFrame>().swap(job.frames);
  release(job.icc);
}

void Job::cancel() {
  stopped = true;
  result->status = ItemStatus::Cancelled;
  drop_buffers(*this);
}

void Job::fail(std::string reason, FailureKind kind) {
  stopped = true;
  result->status = ItemStatus::Failed;
  result->error = std::move(reason);
  result->failure = kind;
  for (OutputResult& o : result->outputs)
    if (o.status == ItemStatus::Cancelled) o.status = ItemStatus::Failed;
  drop_buffers(*this);
}

void stage_read(Job& job, const StageContext& ctx) {
  run_stage(job, job.result->times.read_ms, [&] {
    try {
      job.bytes = ctx.storage.read_image(job.item->input, ctx.max_input_bytes, check_image_head);
    } catch (const ReadError& e) {
      job.fail(e.what(), e.kind);
      return;
    } catch (const DecodeError& e) {  // its first bytes are no image: the rest was not read
      job.fail(e.what(), FailureKind::Permanent);
      return;
    }
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
      job.fail(std::move(r.error), r.failure);
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
  ctx.storage.write_atomic_under(dir, SafeRelativePath::check(job.item->relative_path).str(), job.bytes);
}

// --animated applies where the output can hold an animation (WebP): other outputs get the first frame.
// The decode is for the sizes still to make (the largest decides the scale).
ThumbnailOptions decode_options(const Job& job, const StageContext& ctx) {
  ThumbnailOptions options = ctx.options.thumbnail;
  if (job.renditions.size() == 1) options = with_box(options, job.renditions.front().box);
  if (job.renditions.size() > 1) {
    options.sizes.clear();
    for (const Rendition& r : job.renditions) options.sizes.push_back(r.box);
  }
  options.animated = options.animated && format_for_output_name(job.result->output) == OutputFormat::Webp;
  return options;
}

void stage_decode(Job& job, const StageContext& ctx) {
  run_stage(job, job.result->times.decode_ms, [&] {
    keep_original(job, ctx);
    DecodedImage decoded;
    try {
      decoded = decode_for_thumbnail(job.bytes, decode_options(job, ctx));
    } catch (const DecodeError& e) {  // the failure is the error; what the library printed, warnings
      job.result->warnings.insert(job.result->warnings.end(), e.library_messages.begin(),
                                  e.library_messages.end());
      // The same bytes decode the same way: not an image, corrupt, unsupported, over --max-pixels.
      job.fail(e.what(), FailureKind::Permanent);
      return;
    }
    release(job.bytes);
    manage_colour(decoded, ctx.options.thumbnail.colour);
    job.icc = std::move(decoded.icc);
    job.result->in_size = decoded.stored;
    job.result->orientation = decoded.orientation;
    job.result->warnings.insert(job.result->warnings.end(), decoded.warnings.begin(), decoded.warnings.end());
    job.extent = decoded.extent;
    job.upright = decoded.upright;
    job.pixels = std::move(decoded.pixels);
    job.result->decoded = {job.pixels.cols, job.pixels.rows};
    job.frames = std::move(decoded.frames);
  });
}

std::vector<Rendition> renditions_to_make(const ItemResult& result, const ThumbnailOptions& options) {
  std::vector<Rendition> renditions;
  const auto add = [&](Dimensions box, const std::string& output, std::size_t report_index) {
    Rendition& r = renditions.emplace_back();
    r.box = box;
    r.output = output;
    r.report_index = report_index;
  };
  if (result.outputs.empty()) add(boxes_of(options).front(), result.output, Rendition::kItem);
  for (std::size_t i = 0; i < result.outputs.size(); ++i)
    if (result.outputs[i].status == ItemStatus::Cancelled)
      add(result.outputs[i].box, result.outputs[i].output, i);
  return renditions;
}

// Largest first; each size from the smallest result already made that shows the same window and
// has at least twice its pixels on each side (so the area filter still averages), else from the
// decoded pixels.
void stage_resize(Job& job, const StageContext& ctx) {
  run_stage(job, job.result->times.resize_ms, [&] {
    const ThumbnailOptions& t = ctx.options.thumbnail;
    const bool alpha = keeps_alpha(format_for_output_name(job.result->output));
    std::vector<Framing> framing;
    std::vector<std::size_t> order;
    for (const Rendition& r : job.renditions) {
      order.push_back(framing.size());
      framing.push_back(frame_for(job, r, t));
    }
    std::uint64_t pixels = 0;
    for (const Framing& f : framing) pixels += std::uint64_t(f.target.width) * std::uint64_t(f.target.height);
    try {
      check_thumbnail_pixels(pixels, framing.size(), job.frames.size(), t.max_pixels, t.max_frame_pixels);
    } catch (const DecodeError& e) {
      job.fail(e.what(), FailureKind::Permanent);
      return;
    }
    const auto area = [&](std::size_t i) {
      return std::int64_t(framing[i].target.width) * framing[i].target.height;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return area(a) > area(b); });
    std::vector<std::size_t> made;
    for (const std::size_t i : order) {
      const Framing& f = framing[i];
      const Rendition* from = nullptr;
      for (const std::size_t m : made) {
        const cv::Mat& p = job.renditions[m].pixels;
        if (framing[m].window == f.window && p.cols >= 2 * f.target.width && p.rows >= 2 * f.target.height &&
            (from == nullptr || p.total() < from->pixels.total()))
          from = &job.renditions[m];
      }
      Rendition& r = job.renditions[i];
      const bool whole = t.crop == CropMode::None;  // a crop window is cut at whole pixels
      r.pixels = from != nullptr ? resize_for_thumbnail(from->pixels, f.target, alpha, t.background)
                                 : resize_for_thumbnail(job.pixels(f.window), f.target, alpha, t.background,
                                                        whole ? job.extent : cv::Rect2d{});
      if (!job.frames.empty()) r.frames = resize_frames(job, f, t.background);
      made.push_back(i);
      if (OutputResult* o = report_of(job, r)) o->out_size = {r.pixels.cols, r.pixels.rows};
      if (r.report_index == Rendition::kItem || r.report_index == 0)
        job.result->out_size = {r.pixels.cols, r.pixels.rows};  // the item's output is the first size's
    }
    job.pixels.release();
    std::vector<AnimationFrame>().swap(job.frames);
  });
}

void stage_encode_write(Job& job, const StageContext& ctx) {
  const int quality = ctx.options.thumbnail.quality;
  // Planned as output_dir / relative: the write is confined to output_dir.
  const std::string& root = ctx.options.output_dir;
  for (Rendition& r : job.renditions) {
    run_stage(job, job.result->times.encode_ms, [&] {
      // Inside the stage: a name whose format is unknown fails this item, never the batch.
      const OutputFormat format = format_for_output_name(r.output);
      job.encoded = r.frames.empty() ? encode_image(r.pixels, format, quality, job.icc)
                                     : encode_animated_webp(r.frames, quality);
      r.pixels.release();
      std::vector<AnimationFrame>().swap(r.frames);
    });
    run_stage(job, job.result->times.write_ms, [&] {
      ctx.storage.write_atomic_under(root, std::filesystem::path(r.output).lexically_relative(root).string(),
                                     job.encoded);
      job.result->bytes_out += job.encoded.size();
      if (OutputResult* o = report_of(job, r)) {
        o->status = ItemStatus::Done;
        o->bytes_out = job.encoded.size();
      }
    });
  }
}

void finish(Job& job) {
  if (!job.stopped) {
    job.result->status = ItemStatus::Done;
    job.result->error.clear();
    job.result->failure = FailureKind::None;
  }
  drop_buffers(job);
}

}  // namespace thumbflow::detail
