// The writing side of a worker: what becomes of each job once the pipeline is through with it.
// Every step is one script (see queue_keys.hpp), safe to run again after a reconnection.
#pragma once

#include <string>

#include "queue/job_reader.hpp"
#include "queue/key_warnings.hpp"
#include "queue/queue_keys.hpp"
#include "queue/redis_client.hpp"

namespace thumbflow::detail {

class JobLedger {
 public:
  // Failed writes to side keys are told to `warnings`.
  JobLedger(ResilientRedis& redis, const QueueKeys& keys, std::string consumer, int claim_after_ms,
            int retry_delay_ms, KeyWarnings& warnings);

  // The thumbnail is on disk (written now, or already there): acknowledge, delete, count.
  void finished(const Delivery& job, bool skipped);
  // One attempt failed: keep the job pending with its error, to be handed out again after the
  // retry delay (by XAUTOCLAIM, which counts the delivery).
  void retry_later(const Delivery& job, const std::string& error);
  // Give up: the job goes to NAME:dead with `error` and is acknowledged, in that order, and
  // `fingerprint` (job_fingerprint of the checked job; "" for an entry that is none) leaves
  // NAME:seen. When NAME:dead cannot be written (another type), the job is kept for a retry
  // instead (nothing is acknowledged), that is said once, and the result is false.
  bool dead(const Delivery& job, const std::string& error, const std::string& fingerprint);
  // Not started (stopping): hand the job back at once, its delivery not counted.
  void release(const Delivery& job);
  // Acknowledges an entry deleted while it was pending (nothing left to do).
  void forget(const Delivery& job);
  // The last error recorded for a job, "" if none (or NAME:errors cannot be read).
  std::string last_error(const std::string& id);
  // Leaves the group if no job is held.
  void leave();
  // Removes consumers (workers that died or were stopped) that hold no job and were idle longer
  // than claim-after, so that status lists the workers there are.
  void forget_stale_consumers();

 private:
  // Runs a script that returns {result, failed writes...}; tells the failed writes.
  ScriptReply run(const RedisArgs& script);

  ResilientRedis& redis_;
  const QueueKeys& keys_;
  std::string consumer_;
  int claim_after_ms_, retry_delay_ms_;
  KeyWarnings& warnings_;
};

}  // namespace thumbflow::detail
