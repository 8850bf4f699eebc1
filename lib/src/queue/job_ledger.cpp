#include "queue/job_ledger.hpp"

#include <algorithm>

#include "queue/job_fields.hpp"

namespace thumbflow::detail {

JobLedger::JobLedger(ResilientRedis& redis, const QueueKeys& keys, std::string consumer, int claim_after_ms,
                     int retry_delay_ms, KeyWarnings& warnings)
    : redis_(redis),
      keys_(keys),
      consumer_(std::move(consumer)),
      claim_after_ms_(claim_after_ms),
      retry_delay_ms_(retry_delay_ms),
      warnings_(warnings) {}

ScriptReply JobLedger::run(const RedisArgs& script) {
  ScriptReply reply = script_reply(redis_.command(script));
  warnings_.failed_writes(reply.failed_writes);
  return reply;
}

void JobLedger::finished(const Delivery& job, bool skipped) {
  run(eval_args(kAckScript, {keys_.stream, keys_.stats, keys_.errors},
                {job.id, skipped ? "skipped" : "done"}));
}

void JobLedger::retry_later(const Delivery& job, const std::string& error) {
  const int idle = std::max(0, claim_after_ms_ - retry_delay_ms_);
  run(eval_args(kRetryScript, {keys_.stream, keys_.stats, keys_.errors},
                {job.id, error, consumer_, std::to_string(idle)}));
}

bool JobLedger::dead(const Delivery& job, const std::string& error, const std::string& fingerprint) {
  try {
    run(eval_args(kDeadScript, {keys_.stream, keys_.stats, keys_.errors, keys_.dead, keys_.seen},
                  {job.id, error, std::to_string(job.deliveries), std::to_string(kMaxEntryFields),
                   std::to_string(kMaxFieldBytes), fingerprint}));
    return true;
  } catch (const RedisServerError& e) {
    // The script checks its keys before writing: nothing changed. A stream of another type fails
    // the retry too, and stops the worker; a dead list of another type keeps the job until put right.
    warnings_.say(keys_.dead, "cannot move jobs to " + keys_.dead + ": " + e.what() + "; they stay in " +
                                  keys_.stream + " and are tried again after --retry-delay");
    retry_later(job, error);
    return false;
  }
}

void JobLedger::release(const Delivery& job) {
  run(eval_args(
      kReleaseScript, {keys_.stream, keys_.released},
      {job.id, consumer_, std::to_string(claim_after_ms_), std::to_string(std::max(0, job.deliveries - 1))}));
}

void JobLedger::forget(const Delivery& job) { redis_.command({"XACK", keys_.stream, kGroup, job.id}); }

std::string JobLedger::last_error(const std::string& id) {
  try {
    const RedisValue v = redis_.command({"HGET", keys_.errors, id});
    return v.is_nil() ? std::string() : v.str;
  } catch (const RedisServerError& e) {
    warnings_.say(keys_.errors,
                  "warning: cannot read key '" + keys_.errors + "': " + e.what() + "; jobs go on without it");
    return {};
  }
}

void JobLedger::forget_stale_consumers() {
  redis_.command(eval_args(kForgetStaleScript, {keys_.stream}, {std::to_string(claim_after_ms_)}));
}

void JobLedger::leave() { redis_.command(eval_args(kLeaveScript, {keys_.stream}, {consumer_})); }

}  // namespace thumbflow::detail
