// Distributed mode: many workers share one queue of thumbnail jobs in a Redis stream.
//
// Keys for a queue NAME: the stream NAME (one entry per job, consumer group "thumbflow"),
// NAME:dead (jobs given up on, with their last error), NAME:stats (counters), NAME:seen
// (fingerprints of enqueued jobs, so enqueueing the same batch twice adds nothing),
// NAME:errors (last error of jobs waiting for a retry), NAME:rate:<second> (jobs finished in
// that second, expire after 2 minutes), NAME:released (jobs handed back by stopping workers, until
// another takes them).
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "thumbflow/options.hpp"
#include "thumbflow/report.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow {

// Where Redis is: redis://[user:password@]host[:port][/db]. Defaults 127.0.0.1, 6379, db 0.
struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;      // ACL user; "" = the default user
  std::string password;  // "" = no AUTH
  int db = 0;
};

// Parses a redis:// URL (user and password percent-decoded). Throws std::invalid_argument naming
// what is wrong.
RedisAddress parse_redis_url(std::string_view url);

// "host:port" (and "/db" when not 0), never the password: for messages.
std::string describe(const RedisAddress& address);

// Redis cannot be used: unreachable, password refused, not a Redis, or gone for longer than the
// reconnect timeout. what() is one line naming the server and the reason.
class QueueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct EnqueueOptions {
  // What every job of this batch makes; carried in each entry, so workers need no settings.
  ThumbnailOptions thumbnail{};
  std::string name_template = "{stem}_thumbnail.{ext}";
  // Enqueue again jobs already enqueued (and make workers redo thumbnails that exist).
  // Default false: a job whose fingerprint (input, its size and modification time, settings)
  // was enqueued before is not added again.
  bool force = false;
};

struct EnqueueSummary {
  std::size_t added = 0;       // new stream entries
  std::size_t duplicates = 0;  // enqueued before (pending, in progress or done), not added
  std::size_t rejected = 0;    // items with an error (reported through on_rejected)
};

// Adds one stream entry per item (XADD, never trimmed). Local inputs are made absolute: workers
// must see the same paths (a shared file system). Items with an error are not enqueued; each is
// passed to on_rejected. Throws std::invalid_argument for bad options, QueueError when Redis
// cannot be used.
EnqueueSummary enqueue(const RedisAddress& redis, const std::string& queue, const std::vector<Item>& items,
                       const EnqueueOptions& options,
                       const std::function<void(const Item&, const std::string& reason)>& on_rejected = {});

struct WorkerOptions {
  // Output folder, threads, images in flight, downloads, skip_existing and cancel as for
  // run_batch; thumbnail options and name template come from each job, except
  // batch.thumbnail.max_pixels: the worker's pixel limit, which caps each job's (a job may lower
  // it; a job's 0 means this one). Setting *cancel stops reading: jobs in hand are finished, jobs
  // not started are released to other workers.
  BatchOptions batch{};
  // Folders local-path jobs may read under: a job's input, its symlinks resolved, must lie under
  // one of them. Default none: local-path jobs are refused (dead at once), URL jobs are taken.
  // Each must be an existing folder.
  std::vector<std::string> input_roots;
  // Largest box side a job may ask for. Default 8192. 1..65535. A job over it is dead at once.
  int max_box = 8192;
  // Consumer name in the group. Default "" = "<hostname>-<pid>".
  std::string consumer;
  // Jobs asked for per read (and at most about 1 MiB of them). Default 0 = the images in flight
  // of the pipeline.
  int read_count = 0;
  // How long one read keeps looking for new jobs (every 10 ms, doubling to 200 ms: a read is a
  // script, which cannot block) before coming back empty. Default 1000 ms: also how long a stop
  // request may wait. 1..60000.
  int block_ms = 1000;
  // Jobs of a consumer silent for this long are taken over (XAUTOCLAIM): their worker is presumed
  // dead. A live worker resets the idle time of every job it holds (read and waiting, or in its
  // pipeline) every third of this (a heartbeat), so however long a job takes or waits, only dead
  // workers lose theirs. Default 300 s.
  // 1..86400 s (milliseconds here).
  int claim_after_ms = 300'000;
  // A job delivered this many times without success goes to NAME:dead. Default 3. 1..100.
  int max_deliveries = 3;
  // A failed job becomes available again after this long (at most claim_after_ms). Default 5000 ms.
  int retry_delay_ms = 5000;
  // How long a worker keeps reconnecting to a Redis that went away before giving up (QueueError).
  // Default 300 s.
  int reconnect_timeout_s = 300;
  // Exit once the queue holds nothing (no waiting or unfinished job anywhere), as `rq worker
  // --burst`. Default false: wait for new jobs until stopped.
  bool burst = false;
  // Serve Prometheus metrics (text format 0.0.4) at http://HOST:PORT/metrics while the worker
  // runs: jobs by result, bytes, per-stage times, queue lag, take-overs, reconnections (README,
  // Distributed mode, lists them). "HOST:PORT" binds there (127.0.0.1 keeps it on this machine;
  // port 0 picks a free one, told through on_notice). Default "": off.
  std::string metrics_address;
  // Hears one line when the connection to Redis is lost (the worker keeps reconnecting) and one
  // when it is back, and where the metrics are served. Optional.
  std::function<void(const std::string&)> on_notice;
};

// One job handled by a worker.
struct JobEvent {
  std::string id;      // stream entry id
  ItemResult result;   // Done, Skipped or Failed; Cancelled = released to other workers
  int deliveries = 1;  // times the job was handed out, this one included
  bool dead = false;   // given up on: moved to NAME:dead
};

