#include "queue/job_settler.hpp"

namespace thumbflow::detail {

JobSettler::JobSettler(const RedisAddress& redis, const QueueKeys& keys, const WorkerOptions& options,
                       const std::string& consumer, HeldJobs& held, JobEvents& events, KeyWarnings& warnings)
    : options_(options),
      redis_(redis, std::chrono::seconds(10), std::chrono::seconds(options.reconnect_timeout_s),
             options.batch.cancel),
      ledger_(redis_, keys, consumer, options.claim_after_ms, options.retry_delay_ms, warnings),
      held_(held),
      events_(events) {}

void JobSettler::hold(Prepared job) {
  const std::lock_guard lock(mutex_);
  const std::string id = job.delivery.id;
  in_pipeline_.emplace(id, Held{std::move(job.delivery), std::move(job.fingerprint)});
}

void JobSettler::settle(const ItemResult& r) {
  Held h;
  {
    const std::lock_guard lock(mutex_);
    const auto it = in_pipeline_.find(r.tag);
    if (it == in_pipeline_.end()) return;
    h = std::move(it->second);
    in_pipeline_.erase(it);
  }
  if (!failed_) {
    try {
      handle(h, r);
    } catch (...) {
      error_ = std::current_exception();
      failed_ = true;
    }
  }
  held_.remove(h.delivery.id);
}

void JobSettler::handle(const Held& h, const ItemResult& r) {
  const Delivery& d = h.delivery;
  JobEvent event{d.id, r, d.deliveries, false};
  switch (r.status) {
    case ItemStatus::Done:
    case ItemStatus::Skipped:
      ledger_.finished(d, r.status == ItemStatus::Skipped);
      break;
    case ItemStatus::Failed:
      // A permanent failure would come back on every delivery: dead now, whatever is left.
      if (r.failure != FailureKind::Permanent && d.deliveries < options_.max_deliveries) {
        ledger_.retry_later(d, r.error);
        break;
      }
      event.result.error = r.failure == FailureKind::Permanent
                               ? r.error + " (permanent: not retried)"
                               : "failed " + std::to_string(d.deliveries) + " times, last: " + r.error;
      event.dead = ledger_.dead(d, event.result.error, h.fingerprint);  // false: kept for a retry
      break;
    case ItemStatus::Cancelled:
      ledger_.release(d);
      break;
  }
  events_.report(event);
}

std::vector<Delivery> JobSettler::take_unsettled() {
  const std::lock_guard lock(mutex_);
  std::vector<Delivery> out;
  for (auto& [id, h] : in_pipeline_) out.push_back(std::move(h.delivery));
  in_pipeline_.clear();
  return out;
}

}  // namespace thumbflow::detail
