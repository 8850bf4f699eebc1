// What a worker counts for Prometheus (`worker --metrics HOST:PORT`): its jobs by result, bytes in
// and out, per-stage times, how long jobs waited in the queue, jobs it took over, reconnections.
// Always kept (the updates are a few atomic adds per job); served only when asked for.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "core/metrics.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow::detail {

// Why XAUTOCLAIM handed this worker a job held by another consumer.
enum class ClaimReason { Abandoned, Retry, HandedBack };

class WorkerMetrics {
 public:
  // in_flight: the jobs read and not settled, asked for at each scrape.
  WorkerMetrics(const std::string& queue, const std::string& consumer, std::function<double()> in_flight);

  // One job handled (every JobEvent): its result, bytes, and the stage times of a thumbnail written.
  void job(const JobEvent& event);
  // A job taken for the first time, `waited_s` after it was enqueued (by the entry id's clock).
  void first_taken(double waited_s) { wait_.observe(waited_s); }
  void claimed(ClaimReason reason) { claimed_[std::size_t(reason)]->add(); }
  void reconnected() { reconnects_.add(); }

  std::string render() const { return registry_.render(); }

 private:
  MetricsRegistry registry_;
  std::array<Counter*, 5> jobs_{};  // done, skipped, failed, dead, released
  Counter &read_bytes_, &downloaded_bytes_, &written_bytes_;
  std::array<Histogram*, 5> stages_{};  // read, decode, resize, encode, write
  Histogram& wait_;
  std::array<Counter*, 3> claimed_{};
  Counter& reconnects_;
};

// Milliseconds since the Unix epoch in a stream entry id ("1700000000000-0"); -1 if it has none.
std::int64_t entry_id_ms(const std::string& id);

}  // namespace thumbflow::detail
