// `status`: what the queue holds, who works on it, and how fast it goes (as `rq info`).
#include <nlohmann/json.hpp>

#include "queue/dead_jobs.hpp"
#include "queue/queue_keys.hpp"
#include "queue/redis_client.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow {
namespace {

using namespace detail;

// XINFO replies are flat name, value, name, value, ... arrays.
const RedisValue* field(const RedisValue& map, const std::string& name) {
  for (std::size_t i = 0; i + 1 < map.elements.size(); i += 2)
    if (map.elements[i].str == name) return &map.elements[i + 1];
  return nullptr;
}

std::int64_t int_field(const RedisValue& map, const std::string& name) {
  const RedisValue* v = field(map, name);
  return v ? v->as_int() : 0;
}

// A counter's value (nil: 0). One that is not a number counts as 0 and is noted in `s`.
std::uint64_t counter(const RedisValue* v, const std::string& key, const std::string& name, QueueStatus& s) {
  if (v == nullptr || v->is_nil()) return 0;
  try {
    return std::uint64_t(std::max<std::int64_t>(0, v->as_int()));
  } catch (const std::runtime_error&) {
    s.unreadable.push_back({key, name, v->str.substr(0, 200)});
    return 0;
  }
}

// Longest value of a dead entry status reads (its error, input, id, deliveries).
constexpr std::size_t kShownDeadBytes = 4096;

}  // namespace

QueueStatus queue_status(const RedisAddress& redis, const std::string& queue, int dead_shown) {
  if (dead_shown < 0 || dead_shown > 1000) throw std::invalid_argument("dead jobs shown must be 0..1000");
  const QueueKeys keys(queue);
  RedisConnection connection(redis, std::chrono::seconds(10));
  QueueStatus s;
  s.queue = queue;
  try {
    // Each key of another type is named: the stream's stops here (it is no queue), the others'
    // are left out and shown.
    const std::vector<RedisValue> types =
        connection.pipeline({{"TYPE", keys.stream}, {"TYPE", keys.stats}, {"TYPE", keys.dead}});
    const auto usable = [&](std::size_t i, const std::string& key, const std::string& wanted) {
      const std::string& type = types[i].str;
      if (type == "none" || type == wanted) return type == wanted;
      if (i == 0) throw QueueError("Redis at " + describe(redis) + ": " + wrong_type_text(key, type, wanted));
      s.wrong_type.push_back({key, type, wanted});
      return false;
    };
    s.stream_exists = usable(0, keys.stream, "stream");
    const bool stats = usable(1, keys.stats, "hash");
    const bool dead = usable(2, keys.dead, "stream");
    const RedisArgs nothing = {"PING"};
    std::vector<RedisValue> replies = connection.pipeline({
        {"XLEN", keys.stream},
        s.stream_exists ? RedisArgs{"XINFO", "GROUPS", keys.stream} : nothing,
        stats ? RedisArgs{"HGETALL", keys.stats} : nothing,
        dead ? RedisArgs{"XLEN", keys.dead} : nothing,
        {"TIME"},
        dead && dead_shown > 0 ? eval_args(kLastDeadScript, {keys.dead},
                                           {std::to_string(dead_shown), std::to_string(kShownDeadBytes)})
                               : nothing,
    });
    for (const RedisValue& r : replies)
      if (r.type == RedisValue::Type::Error) throw RedisServerError(r.str);
    const std::int64_t length = replies[0].as_int();
    std::int64_t pending = 0;
    for (const RedisValue& group : replies[1].elements)
      if (const RedisValue* name = field(group, "name"); name && name->str == kGroup) {
        s.group_exists = true;
        pending = int_field(group, "pending");
      }
    s.in_progress = std::size_t(pending);
    // Finished entries are deleted, so the stream holds exactly the waiting and unfinished jobs.
    s.waiting = std::size_t(std::max<std::int64_t>(0, length - pending));
    if (s.group_exists)
      for (const RedisValue& c : connection.command({"XINFO", "CONSUMERS", keys.stream, kGroup}).elements)
        s.consumers.push_back({field(c, "name") ? field(c, "name")->str : std::string(),
                               std::size_t(int_field(c, "pending")), int_field(c, "idle")});
    const RedisValue& stats_reply = replies[2];
    s.done = counter(field(stats_reply, "done"), keys.stats, "done", s);
    s.skipped = counter(field(stats_reply, "skipped"), keys.stats, "skipped", s);
    s.failed = counter(field(stats_reply, "failed"), keys.stats, "failed", s);
    s.dead = dead ? std::uint64_t(replies[3].as_int()) : 0;
    for (const RedisValue& entry : replies[5].elements) s.last_dead.push_back(dead_job_of(entry));
    // Per-second counters of finished jobs; this second is still filling, so it is left out.
    const std::int64_t now = replies[4].elements.at(0).as_int();
    RedisArgs mget = {"MGET"};
    for (int back = 1; back <= 60; ++back)
      mget.push_back(keys.stream + ":rate:" + std::to_string(now - back));
    const RedisValue counts = connection.command(mget);
    for (std::size_t i = 0; i < counts.elements.size(); ++i) {
      const std::uint64_t n = counter(&counts.elements[i], mget[i + 1], "", s);
      s.last_minute += n;
      if (i < 10) s.rate += double(n) / 10.0;
    }
  } catch (const RedisServerError& e) {
    throw QueueError("Redis at " + describe(redis) + ": " + refusal_text(connection, keys, e));
  } catch (const RedisConnectionLost& e) {
    throw QueueError(e.what());
  }
  return s;
}

std::string queue_status_to_json(const QueueStatus& s, int indent) {
  nlohmann::json consumers = nlohmann::json::array();
  for (const ConsumerStatus& c : s.consumers)
    consumers.push_back({{"name", c.name}, {"in_progress", c.in_progress}, {"idle_ms", c.idle_ms}});
  nlohmann::json dead_jobs = nlohmann::json::array();
  for (const DeadJob& d : s.last_dead)
    dead_jobs.push_back({{"id", d.id},
                         {"job_id", d.job_id},
                         {"input", d.input},
                         {"error", d.error},
                         {"deliveries", d.deliveries},
                         {"dead_ms", d.dead_ms}});
  nlohmann::json wrong_type = nlohmann::json::array();
  for (const WrongTypeKey& w : s.wrong_type)
    wrong_type.push_back({{"key", w.key}, {"type", w.type}, {"expected", w.expected}});
  nlohmann::json unreadable = nlohmann::json::array();
  for (const UnreadableCounter& u : s.unreadable)
    unreadable.push_back({{"key", u.key}, {"field", u.field}, {"value", u.value}});
  const nlohmann::json j = {{"queue", s.queue},
                            {"stream_exists", s.stream_exists},
                            {"group_exists", s.group_exists},
                            {"waiting", s.waiting},
                            {"in_progress", s.in_progress},
                            {"consumers", consumers},
                            {"done", s.done},
                            {"skipped", s.skipped},
                            {"failed", s.failed},
                            {"dead", s.dead},
                            {"rate_per_s", s.rate},
                            {"last_minute", s.last_minute},
                            {"last_dead", dead_jobs},
                            {"unreadable", unreadable},
                            {"wrong_type", wrong_type}};
  // Names from outside may hold bytes that are not UTF-8.
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace thumbflow
