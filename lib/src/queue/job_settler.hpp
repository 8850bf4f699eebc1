// The settling side of a worker: what becomes of each job once the pipeline is through with it
// (acknowledged, retried later, given up, handed back). Owns its connection, so acknowledging never
// waits behind a blocked read, and the jobs in the pipeline. settle() is called from the
// pipeline's report stage while hold() is called by the lister: the jobs are guarded.
#pragma once

#include <atomic>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "queue/job_intake.hpp"

namespace thumbflow::detail {

class JobSettler {
 public:
  JobSettler(const RedisAddress& redis, const QueueKeys& keys, const WorkerOptions& options,
             const std::string& consumer, HeldJobs& held, JobEvents& events, KeyWarnings& warnings);

  // A job goes into the pipeline, as an item tagged with its entry id.
  void hold(Prepared job);
  // The pipeline's result for a held job (others are ignored).
  void settle(const ItemResult& result);
  // The jobs held and not settled (the run stopped with an error): to be handed back.
  std::vector<Delivery> take_unsettled();
  // True once the connection for results was lost for good: jobs are then left pending, and other
  // workers take them over after --claim-after.
  bool failed() const { return failed_; }
  void rethrow_if_failed() {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  struct Held {
    Delivery delivery;
    std::string fingerprint;  // Prepared::fingerprint
  };
  void handle(const Held& h, const ItemResult& r);

  const WorkerOptions& options_;
  ResilientRedis redis_;
  JobLedger ledger_;
  HeldJobs& held_;
  JobEvents& events_;
  std::mutex mutex_;
  std::unordered_map<std::string, Held> in_pipeline_;  // entry id -> its delivery
  std::atomic<bool> failed_{false};
  std::exception_ptr error_;
};

}  // namespace thumbflow::detail