struct WorkerSummary {
  std::size_t done = 0, skipped = 0, retried = 0, dead = 0, released = 0;
  double seconds = 0;
};

// Runs jobs of `queue` through the local pipeline until *options.batch.cancel is set (or, with
// burst, until the queue is empty). Each output is written atomically before its job is
// acknowledged and deleted, so a crash never acknowledges unwritten work; a job done twice writes
// the same file. Reconnects with backoff when Redis goes away. on_event is called once per job
// handled, serially. Throws std::invalid_argument for bad options, QueueError when Redis cannot be
// used (at start, or longer than reconnect_timeout_s), std::runtime_error when the output folder
// cannot be created.
WorkerSummary run_worker(const RedisAddress& redis, const std::string& queue, const WorkerOptions& options,
                         const std::function<void(const JobEvent&)>& on_event = {});

// A counter that holds something other than a number (anyone who can write the queue's keys can
// break one): counted as 0, and named, so that status still shows the rest.
struct UnreadableCounter {
  std::string key;    // "jobs:stats", "jobs:rate:1700000000"
  std::string field;  // of NAME:stats: "done", "skipped" or "failed"; "" for a rate key
  std::string value;  // what it holds, at most its first 200 bytes; untrusted (see DeadJob)
};

// A key of the queue that holds another type than thumbflow writes there: left out of the status.
struct WrongTypeKey {
  std::string key;       // "jobs:dead"
  std::string type;      // what it holds, as Redis's TYPE says: "string"
  std::string expected;  // "stream"
};

struct ConsumerStatus {
  std::string name;
  std::size_t in_progress = 0;  // jobs delivered to it and not yet acknowledged
  std::int64_t idle_ms = 0;     // since it last read or claimed
};

// A job given up on, as NAME:dead keeps it. Its texts come from the queue: untrusted, to be made
// printable() before they reach a terminal.
struct DeadJob {
  std::string id;            // its entry id in NAME:dead (what requeue takes)
  std::string job_id;        // its entry id in the queue when it was given up
  std::string input;         // "" if the entry names none
  std::string error;         // why it was given up
  int deliveries = 0;        // times it was handed out
  std::int64_t dead_ms = 0;  // when it was given up: Unix time in ms (from the id)
};

struct QueueStatus {
  std::string queue;
  bool stream_exists = false;   // false: nothing was ever enqueued (or the stream was deleted)
  bool group_exists = false;    // false: no worker, enqueue or requeue made the consumer group yet
                                // (entries added by other means all wait)
  std::size_t waiting = 0;      // enqueued, not yet delivered to any worker
  std::size_t in_progress = 0;  // delivered, not yet finished (includes failed jobs awaiting a retry)
  std::vector<ConsumerStatus> consumers;
  std::uint64_t done = 0, skipped = 0;        // finished: thumbnail written / already there
  std::uint64_t failed = 0;                   // failed attempts (retried or then dead)
  std::uint64_t dead = 0;                     // entries in NAME:dead
  double rate = 0;                            // jobs finished per second over the last 10 s
  std::uint64_t last_minute = 0;              // jobs finished in the last 60 s
  std::vector<DeadJob> last_dead;             // the last few given up on, newest first
  std::vector<UnreadableCounter> unreadable;  // counters above that were not numbers (counted as 0)
  std::vector<WrongTypeKey> wrong_type;       // NAME:stats or NAME:dead of another type (left out)
};

// Reads the state of `queue`, with its last `dead_shown` dead jobs (0..1000); a queue not there yet
// or without its consumer group is shown as such. Throws QueueError when Redis cannot be used or
// NAME is not a stream.
QueueStatus queue_status(const RedisAddress& redis, const std::string& queue, int dead_shown = 5);

// What became of one dead job that requeue_dead was asked to move.
struct RequeueResult {
  enum class Outcome {
    Requeued,         // back in the queue as a new entry (its delivery count starts again)
    AlreadyEnqueued,  // the same job (fingerprint) was enqueued again meanwhile: removed from NAME:dead
    NotFound,         // no such entry in NAME:dead (requeued before?)
    NotAJob,          // the entry holds no job a worker would take: left in NAME:dead
  } outcome = Outcome::NotFound;
  DeadJob job;         // as it was in NAME:dead (only the id for NotFound)
  std::string reason;  // for NotFound and NotAJob
};

struct RequeueSummary {
  std::size_t requeued = 0, already_enqueued = 0, not_found = 0, not_a_job = 0;
};

// Moves dead jobs back into `queue`: those of NAME:dead with the given entry ids, or every one
// there when `ids` is empty (those given up on before the call; jobs that die again meanwhile stay).
// Each goes back as it was enqueued, a new entry that workers read through the same checks as any
// other; an entry that could not be a job stays dead. One step per job, atomic and safe to run
// again. on_result (optional) hears each; on_notice (optional) one line per side key (NAME:seen,
// NAME:stats) that could not be written, as a worker says it. Throws QueueError when Redis cannot
// be used.
RequeueSummary requeue_dead(const RedisAddress& redis, const std::string& queue,
                            const std::vector<std::string>& ids,
                            const std::function<void(const RequeueResult&)>& on_result = {},
                            const std::function<void(const std::string&)>& on_notice = {});

std::string queue_status_to_json(const QueueStatus& status, int indent = 2);

}  // namespace thumbflow
