// `worker`: jobs from the stream through the local pipeline, acknowledged once written.
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "queue/job_fields.hpp"
#include "queue/job_ledger.hpp"
#include "queue/job_reader.hpp"
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
}

std::string default_consumer() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "worker") + "-" + std::to_string(::getpid());
}

// Pipeline runs end after this many jobs, so that what a run keeps per job (its report, the
// planner's outputs) stays bounded on a worker that runs for weeks. The graph drains once per run.
constexpr std::size_t kJobsPerRun = 5000;

// A delivery ready to run: decoded, with what decides whether it fits the current run.
struct Prepared {
  Delivery delivery;
  QueueJob job;
  std::string settings;  // job_settings_key, and whether it was delivered before (see run_once)
  std::string output;    // relative output path
};

class Worker {
 public:
  Worker(const RedisAddress& redis, const QueueKeys& keys, const WorkerOptions& options,
         const std::function<void(const JobEvent&)>& on_event)
      : options_(options),
        on_event_(on_event),
        consumer_(options.consumer.empty() ? default_consumer() : options.consumer),
        // Commands wait at most the BLOCK time plus a margin for a slow server.
        // Only the reader reports outages: it is always polling, so it notices them first.
        reader_redis_(redis, std::chrono::milliseconds(options.block_ms + 10'000),
                      std::chrono::seconds(options.reconnect_timeout_s), options.batch.cancel,
                      options.on_notice),
        writer_redis_(redis, std::chrono::seconds(10), std::chrono::seconds(options.reconnect_timeout_s),
                      options.batch.cancel),
        // A burst worker waits briefly: it only needs to see the last jobs of others finish.
        reader_(reader_redis_, keys, consumer_,
                options.burst ? std::min(options.block_ms, 100) : options.block_ms, options.claim_after_ms),
        reading_ledger_(reader_redis_, keys, consumer_, options.claim_after_ms, options.retry_delay_ms),
        ledger_(writer_redis_, keys, consumer_, options.claim_after_ms, options.retry_delay_ms) {
    ensure_group(reader_redis_, keys.stream);
    reading_ledger_.forget_stale_consumers();
    reader_redis_.on_reconnect([this](RedisConnection&) { reader_.note_reconnected(); });
    reader_.set_held_check([this](const std::string& id) { return holds(id); });
    const int threads = options.batch.threads > 0 ? options.batch.threads
                                                  : int(std::max(1u, std::thread::hardware_concurrency()));
    // Small reads: jobs wait in this worker's hands only briefly, and other workers get their share.
    read_count_ = options.read_count > 0 ? options.read_count : std::max(2, threads);
  }

  WorkerSummary run() {
    const auto start = std::chrono::steady_clock::now();
    try {
      // One pipeline run per stretch of jobs with the same settings; the first job of a run is
      // read here, so that the run can be given its settings.
      for (;;) {
        if (!carry_ && !stopping()) carry_ = next_prepared();
        if (!carry_ || stopping()) break;
        run_once();
      }
    } catch (...) {
      hand_back_unlisted();
      throw;
    }
    hand_back_unlisted();
    reading_ledger_.leave();
    summary_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary_;
  }

 private:
  bool stopping() const { return options_.batch.cancel != nullptr && options_.batch.cancel->load(); }

  // The next job to run, reading (and waiting) as needed; std::nullopt when stopping, or with
  // burst when the queue is empty. Jobs delivered too often are given up before anything is tried
  // (they may be what kills workers); unreadable entries too.
  std::optional<Prepared> next_prepared() {
    for (;;) {
      if (stopping() || writer_failed_) return std::nullopt;
      if (buffer_.empty()) {
        if (options_.burst && maybe_empty_ && reader_.queue_empty()) return std::nullopt;
        std::vector<Delivery> read = reader_.next(read_count_);
        maybe_empty_ = int(read.size()) < read_count_;
        buffer_.insert(buffer_.end(), std::make_move_iterator(read.begin()),
                       std::make_move_iterator(read.end()));
        continue;
      }
      Delivery d = std::move(buffer_.front());
      buffer_.pop_front();
      if (d.fields.empty()) {
        reading_ledger_.forget(d);
        continue;
      }
      if (d.deliveries > options_.max_deliveries) {
        const std::string last = reading_ledger_.last_error(d.id);
        give_up(d, "no result after " + std::to_string(d.deliveries - 1) + " deliveries" +
                       (last.empty() ? " (its workers stopped or died)" : ": " + last));
        continue;
      }
      try {
        QueueJob job = decode_job(d.fields);
        Prepared p{std::move(d), std::move(job), "", ""};
        p.settings = job_settings_key(p.job) + (p.delivery.deliveries > 1 ? "again" : "first");
        p.output = output_relative_path(p.job.item.relative_path, p.job.name_template, p.job.thumbnail);
        return p;
      } catch (const std::exception& e) {
        give_up(d, std::string("malformed job: ") + e.what());
      }
    }
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
        std::optional<Prepared> p = carry_ ? std::exchange(carry_, std::nullopt) : next_prepared();
        if (!p) return std::nullopt;
        if (p->settings != settings || outputs.count(p->output) != 0) {
          carry_ = std::move(p);
          return std::nullopt;
        }
        outputs.insert(p->output);
        Item item = p->job.item;
        item.tag = p->delivery.id;
        const std::lock_guard lock(held_mutex_);
        held_.emplace(item.tag, std::move(*p));
        return item;
      } catch (...) {
        listing_error = std::current_exception();
        return std::nullopt;
      }
    };
    BatchReport report;
    try {
      report = run_batch_stream(next, o, [&](const ItemResult& r) { settle(r); });
    } catch (...) {
      release_held();
      throw;
    }
    for (const ItemResult& r : report.items) settle(r);  // those not reported: cancelled before starting
    if (listing_error) std::rethrow_exception(listing_error);
    if (writer_error_) std::rethrow_exception(writer_error_);
  }

  // What becomes of a job once the pipeline is through with it. Called from the pipeline's report
  // stage while the lister adds jobs, and after the run for the rest.
  void settle(const ItemResult& r) {
    std::optional<Prepared> p;
    {
      const std::lock_guard lock(held_mutex_);
      const auto it = held_.find(r.tag);
      if (it == held_.end()) return;
      p = std::move(it->second);
      held_.erase(it);
    }
    // After the connection for results is lost for good, jobs are left pending: other workers
    // take them over after --claim-after.
    if (writer_failed_) return;
    try {
      handle(p->delivery, r);
    } catch (...) {
      writer_error_ = std::current_exception();
      writer_failed_ = true;
    }
  }

  void handle(const Delivery& d, const ItemResult& r) {
    JobEvent event{d.id, r, d.deliveries, false};
    switch (r.status) {
      case ItemStatus::Done:
      case ItemStatus::Skipped:
        ledger_.finished(d, r.status == ItemStatus::Skipped);
        break;
      case ItemStatus::Failed:
        if (d.deliveries >= options_.max_deliveries) {
          event.result.error = "failed " + std::to_string(d.deliveries) + " times, last: " + r.error;
          ledger_.dead(d, event.result.error);
          event.dead = true;
        } else {
          ledger_.retry_later(d, r.error);
        }
        break;
      case ItemStatus::Cancelled:
        ledger_.release(d);
        break;
    }
    report(event);
  }

  void give_up(const Delivery& d, const std::string& error) {
    reading_ledger_.dead(d, error);
    JobEvent event = event_for(d, ItemStatus::Failed);
    event.dead = true;
    event.result.error = error;
    report(event);
  }

  // Called from the reading side: buffer_ and carry_ are its own.
  bool holds(const std::string& id) {
    if (carry_ && carry_->delivery.id == id) return true;
    if (std::any_of(buffer_.begin(), buffer_.end(), [&](const Delivery& d) { return d.id == id; }))
      return true;
    const std::lock_guard lock(held_mutex_);
    return held_.count(id) != 0;
  }

  // An event for a job that did not go through the pipeline.
  static JobEvent event_for(const Delivery& d, ItemStatus status) {
    JobEvent event{d.id, {}, d.deliveries, false};
    event.result.status = status;
    for (std::size_t i = 0; i + 1 < d.fields.size(); i += 2)
      if (d.fields[i] == "input") event.result.input = d.fields[i + 1];
    return event;
  }

  void report(const JobEvent& e) {
    const std::lock_guard lock(event_mutex_);
    if (e.dead)
      ++summary_.dead;
    else if (e.result.status == ItemStatus::Done)
      ++summary_.done;
    else if (e.result.status == ItemStatus::Skipped)
      ++summary_.skipped;
    else if (e.result.status == ItemStatus::Failed)
      ++summary_.retried;
    else
      ++summary_.released;
    if (on_event_) on_event_(e);
  }

  // Jobs read but not given to the pipeline go back to the queue at once (stopping, or an error).
  void hand_back_unlisted() {
    if (writer_failed_) return;
    if (carry_) buffer_.push_front(std::exchange(carry_, std::nullopt)->delivery);
    for (const Delivery& d : buffer_) {
      ledger_.release(d);
      report(event_for(d, ItemStatus::Cancelled));
    }
    buffer_.clear();
  }

  void release_held() {
    const std::lock_guard lock(held_mutex_);
    for (const auto& [id, p] : held_) buffer_.push_back(p.delivery);
    held_.clear();
  }

  const WorkerOptions& options_;
  const std::function<void(const JobEvent&)>& on_event_;
  std::string consumer_;
  // Two connections: reading blocks for up to block_ms, acknowledging must not wait behind it.
  // The reading side (jobs given up before they run) uses its own.
  ResilientRedis reader_redis_, writer_redis_;
  JobReader reader_;
  JobLedger reading_ledger_, ledger_;
  int read_count_ = 2;
  std::deque<Delivery> buffer_;    // read, not yet decoded
  std::optional<Prepared> carry_;  // decoded, waiting for the next run
  bool maybe_empty_ = true;
  std::mutex held_mutex_;  // held_ is filled by the lister and emptied by the report stage
  std::unordered_map<std::string, Prepared> held_;  // entry id -> job in the pipeline
  std::atomic<bool> writer_failed_{false};
  std::exception_ptr writer_error_;
  std::mutex event_mutex_;
  WorkerSummary summary_;
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
  Worker worker(redis, keys, options, on_event);
  return worker.run();
}

}  // namespace thumbflow
