#include "queue/job_ledger.hpp"

#include <algorithm>

namespace thumbflow::detail {

JobLedger::JobLedger(ResilientRedis& redis, const QueueKeys& keys, std::string consumer, int claim_after_ms,
                     int retry_delay_ms)
    : redis_(redis),
      keys_(keys),
      consumer_(std::move(consumer)),
      claim_after_ms_(claim_after_ms),
      retry_delay_ms_(retry_delay_ms) {}

void JobLedger::finished(const Delivery& job, bool skipped) {
  redis_.command(eval_args(kAckScript, {keys_.stream, keys_.stats, keys_.errors},
                           {job.id, skipped ? "skipped" : "done"}));
}

void JobLedger::retry_later(const Delivery& job, const std::string& error) {
  const int idle = std::max(0, claim_after_ms_ - retry_delay_ms_);
  redis_.command(eval_args(kRetryScript, {keys_.stream, keys_.stats, keys_.errors},
                           {job.id, error, consumer_, std::to_string(idle)}));
}

void JobLedger::dead(const Delivery& job, const std::string& error) {
  redis_.command(eval_args(kDeadScript, {keys_.stream, keys_.stats, keys_.errors, keys_.dead, keys_.seen},
                           {job.id, error, std::to_string(job.deliveries)}));
}

void JobLedger::release(const Delivery& job) {
  redis_.command(eval_args(
      kReleaseScript, {keys_.stream, keys_.released},
      {job.id, consumer_, std::to_string(claim_after_ms_), std::to_string(std::max(0, job.deliveries - 1))}));
}

void JobLedger::forget(const Delivery& job) { redis_.command({"XACK", keys_.stream, kGroup, job.id}); }

std::string JobLedger::last_error(const std::string& id) {
  const RedisValue v = redis_.command({"HGET", keys_.errors, id});
  return v.is_nil() ? std::string() : v.str;
}

void JobLedger::forget_stale_consumers() {
  redis_.command(eval_args(kForgetStaleScript, {keys_.stream}, {std::to_string(claim_after_ms_)}));
}

void JobLedger::leave() { redis_.command(eval_args(kLeaveScript, {keys_.stream}, {consumer_})); }

}  // namespace thumbflow::detail
