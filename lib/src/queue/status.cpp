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

}  // namespace

QueueStatus queue_status(const RedisAddress& redis, const std::string& queue, int dead_shown) {
  if (dead_shown < 0 || dead_shown > 1000) throw std::invalid_argument("dead jobs shown must be 0..1000");
  const QueueKeys keys(queue);
  RedisConnection connection(redis, std::chrono::seconds(10));
  QueueStatus s;
  s.queue = queue;
  try {
    const std::vector<RedisValue> replies = connection.pipeline({
        {"XLEN", keys.stream},
        {"XINFO", "GROUPS", keys.stream},
        {"XINFO", "CONSUMERS", keys.stream, kGroup},
        {"HGETALL", keys.stats},
        {"XLEN", keys.dead},
        {"TIME"},
        dead_shown > 0 ? RedisArgs{"XREVRANGE", keys.dead, "+", "-", "COUNT", std::to_string(dead_shown)}
                       : RedisArgs{"PING"},
    });
    // XINFO fails on a queue that does not exist yet (then it is empty); anything else is a refusal.
    for (const RedisValue& r : replies)
      if (r.type == RedisValue::Type::Error && r.str.find("no such key") == std::string::npos)
        throw RedisServerError(r.str);
    const std::int64_t length = replies[0].as_int();
    std::int64_t pending = 0;
    for (const RedisValue& group : replies[1].elements)  // an error (no stream yet) has none
      if (const RedisValue* name = field(group, "name"); name && name->str == kGroup)
        pending = int_field(group, "pending");
    s.in_progress = std::size_t(pending);
    // Finished entries are deleted, so the stream holds exactly the waiting and unfinished jobs.
    s.waiting = std::size_t(std::max<std::int64_t>(0, length - pending));
    for (const RedisValue& c : replies[2].elements)
      s.consumers.push_back({field(c, "name") ? field(c, "name")->str : std::string(),
                             std::size_t(int_field(c, "pending")), int_field(c, "idle")});
    const RedisValue& stats = replies[3];
    s.done = counter(field(stats, "done"), keys.stats, "done", s);
    s.skipped = counter(field(stats, "skipped"), keys.stats, "skipped", s);
    s.failed = counter(field(stats, "failed"), keys.stats, "failed", s);
    s.dead = std::uint64_t(replies[4].as_int());
    if (dead_shown > 0)
      for (const RedisValue& entry : replies[6].elements) s.last_dead.push_back(dead_job_of(entry));
    // Per-second counters of finished jobs; this second is still filling, so it is left out.
    const std::int64_t now = replies[5].elements.at(0).as_int();
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
    throw QueueError("Redis at " + describe(redis) + ": " + e.what());
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
  nlohmann::json unreadable = nlohmann::json::array();
  for (const UnreadableCounter& u : s.unreadable)
    unreadable.push_back({{"key", u.key}, {"field", u.field}, {"value", u.value}});
  const nlohmann::json j = {{"queue", s.queue},
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
                            {"unreadable", unreadable}};
  // Names from outside may hold bytes that are not UTF-8.
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace thumbflow
