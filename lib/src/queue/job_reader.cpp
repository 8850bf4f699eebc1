#include "queue/job_reader.hpp"

namespace thumbflow::detail {
namespace {

constexpr auto kClaimInterval = std::chrono::seconds(1);

// [id, [name, value, ...]] (the fields are nil for an entry deleted while pending, Redis 6.2).
Delivery to_delivery(const RedisValue& entry) {
  Delivery d;
  if (entry.type != RedisValue::Type::Array || entry.elements.empty()) return d;
  d.id = entry.elements[0].str;
  if (entry.elements.size() > 1)
    for (const RedisValue& f : entry.elements[1].elements) d.fields.push_back(f.str);
  return d;
}

bool is_nogroup(const RedisServerError& e) { return std::string(e.what()).rfind("NOGROUP", 0) == 0; }

}  // namespace

JobReader::JobReader(ResilientRedis& redis, const QueueKeys& keys, std::string consumer, int block_ms,
                     int claim_after_ms)
    : redis_(redis),
      keys_(keys),
      consumer_(std::move(consumer)),
      block_ms_(block_ms),
      claim_after_ms_(claim_after_ms) {}

std::vector<Delivery> JobReader::next(int count) {
  if (must_recover_) {
    must_recover_ = false;
    std::vector<Delivery> lost = recover();
    if (!lost.empty()) return lost;
  }
  std::vector<Delivery> out;
  const auto now = std::chrono::steady_clock::now();
  if (last_read_empty_ || now - last_claim_ >= kClaimInterval) {
    last_claim_ = now;
    out = claim(count);
  }
  if (out.empty()) {
    out = read_new(count);
    last_read_empty_ = out.empty();
  }
  return out;
}

std::vector<Delivery> JobReader::claim(int count) {
  RedisValue reply;
  try {
    reply = redis_.command({"XAUTOCLAIM", keys_.stream, kGroup, consumer_, std::to_string(claim_after_ms_),
                            claim_cursor_, "COUNT", std::to_string(count)});
  } catch (const RedisServerError& e) {
    if (!is_nogroup(e)) throw;
    return {};  // the group is made again by read_new
  }
  if (reply.elements.size() < 2) return {};
  claim_cursor_ = reply.elements[0].str;
  std::vector<Delivery> claimed;
  for (const RedisValue& entry : reply.elements[1].elements) {
    Delivery d = to_delivery(entry);
    if (!d.id.empty()) claimed.push_back(std::move(d));
  }
  if (claimed.empty()) return claimed;
  // XAUTOCLAIM does not say how often each was handed out; XPENDING does. Nor why it was due: a
  // recorded error means a retry, a mark in `released` a job handed back, neither an abandoned job.
  std::vector<RedisArgs> queries;
  for (const Delivery& d : claimed) {
    queries.push_back({"XPENDING", keys_.stream, kGroup, d.id, d.id, "1"});
    queries.push_back({"HEXISTS", keys_.errors, d.id});
    queries.push_back({"SREM", keys_.released, d.id});
  }
  const std::vector<RedisValue> replies = redis_.pipeline(queries);
  for (std::size_t i = 0; i < claimed.size(); ++i) {
    const RedisValue& c = replies[3 * i];
    if (c.type == RedisValue::Type::Array && !c.elements.empty() && c.elements[0].elements.size() >= 4)
      claimed[i].deliveries = int(c.elements[0].elements[3].as_int());
    const auto is_one = [](const RedisValue& v) {
      return v.type == RedisValue::Type::Integer && v.integer == 1;
    };
    if (count_claim_)
      count_claim_(is_one(replies[3 * i + 2])   ? ClaimReason::HandedBack
                   : is_one(replies[3 * i + 1]) ? ClaimReason::Retry
                                                : ClaimReason::Abandoned);
  }
  return claimed;
}

std::vector<Delivery> JobReader::read_new(int count) {
  const RedisArgs read = {"XREADGROUP", "GROUP",
                          kGroup,       consumer_,
                          "COUNT",      std::to_string(count),
                          "BLOCK",      std::to_string(block_ms_),
                          "STREAMS",    keys_.stream,
                          ">"};
  RedisValue reply;
  try {
    reply = redis_.command(read);
  } catch (const RedisServerError& e) {
    if (!is_nogroup(e)) throw;
    // The stream or its group is gone (e.g. Redis restarted without its data): make it again.
    ensure_group(redis_, keys_.stream);
    return {};
  }
  std::vector<Delivery> out;
  for (const RedisValue& stream : reply.elements)
    if (stream.elements.size() >= 2)
      for (const RedisValue& entry : stream.elements[1].elements) {
        Delivery d = to_delivery(entry);
        if (!d.id.empty()) out.push_back(std::move(d));
      }
  return out;
}

std::vector<Delivery> JobReader::recover() {
  // A consumer holds at most a few reads' worth of jobs; 10000 is far above.
  const RedisValue pending = redis_.command({"XPENDING", keys_.stream, kGroup, "-", "+", "10000", consumer_});
  std::vector<Delivery> lost;
  std::vector<RedisArgs> reads;
  for (const RedisValue& p : pending.elements) {
    if (p.elements.size() < 4 || (held_ && held_(p.elements[0].str))) continue;
    Delivery& d = lost.emplace_back();
    d.id = p.elements[0].str;
    d.deliveries = int(p.elements[3].as_int());
    reads.push_back({"XRANGE", keys_.stream, d.id, d.id});
  }
  if (reads.empty()) return lost;
  const std::vector<RedisValue> entries = redis_.pipeline(reads);
  for (std::size_t i = 0; i < lost.size(); ++i)
    if (!entries[i].elements.empty()) lost[i].fields = to_delivery(entries[i].elements[0]).fields;
  return lost;
}

bool JobReader::queue_empty() { return redis_.command({"XLEN", keys_.stream}).as_int() == 0; }

}  // namespace thumbflow::detail
