// The reading side of a worker: reads deliveries (claimed and new), gives up at once on those that
// are malformed, refused by the worker's limits or delivered too often, and hands the rest over as
// Prepared jobs. Owns its connection, the reader and the jobs read but not yet handed over. Runs
// on the worker's own thread only (the pipeline's lister).
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "queue/held_jobs.hpp"
#include "queue/job_events.hpp"
#include "queue/job_fields.hpp"
#include "queue/job_ledger.hpp"
#include "queue/job_policy.hpp"
#include "queue/job_reader.hpp"
#include "queue/worker_metrics.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow::detail {

// A delivery ready to run: decoded and confined, with what decides whether it fits a run.
struct Prepared {
  Delivery delivery;
  QueueJob job;
  std::string settings;  // job_settings_key, and whether it was delivered before (see Worker)
  std::string output;    // relative output path
  // job_fingerprint of the job as enqueued (before confine_job): what NAME:seen holds for it.
  std::string fingerprint;
};

class JobIntake {
 public:
  JobIntake(const RedisAddress& redis, const QueueKeys& keys, const WorkerOptions& options,
            const std::string& consumer, JobLimits limits, HeldJobs& held, JobEvents& events,
            WorkerMetrics& metrics, KeyWarnings& warnings);

  // The next job to run, reading (and waiting) as needed; std::nullopt when `stop` says so, or
  // with burst when the queue is empty.
  std::optional<Prepared> next(const std::function<bool()>& stop);

  // Jobs handed over but never started go back in front of the buffer (see hand_back).
  void take_back(std::optional<Prepared> carried, std::vector<Delivery> unstarted);
  // Releases every job read but not run to the other workers at once.
  void hand_back();
  // Leaves the consumer group if this consumer holds nothing.
  void leave() { ledger_.leave(); }

 private:
  std::optional<Prepared> prepare(Delivery& d);
  // The job of `d` checked (decode_job) and confined to this worker's limits, with its
  // fingerprint; std::nullopt and the reason in `why` when it is not a job this worker takes.
  std::optional<Prepared> check(const Delivery& d, std::string& why) const;
  // `fingerprint`: see JobLedger::dead.
  void give_up(const Delivery& d, const std::string& error, const std::string& fingerprint);

  const WorkerOptions& options_;
  ResilientRedis redis_;
  JobReader reader_;
  JobLedger ledger_;
  JobLimits limits_;
  HeldJobs& held_;
  JobEvents& events_;
  WorkerMetrics& metrics_;
  int read_count_ = 2;
  std::deque<Delivery> buffer_;  // read, not yet decoded
  bool maybe_empty_ = true;
};

}  // namespace thumbflow::detail
