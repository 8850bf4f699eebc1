// The reading side of a worker: jobs taken over from dead consumers (XAUTOCLAIM) first, then new
// ones (XREADGROUP), each with its delivery count, all through kTakeScript: an entry over the
// bounds of job_fields comes as its outline, never whole, so no entry costs a worker more memory
// than the bounds allow. Scripts cannot block: next() polls, at shorter intervals after a job came.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "queue/job_fields.hpp"
#include "queue/queue_keys.hpp"
#include "queue/redis_client.hpp"
#include "queue/worker_metrics.hpp"

namespace thumbflow::detail {

struct Delivery {
  std::string id;
  std::vector<std::string> fields;  // name, value, ...; empty if the entry was deleted meanwhile
  int deliveries = 1;               // times handed out, this one included
  // Set instead of fields for an entry over the bounds (not read): what decode_job would refuse.
  std::optional<EntryOutline> outline;
};

class JobReader {
 public:
  // `redis` must outlive the reader.
  JobReader(ResilientRedis& redis, const QueueKeys& keys, std::string consumer, int block_ms,
            int claim_after_ms);

  // Up to `count` jobs (and about kReadBudget bytes): claimed ones (looked for at most once a
  // second, and whenever no new job came) and new ones, looking again for at most block_ms when
  // there is none. Empty when nothing came.
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
  // One kTakeScript call ('claim' when `claim`, else 'new'); `claimed`: jobs were taken over
  // (then no new ones were read).
  std::vector<Delivery> take(int count, bool claim, bool& claimed);
  // Jobs of this consumer left from before a lost connection, a page at a time.
  std::vector<Delivery> recover(int count);

  ResilientRedis& redis_;
  const QueueKeys& keys_;
  std::string consumer_;
  int block_ms_, claim_after_ms_;
  std::string claim_cursor_ = "0-0";
  std::chrono::steady_clock::time_point last_claim_{};
  bool last_read_empty_ = true;
  bool must_recover_ = false;
  std::vector<std::string> to_recover_;  // ids found by recover(), not yet read
  std::function<bool(const std::string&)> held_;
  std::function<void(ClaimReason)> count_claim_;
};

}  // namespace thumbflow::detail
