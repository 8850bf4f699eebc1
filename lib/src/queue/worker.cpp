// `worker`: jobs from the stream through the local pipeline, acknowledged once written. The
// reading (job_intake), the settling (job_settler) and the heartbeat are pieces of their own; this
// file groups jobs into pipeline runs by their settings.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <unordered_set>
#include <utility>

#include "core/metrics_server.hpp"
#include "queue/heartbeat.hpp"
#include "queue/job_intake.hpp"
#include "queue/job_settler.hpp"
#include "queue/worker_metrics.hpp"
#include "thumbflow/naming.hpp"
#include "thumbflow/pipeline.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow {
namespace {

using namespace detail;

void validate(const WorkerOptions& o) {
  if (o.batch.output_dir.empty()) throw std::invalid_argument("an output folder is required");
  if (o.read_count < 0 || o.read_count > 10000) throw std::invalid_argument("read count must be 0..10000");
  if (o.block_ms < 1 || o.block_ms > 60000) throw std::invalid_argument("block time must be 1..60000 ms");
  if (o.claim_after_ms < 1000 || o.claim_after_ms > 86'400'000)
    throw std::invalid_argument("claim-after must be 1..86400 s");
  if (o.max_deliveries < 1 || o.max_deliveries > 100)
    throw std::invalid_argument("max deliveries must be 1..100");
  if (o.retry_delay_ms < 0) throw std::invalid_argument("retry delay must not be negative");
  if (o.reconnect_timeout_s < 1) throw std::invalid_argument("reconnect timeout must be at least 1 s");
  if (o.max_box < 1 || o.max_box > 65535) throw std::invalid_argument("max box must be 1..65535");
  if (!o.metrics_address.empty()) parse_listen_address(o.metrics_address);
}

std::string default_consumer() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "worker") + "-" + std::to_string(::getpid());
}

std::unique_ptr<MetricsServer> serve_metrics(const WorkerOptions& o, const WorkerMetrics& metrics) {
  if (o.metrics_address.empty()) return nullptr;
  auto server = std::make_unique<MetricsServer>(parse_listen_address(o.metrics_address),
                                                [&metrics] { return metrics.render(); });
  if (o.on_notice) o.on_notice("metrics at " + server->url());
  return server;
}

// Pipeline runs end after this many jobs, so that what a run keeps per job (its report, the
// planner's outputs) stays bounded on a worker that runs for weeks. The graph drains once per run.
constexpr std::size_t kJobsPerRun = 5000;

// Batching by settings: the intake reads, the settler settles, and the worker groups the jobs into
// pipeline runs with one set of settings each. carry_ (a job read for the next run) is its state.
class Worker {
 public:
  Worker(const RedisAddress& redis, const QueueKeys& keys, const WorkerOptions& options,
         const std::function<void(const JobEvent&)>& on_event)
      : options_(options),
        consumer_(options.consumer.empty() ? default_consumer() : options.consumer),
        metrics_(keys.stream, consumer_, [this] { return double(held_.size()); }),
        on_event_([this, &on_event](const JobEvent& e) {
          metrics_.job(e);
          if (on_event) on_event(e);
        }),
        metrics_server_(serve_metrics(options, metrics_)),
        events_(on_event_),
        warnings_(options.on_notice),
        intake_(
            redis, keys, options, consumer_,
            make_job_limits(options.input_roots, options.batch.output_dir, options.batch.thumbnail.max_pixels,
                            options.batch.thumbnail.max_frame_pixels, options.max_box),
            held_, events_, metrics_, warnings_),
        settler_(redis, keys, options, consumer_, held_, events_, warnings_),
        heartbeat_(std::make_unique<Heartbeat>(
            redis, keys, consumer_, std::chrono::milliseconds(std::max(200, options.claim_after_ms / 3)),
            std::chrono::seconds(options.reconnect_timeout_s), [this] { return held_.list(); })) {}

  WorkerSummary run() {
    const auto start = std::chrono::steady_clock::now();
    try {
      // One pipeline run per stretch of jobs with the same settings; the first job of a run is
      // read here, so that the run can be given its settings.
      for (;;) {
        if (!carry_ && !stopping()) carry_ = next_job();
        if (!carry_ || stopping()) break;
        run_once();
      }
    } catch (...) {
      hand_back_unlisted();
      throw;
    }
    hand_back_unlisted();
    heartbeat_.reset();  // or it would list this consumer again
    intake_.leave();
    WorkerSummary summary = events_.summary();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
  }

