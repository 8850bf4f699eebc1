// `worker`: jobs from the stream through the local pipeline, acknowledged once written.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <thread>

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

struct Held {
  Delivery delivery;
  QueueJob job;
  bool handled = false;
};

class Worker {
 public:
  Worker(const RedisAddress& redis, const QueueKeys& keys, const WorkerOptions& options,
         const std::function<void(const JobEvent&)>& on_event)
      : options_(options),
        on_event_(on_event),
        consumer_(options.consumer.empty() ? default_consumer() : options.consumer),
        // Commands wait at most the BLOCK time plus a margin for a slow server.
        reader_redis_(redis, std::chrono::milliseconds(options.block_ms + 10'000),
                      std::chrono::seconds(options.reconnect_timeout_s)),
        writer_redis_(redis, std::chrono::seconds(10), std::chrono::seconds(options.reconnect_timeout_s)),
        // A burst worker waits briefly: it only needs to see the last jobs of others finish.
        reader_(reader_redis_, keys, consumer_,
                options.burst ? std::min(options.block_ms, 100) : options.block_ms, options.claim_after_ms),
        ledger_(writer_redis_, keys, consumer_, options.claim_after_ms, options.retry_delay_ms) {
    ensure_group(reader_redis_, keys.stream);
  }

  WorkerSummary run() {
    const auto start = std::chrono::steady_clock::now();
    const int threads = options_.batch.threads > 0 ? options_.batch.threads
                                                   : int(std::max(1u, std::thread::hardware_concurrency()));
    const int count = options_.read_count > 0            ? options_.read_count
                      : options_.batch.max_in_flight > 0 ? options_.batch.max_in_flight
                                                         : std::max(4, 2 * threads);
    bool maybe_empty = true;
    while (!stopping()) {
      if (options_.burst && maybe_empty && reader_.queue_empty()) break;
      std::vector<Delivery> batch = reader_.next(count);
      maybe_empty = int(batch.size()) < count;
      process(std::move(batch));
    }
    ledger_.leave();
    summary_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary_;
  }

 private:
  bool stopping() const { return options_.batch.cancel != nullptr && options_.batch.cancel->load(); }

  // Jobs delivered too often are given up before anything is tried (they may be what kills
  // workers); unreadable entries too. The rest are grouped by settings, one pipeline run each.
  void process(std::vector<Delivery> batch) {
    std::vector<std::pair<std::string, std::vector<Held>>> groups;
    for (Delivery& d : batch) {
      if (d.fields.empty()) {
        ledger_.forget(d);
        continue;
      }
      if (d.deliveries > options_.max_deliveries) {
        const std::string last = ledger_.last_error(d.id);
        give_up(d, "no result after " + std::to_string(d.deliveries - 1) + " deliveries" +
                       (last.empty() ? " (its workers stopped or died)" : ": " + last));
        continue;
      }
      QueueJob job;
      try {
        job = decode_job(d.fields);
      } catch (const std::exception& e) {
        give_up(d, std::string("malformed job: ") + e.what());
        continue;
      }
      const std::string key = job_settings_key(job);
      auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
      if (group == groups.end()) group = groups.insert(groups.end(), {key, {}});
      group->second.push_back(Held{std::move(d), std::move(job)});
    }
    for (auto& group : groups) run_group(group.second);
  }

  void run_group(std::vector<Held>& held) {
    BatchOptions o = options_.batch;
    o.thumbnail = held.front().job.thumbnail;
    o.name_template = held.front().job.name_template;
    o.skip_existing = o.skip_existing && !held.front().job.force;
    // The same job enqueued twice (--force) is made once: the twins share the result.
    std::vector<Item> items;
    std::vector<std::vector<std::size_t>> twins;
    std::map<std::pair<std::string, std::string>, std::size_t> index_of;
    for (std::size_t i = 0; i < held.size(); ++i) {
      const Item& item = held[i].job.item;
      const auto [it, fresh] = index_of.emplace(std::make_pair(item.input, item.relative_path), items.size());
      if (fresh) {
        items.push_back(item);
        twins.emplace_back();
      }
      twins[it->second].push_back(i);
    }
    // Results name their input and output, not their index; plan_jobs makes the output this way.
    std::map<std::pair<std::string, std::string>, std::size_t> by_result;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto output = std::filesystem::path(o.output_dir) /
                          output_relative_path(items[i].relative_path, o.name_template, o.thumbnail);
      by_result.emplace(std::make_pair(items[i].input, output.string()), i);
    }
    std::vector<bool> settled(items.size(), false);
    const auto settle = [&](std::size_t i, const ItemResult& r) {
      if (settled[i]) return;
      settled[i] = true;
      for (const std::size_t h : twins[i]) handle(held[h], r);
    };
    try {
      // Settled as each finishes (the pipeline keeps going meanwhile), the rest from the report.
      const BatchReport report = run_batch(items, o, [&](const ItemResult& r) {
        if (const auto it = by_result.find({r.input, r.output}); it != by_result.end()) settle(it->second, r);
      });
      for (std::size_t i = 0; i < items.size(); ++i) settle(i, report.items[i]);
    } catch (...) {
      for (Held& h : held)
        if (!h.handled) ledger_.release(h.delivery);
      throw;
    }
  }

  void handle(Held& h, const ItemResult& r) {
    h.handled = true;
    JobEvent event{h.delivery.id, r, h.delivery.deliveries, false};
    switch (r.status) {
      case ItemStatus::Done:
      case ItemStatus::Skipped:
        ledger_.finished(h.delivery, r.status == ItemStatus::Skipped);
        ++(r.status == ItemStatus::Done ? summary_.done : summary_.skipped);
        break;
      case ItemStatus::Failed:
        if (h.delivery.deliveries >= options_.max_deliveries) {
          const std::string error =
              "failed " + std::to_string(h.delivery.deliveries) + " times, last: " + r.error;
          ledger_.dead(h.delivery, error);
          event.dead = true;
          event.result.error = error;
          ++summary_.dead;
        } else {
          ledger_.retry_later(h.delivery, r.error);
          ++summary_.retried;
        }
        break;
      case ItemStatus::Cancelled:
        ledger_.release(h.delivery);
        ++summary_.released;
        break;
    }
    if (on_event_) on_event_(event);
  }

  void give_up(const Delivery& d, const std::string& error) {
    ledger_.dead(d, error);
    ++summary_.dead;
    JobEvent event{d.id, {}, d.deliveries, true};
    event.result.status = ItemStatus::Failed;
    event.result.error = error;
    for (std::size_t i = 0; i + 1 < d.fields.size(); i += 2)
      if (d.fields[i] == "input") event.result.input = d.fields[i + 1];
    if (on_event_) on_event_(event);
  }

  const WorkerOptions& options_;
  const std::function<void(const JobEvent&)>& on_event_;
  std::string consumer_;
  // Two connections: reading blocks for up to block_ms, acknowledging must not wait behind it.
  ResilientRedis reader_redis_, writer_redis_;
  JobReader reader_;
  JobLedger ledger_;
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
