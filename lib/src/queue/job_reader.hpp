// The reading side of a worker: jobs taken over from dead consumers (XAUTOCLAIM) first, then new
// ones (XREADGROUP ... BLOCK), each with its delivery count.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "queue/queue_keys.hpp"
#include "queue/redis_client.hpp"
#include "queue/worker_metrics.hpp"

namespace thumbflow::detail {

struct Delivery {
  std::string id;
  std::vector<std::string> fields;  // name, value, ...; empty if the entry was deleted meanwhile
  int deliveries = 1;               // times handed out, this one included
};

class JobReader {
 public:
  // `redis` must outlive the reader; its timeout must exceed block_ms.
  JobReader(ResilientRedis& redis, const QueueKeys& keys, std::string consumer, int block_ms,
            int claim_after_ms);

  // Up to `count` jobs: claimed ones (looked for at most once a second, and whenever no new job
  // came) and new ones, waiting at most block_ms for new ones. Empty when nothing came.
  std::vector<Delivery> next(int count);

  // After the connection was lost, Redis may have handed jobs to this consumer whose reply never
  // came: next() first gives those (jobs of this consumer still pending that `held` does not know).
  void note_reconnected() { must_recover_ = true; }
  void set_held_check(std::function<bool(const std::string& id)> held) { held_ = std::move(held); }
  // Hears why each job taken over came (for the worker's metrics).
  void set_claim_counter(std::function<void(ClaimReason)> count) { count_claim_ = std::move(count); }

  // True when the stream holds no entry at all: nothing waiting, nothing unfinished anywhere.
  bool queue_empty();

 private:
  std::vector<Delivery> claim(int count);
  std::vector<Delivery> read_new(int count);
  std::vector<Delivery> recover();

  ResilientRedis& redis_;
  const QueueKeys& keys_;
  std::string consumer_;
  int block_ms_, claim_after_ms_;
  std::string claim_cursor_ = "0-0";
  std::chrono::steady_clock::time_point last_claim_{};
  bool last_read_empty_ = true;
  bool must_recover_ = false;
  std::function<bool(const std::string&)> held_;
  std::function<void(ClaimReason)> count_claim_;
};

}  // namespace thumbflow::detail
