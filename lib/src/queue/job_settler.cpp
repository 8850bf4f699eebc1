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
  in_pipeline_.emplace(job.delivery.id, std::move(job.delivery));
}

void JobSettler::settle(const ItemResult& r) {
  Delivery d;
  {
    const std::lock_guard lock(mutex_);
    const auto it = in_pipeline_.find(r.tag);
    if (it == in_pipeline_.end()) return;
    d = std::move(it->second);
    in_pipeline_.erase(it);
  }
  if (!failed_) {
    try {
      handle(d, r);
    } catch (...) {
      error_ = std::current_exception();
      failed_ = true;
    }
  }
  held_.remove(d.id);
}

void JobSettler::handle(const Delivery& d, const ItemResult& r) {
  JobEvent event{d.id, r, d.deliveries, false};
  switch (r.status) {
    case ItemStatus::Done:
    case ItemStatus::Skipped:
      ledger_.finished(d, r.status == ItemStatus::Skipped);
      break;
    case ItemStatus::Failed:
      if (r.failure == FailureKind::Permanent) {
        // Another delivery would fail the same way: dead now, however many deliveries are left.
        event.result.error = r.error + " (permanent: not retried)";
        event.dead = ledger_.dead(d, event.result.error);
      } else if (d.deliveries >= options_.max_deliveries) {
        event.result.error = "failed " + std::to_string(d.deliveries) + " times, last: " + r.error;
        event.dead = ledger_.dead(d, event.result.error);  // false: kept for a retry
      } else {
        ledger_.retry_later(d, r.error);
      }
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
  for (auto& [id, d] : in_pipeline_) out.push_back(std::move(d));
  in_pipeline_.clear();
  return out;
}

}  // namespace thumbflow::detail
