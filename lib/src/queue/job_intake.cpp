#include "queue/job_intake.hpp"

#include <algorithm>
#include <thread>

#include "thumbflow/naming.hpp"

namespace thumbflow::detail {

JobIntake::JobIntake(const RedisAddress& redis, const QueueKeys& keys, const WorkerOptions& options,
                     const std::string& consumer, JobLimits limits, HeldJobs& held, JobEvents& events,
                     WorkerMetrics& metrics, KeyWarnings& warnings)
    : options_(options),
      // Commands wait at most the BLOCK time plus a margin for a slow server. Only this side
      // reports outages: it is always polling, so it notices them first.
      redis_(redis, std::chrono::milliseconds(options.block_ms + 10'000),
             std::chrono::seconds(options.reconnect_timeout_s), options.batch.cancel, options.on_notice),
      // A burst worker waits briefly: it only needs to see the last jobs of others finish.
      reader_(redis_, keys, consumer, options.burst ? std::min(options.block_ms, 100) : options.block_ms,
              options.claim_after_ms),
      ledger_(redis_, keys, consumer, options.claim_after_ms, options.retry_delay_ms, warnings),
      limits_(std::move(limits)),
      held_(held),
      events_(events),
      metrics_(metrics) {
  ensure_group(redis_, keys.stream);
  ledger_.forget_stale_consumers();
  redis_.on_reconnect([this](RedisConnection&) {
    reader_.note_reconnected();
    metrics_.reconnected();
  });
  reader_.set_held_check([this](const std::string& id) { return held_.contains(id); });
  reader_.set_claim_counter([this](ClaimReason why) { metrics_.claimed(why); });
  const int threads = options.batch.threads > 0 ? options.batch.threads
                                                : int(std::max(1u, std::thread::hardware_concurrency()));
  // Small reads: jobs wait in this worker's hands only briefly, and other workers get their share.
  read_count_ = options.read_count > 0 ? options.read_count : std::max(2, threads);
}

std::optional<Prepared> JobIntake::next(const std::function<bool()>& stop) {
  for (;;) {
    if (stop()) return std::nullopt;
    if (buffer_.empty()) {
      if (options_.burst && maybe_empty_ && reader_.queue_empty()) return std::nullopt;
      std::vector<Delivery> read = reader_.next(read_count_);
      maybe_empty_ = int(read.size()) < read_count_;
      for (Delivery& d : read) {
        held_.add(d.id);
        buffer_.push_back(std::move(d));
      }
      continue;
    }
    Delivery d = std::move(buffer_.front());
    buffer_.pop_front();
    if (std::optional<Prepared> p = prepare(d)) return p;
  }
}

// Jobs delivered too often are given up before anything is tried (they may be what kills
// workers); so are entries that are not a job this worker accepts.
std::optional<Prepared> JobIntake::prepare(Delivery& d) {
  if (d.fields.empty() && !d.outline) {
    ledger_.forget(d);
    held_.remove(d.id);
    return std::nullopt;
  }
  if (d.deliveries > options_.max_deliveries) {
    const std::string last = ledger_.last_error(d.id);
    // A job kept because NAME:dead could not be written comes back with this reason recorded.
    const std::string no_result = "no result after ";
    std::string unused;
    const std::optional<Prepared> checked = check(d, unused);
    give_up(d,
            last.rfind(no_result, 0) == 0
                ? last
                : no_result + std::to_string(d.deliveries - 1) + " deliveries" +
                      (last.empty() ? " (its workers stopped or died)" : ": " + last),
            checked ? checked->fingerprint : "");
    return std::nullopt;
  }
  std::string why;
  std::optional<Prepared> p = check(d, why);
  if (!p) {
    give_up(d, why, "");
    return std::nullopt;
  }
  if (const std::int64_t enqueued = entry_id_ms(d.id); d.deliveries == 1 && enqueued >= 0) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    metrics_.first_taken(double(std::max<std::int64_t>(0, now.count() - enqueued)) / 1000.0);
  }
  p->delivery = std::move(d);
  return p;
}

std::optional<Prepared> JobIntake::check(const Delivery& d, std::string& why) const {
  Prepared p;
  if (d.outline) {  // over the bounds: not read, refused as decode_job refuses it
    why = "entry " + d.id + ": malformed job: " + entry_bounds_problem(*d.outline);
    return std::nullopt;
  }
  try {
    p.job = decode_job(d.fields);
  } catch (const std::exception& e) {
    why = "entry " + d.id + ": malformed job: " + e.what();
    return std::nullopt;
  }
  const QueueJob as_enqueued = p.job;
  try {
    confine_job(p.job, limits_);
  } catch (const std::exception& e) {
    why = "entry " + d.id + ": refused: " + e.what();
    return std::nullopt;
  }
  p.fingerprint = job_fingerprint(as_enqueued);
  p.settings = job_settings_key(p.job) + (d.deliveries > 1 ? "again" : "first");
  p.output = output_relative_path(p.job.item.relative_path, p.job.name_template, p.job.thumbnail);
  return p;
}

void JobIntake::give_up(const Delivery& d, const std::string& error, const std::string& fingerprint) {
  const bool dead =
      ledger_.dead(d, error, fingerprint);  // false: kept for a retry (NAME:dead cannot be written)
  held_.remove(d.id);
  // Kept again and again until NAME:dead is put right: said once (by the ledger), not each time.
  if (!dead && d.deliveries > options_.max_deliveries) return;
  JobEvent event = JobEvents::event_for(d, ItemStatus::Failed);
  event.dead = dead;
  event.result.error = error;
  events_.report(event);
}

void JobIntake::take_back(std::optional<Prepared> carried, std::vector<Delivery> unstarted) {
  if (carried) buffer_.push_front(std::move(carried->delivery));
  for (Delivery& d : unstarted) buffer_.push_back(std::move(d));
}

void JobIntake::hand_back() {
  for (const Delivery& d : buffer_) {
    ledger_.release(d);
    held_.remove(d.id);
    events_.report(JobEvents::event_for(d, ItemStatus::Cancelled));
  }
  buffer_.clear();
}

}  // namespace thumbflow::detail
