#include "queue/worker_metrics.hpp"

#include "thumbflow/sources.hpp"
#include "thumbflow/version.hpp"

namespace thumbflow::detail {
namespace {

// From a fast local read (~1 ms) to a slow download or a huge decode (tens of seconds).
const std::vector<double> kStageBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                          0.25,  0.5,    1,     2.5,  5,     10,   30};
// From a queue that keeps up (milliseconds) to a backlog of a day.
const std::vector<double> kWaitBounds = {0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400};

const char* const kJobHelp =
    "Jobs this worker handled, by result: done (thumbnail written), skipped (already there), failed "
    "(an attempt failed; retried later), dead (given up, moved to QUEUE:dead), released (handed back "
    "unstarted when stopping)";
const char* const kStageHelp =
    "Seconds each stage took per thumbnail written (read is the file read or the download)";
const char* const kClaimHelp =
    "Jobs this worker took over (XAUTOCLAIM) rather than read new, by reason: abandoned (its worker "
    "went silent for --claim-after: presumed dead), retry (a failed attempt due again), handed_back "
    "(given back unstarted by a stopping worker)";

}  // namespace

WorkerMetrics::WorkerMetrics(const std::string& queue, const std::string& consumer,
                             std::function<double()> in_flight)
    : read_bytes_(
          registry_.counter("thumbflow_worker_read_bytes_total", "Bytes read from local input files")),
      downloaded_bytes_(
          registry_.counter("thumbflow_worker_downloaded_bytes_total", "Bytes downloaded for URL jobs")),
      written_bytes_(
          registry_.counter("thumbflow_worker_written_bytes_total", "Bytes of thumbnails written")),
      wait_(registry_.histogram("thumbflow_worker_job_wait_seconds",
                                "Seconds from a job's enqueueing to its first start (queue lag; "
                                "by the Redis clock, so clocks should agree)",
                                kWaitBounds)),
      reconnects_(registry_.counter(
          "thumbflow_worker_redis_reconnects_total",
          "Times the worker's connection for reading jobs was lost and made again (each outage of Redis "
          "counts once)")) {
  const char* const results[] = {"done", "skipped", "failed", "dead", "released"};
  for (std::size_t i = 0; i < jobs_.size(); ++i)
    jobs_[i] = &registry_.counter("thumbflow_worker_jobs_total", kJobHelp, {{"result", results[i]}});
  const char* const stages[] = {"read", "decode", "resize", "encode", "write"};
  for (std::size_t i = 0; i < stages_.size(); ++i)
    stages_[i] = &registry_.histogram("thumbflow_worker_stage_seconds", kStageHelp, kStageBounds,
                                      {{"stage", stages[i]}});
  const char* const reasons[] = {"abandoned", "retry", "handed_back"};
  for (std::size_t i = 0; i < claimed_.size(); ++i)
    claimed_[i] =
        &registry_.counter("thumbflow_worker_claimed_jobs_total", kClaimHelp, {{"reason", reasons[i]}});
  registry_.gauge_fn("thumbflow_worker_jobs_in_flight",
                     "Jobs this worker holds now: read from the queue and not yet settled", {},
                     std::move(in_flight));
  registry_
      .gauge("thumbflow_worker_info", "The worker's queue, consumer name and version (always 1)",
             {{"queue", queue}, {"consumer", consumer}, {"version", version()}})
      .set(1);
  registry_.gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds")
      .set(process_start_time_seconds());
}

void WorkerMetrics::job(const JobEvent& e) {
  const ItemResult& r = e.result;
  std::size_t result = 4;
  if (e.dead)
    result = 3;
  else if (r.status == ItemStatus::Done)
    result = 0;
  else if (r.status == ItemStatus::Skipped)
    result = 1;
  else if (r.status == ItemStatus::Failed)
    result = 2;
  jobs_[result]->add();
  (is_remote(r.input) ? downloaded_bytes_ : read_bytes_).add(r.bytes_in);
  written_bytes_.add(r.bytes_out);
  if (r.status != ItemStatus::Done) return;
  const double ms[] = {r.times.read_ms, r.times.decode_ms, r.times.resize_ms, r.times.encode_ms,
                       r.times.write_ms};
  for (std::size_t i = 0; i < stages_.size(); ++i) stages_[i]->observe(ms[i] / 1000.0);
}

std::int64_t entry_id_ms(const std::string& id) {
  const auto dash = id.find('-');
  if (dash == 0 || dash == std::string::npos || dash > 18) return -1;
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < dash; ++i) {
    if (id[i] < '0' || id[i] > '9') return -1;
    ms = ms * 10 + (id[i] - '0');
  }
  return ms;
}

}  // namespace thumbflow::detail
