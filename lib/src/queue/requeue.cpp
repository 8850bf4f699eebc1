// `requeue`: dead jobs back into the queue once their problem is fixed. The worker checks a
// requeued entry as it checks any other (job_intake); here only what can never be a job stays dead.
#include <optional>

#include "queue/dead_jobs.hpp"
#include "queue/job_fields.hpp"
#include "queue/key_warnings.hpp"
#include "queue/queue_keys.hpp"
#include "queue/redis_client.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow {
namespace {

using namespace detail;

// Entries read per round trip when requeueing every dead job (a few KB each: kDeadEntriesScript).
constexpr int kPage = 100;
// Longest id, error or deliveries value of a dead entry read (the error is only shown).
constexpr std::size_t kLongestNote = 4096;

bool is_entry_id(const std::string& id) {
  const auto dash = id.find('-');
  return dash != std::string::npos && dash > 0 && dash + 1 < id.size() && dash <= 20 && id.size() <= 41 &&
         id.find_first_not_of("0123456789-") == std::string::npos &&
         id.find('-', dash + 1) == std::string::npos;
}

class Requeuer {
 public:
  Requeuer(RedisConnection& redis, const QueueKeys& keys,
           const std::function<void(const RequeueResult&)>& tell, KeyWarnings& warnings)
      : redis_(redis), keys_(keys), tell_(tell), warnings_(warnings) {}

  void one(const std::string& id) {
    RequeueResult missing;
    missing.job.id = id;
    missing.reason = "not an entry id";
    if (!is_entry_id(id)) return report(missing);
    const RedisValue found = entries({"range", id, id, "1"});
    missing.reason = "not in " + keys_.dead;
    if (found.elements.empty()) return report(missing);
    move(found.elements[0]);
  }

  // Every entry up to the last one there now: a job that dies again meanwhile is not taken again.
  void all() {
    const std::string end = entries({"last"}).str;
    if (end.empty()) return;
    std::string from = "-";
    for (;;) {
      const RedisValue page = entries({"range", from, end, std::to_string(kPage)});
      for (const RedisValue& entry : page.elements) move(entry);
      if (page.elements.size() < std::size_t(kPage) || page.elements.back().elements.empty()) break;
      from = "(" + page.elements.back().elements[0].str;
    }
  }

  RequeueSummary summary() const { return summary_; }

 private:
  // kDeadEntriesScript: the bounds, then `mode`.
  RedisValue entries(const std::vector<std::string>& mode) {
    std::vector<std::string> argv = entry_bounds_args();
    argv.push_back(std::to_string(kLongestNote));
    argv.insert(argv.end(), mode.begin(), mode.end());
    return redis_.command(eval_args(kDeadEntriesScript, {keys_.dead}, argv));
  }

  // `entry`: {id, head, 'fields' or 'outline', the rest} as kDeadEntriesScript gives it.
  void move(const RedisValue& entry) {
    if (entry.elements.size() < 4) return;
    std::vector<std::string> fields;
    for (const RedisValue& f : entry.elements[1].elements) fields.push_back(f.str);
    std::optional<EntryOutline> outline;
    if (entry.elements[2].str == "outline")
      outline = outline_of(entry.elements[3]);
    else
      for (const RedisValue& f : entry.elements[3].elements) fields.push_back(f.str);
    RedisValue as_read = RedisValue{RedisValue::Type::Array, 0, "", {entry.elements[0], {}}};
    as_read.elements[1].type = RedisValue::Type::Array;
    for (const std::string& f : fields)
      as_read.elements[1].elements.push_back({RedisValue::Type::String, 0, f, {}});
    RequeueResult r{RequeueResult::Outcome::NotAJob, dead_job_of(as_read), ""};
    if (outline) {
      for (const OutlinedField& f : outline->fields)
        if (f.name == "input") r.job.input = quote_field(f.value, f.value_size);
      r.reason = "malformed job: " + entry_bounds_problem(*outline);
      return report(r);
    }
    const std::vector<std::string> job = job_fields_of_dead(fields);
    if (job.empty()) {
      r.reason = "not a job given up by a worker (no job fields after id, error and deliveries)";
      return report(r);
    }
    std::string fingerprint;  // as enqueue computes it, from the checked job (never its `key` field)
    try {
      // The worker's own check: an entry it would refuse at once stays here.
      fingerprint = job_fingerprint(decode_job(job));
    } catch (const std::exception& e) {
      r.reason = std::string("malformed job: ") + e.what();
      return report(r);
    }
    const ScriptReply reply = script_reply(redis_.command(eval_args(
        kRequeueScript, {keys_.dead, keys_.stream, keys_.seen, keys_.stats}, {r.job.id, fingerprint})));
    const std::int64_t moved = reply.result;
    // Best-effort writes that failed (a counter, the fingerprint): the job is requeued all the same,
    // and the key named once, as a worker names it.
    warnings_.failed_writes(reply.failed_writes);
    if (moved == 1) r.outcome = RequeueResult::Outcome::Requeued;
    if (moved == 2) r.outcome = RequeueResult::Outcome::AlreadyEnqueued;
    if (moved == 0) {
      r.outcome = RequeueResult::Outcome::NotFound;
      r.reason = "requeued meanwhile by someone else";
    }
    if (moved < 0) r.reason = "not a job given up by a worker";
    report(r);
  }

  void report(const RequeueResult& r) {
    switch (r.outcome) {
      case RequeueResult::Outcome::Requeued:
        ++summary_.requeued;
        break;
      case RequeueResult::Outcome::AlreadyEnqueued:
        ++summary_.already_enqueued;
        break;
      case RequeueResult::Outcome::NotFound:
        ++summary_.not_found;
        break;
      case RequeueResult::Outcome::NotAJob:
        ++summary_.not_a_job;
        break;
    }
    if (tell_) tell_(r);
  }

  RedisConnection& redis_;
  const QueueKeys& keys_;
  const std::function<void(const RequeueResult&)>& tell_;
  KeyWarnings& warnings_;
  RequeueSummary summary_;
};

}  // namespace

RequeueSummary requeue_dead(const RedisAddress& redis, const std::string& queue,
                            const std::vector<std::string>& ids,
                            const std::function<void(const RequeueResult&)>& on_result,
                            const std::function<void(const std::string&)>& on_notice) {
  const QueueKeys keys(queue);
  RedisConnection connection(redis, std::chrono::seconds(10));
  KeyWarnings warnings(on_notice);
  Requeuer requeuer(connection, keys, on_result, warnings);
  try {
    // Workers may not have made the group yet: the entries must not be skipped by it.
    ensure_group(connection, keys.stream);
    if (ids.empty()) requeuer.all();
    for (const std::string& id : ids) requeuer.one(id);
  } catch (const RedisServerError& e) {
    throw QueueError("Redis at " + describe(redis) +
                     " refused to requeue: " + refusal_text(connection, keys, e));
  } catch (const RedisConnectionLost& e) {
    throw QueueError(std::string(e.what()) + " (" + std::to_string(requeuer.summary().requeued) +
                     " jobs were requeued; run it again for the rest)");
  }
  return requeuer.summary();
}

}  // namespace thumbflow