 private:
  bool stopping() const { return options_.batch.cancel != nullptr && options_.batch.cancel->load(); }

  std::optional<Prepared> next_job() {
    return intake_.next([this] { return stopping() || settler_.failed(); });
  }

  // One run of the pipeline over jobs with carry_'s settings. It ends when a job with other
  // settings comes (kept in carry_ for the next run), when a job's thumbnail was already made in
  // this run (a retry, or the same job enqueued again: the next run sees it fresh), after
  // kJobsPerRun jobs, or when there is no more work.
  void run_once() {
    BatchOptions o = options_.batch;
    o.thumbnail = carry_->job.thumbnail;
    o.name_template = carry_->job.name_template;
    // A thumbnail already there is trusted only for a job delivered before: most likely written by
    // the earlier attempt, which died before acknowledging. A first delivery always makes its
    // thumbnail: one already there may be from another run with other settings (the output
    // folder's settings record cannot tell, with several workers writing it at once).
    o.skip_existing = o.skip_existing && !carry_->job.force && carry_->delivery.deliveries > 1;
    const std::string settings = carry_->settings;
    std::unordered_set<std::string> outputs;
    std::exception_ptr listing_error;
    const NextItem next = [&]() -> std::optional<Item> {
      try {
        if (outputs.size() >= kJobsPerRun) return std::nullopt;
        std::optional<Prepared> p = carry_ ? std::exchange(carry_, std::nullopt) : next_job();
        if (!p) return std::nullopt;
        if (p->settings != settings || outputs.count(p->output) != 0) {
          carry_ = std::move(p);
          return std::nullopt;
        }
        outputs.insert(p->output);
        Item item = p->job.item;
        item.tag = p->delivery.id;
        item.newer_than_ms = std::max<std::int64_t>(0, entry_id_ms(p->delivery.id));
        settler_.hold(std::move(*p));
        return item;
      } catch (...) {
        listing_error = std::current_exception();
        return std::nullopt;
      }
    };
    BatchReport report;
    try {
      report = run_batch_stream(next, o, [&](const ItemResult& r) { settler_.settle(r); });
    } catch (...) {
      intake_.take_back(std::exchange(carry_, std::nullopt), settler_.take_unsettled());
      throw;
    }
    for (const ItemResult& r : report.items) settler_.settle(r);  // not reported: cancelled before starting
    if (listing_error) std::rethrow_exception(listing_error);
    settler_.rethrow_if_failed();
  }

  // Jobs read but not given to the pipeline go back to the queue at once (stopping, or an error).
  // After the connection for results is lost for good, they are left to --claim-after.
  void hand_back_unlisted() {
    if (settler_.failed()) return;
    intake_.take_back(std::exchange(carry_, std::nullopt), {});
    intake_.hand_back();
  }

  const WorkerOptions& options_;
  std::string consumer_;
  HeldJobs held_;  // every job between its read and its last step: what the heartbeat keeps
  WorkerMetrics metrics_;
  std::function<void(const JobEvent&)> on_event_;  // the metrics, then the caller's
  // Before the connections (a port in use stops the worker before it joins the group); reads only
  // metrics_ and held_, which outlive it.
  std::unique_ptr<MetricsServer> metrics_server_;
  JobEvents events_;
  KeyWarnings warnings_;  // failed writes to side keys, told once per key
  JobIntake intake_;
  JobSettler settler_;
  std::optional<Prepared> carry_;         // decoded, waiting for the next run
  std::unique_ptr<Heartbeat> heartbeat_;  // last: stopped first, while held_ still exists
};

}  // namespace

WorkerSummary run_worker(const RedisAddress& redis, const std::string& queue, const WorkerOptions& options,
                         const std::function<void(const JobEvent&)>& on_event) {
  validate(options);
  const QueueKeys keys(queue);
  std::error_code ec;
  std::filesystem::create_directories(options.batch.output_dir, ec);
  if (ec || ::access(options.batch.output_dir.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error("cannot write to output folder " + options.batch.output_dir +
                             (ec ? ": " + ec.message() : ""));
  try {
    Worker worker(redis, keys, options, on_event);
    return worker.run();
  } catch (const RedisServerError& e) {
    std::string why = e.what();
    try {
      RedisConnection connection(redis, std::chrono::seconds(10));
      why = refusal_text(connection, keys, e);
    } catch (const std::exception&) {
    }
    throw QueueError("Redis at " + describe(redis) + " refused to work on queue '" + queue + "': " + why);
  }
}

}  // namespace thumbflow
