#include "queue/job_reader.hpp"

#include <algorithm>
#include <thread>

namespace thumbflow::detail {
namespace {

constexpr auto kClaimInterval = std::chrono::seconds(1);
// Pauses between looks for new jobs while there is none: short at first (a job often follows
// another), then at most kLongestPause (an idle worker runs the script 5 times a second).
constexpr auto kFirstPause = std::chrono::milliseconds(10);
constexpr auto kLongestPause = std::chrono::milliseconds(200);
// Bytes of entries one take may bring (at least one entry, at most kMaxEntryBytes more).
constexpr std::size_t kReadBudget = 1024 * 1024;

bool is_nogroup(const RedisServerError& e) {
  return std::string(e.what()).find("NOGROUP") != std::string::npos;
}

// {id, deliveries, why, kind, fields or outline} as kTakeScript returns it.
Delivery to_delivery(const RedisValue& entry) {
  Delivery d;
  if (entry.elements.size() < 5) return d;
  d.id = entry.elements[0].str;
  d.deliveries = int(std::clamp<std::int64_t>(entry.elements[1].as_int(), 1, 1'000'000));
  const std::string& kind = entry.elements[3].str;
  const RedisValue& payload = entry.elements[4];
  if (kind == "fields")
    for (const RedisValue& f : payload.elements) d.fields.push_back(f.str);
  if (kind == "outline") d.outline = outline_of(payload);
  return d;
}

// kTakeScript's arguments before its mode: who takes, how many, and the bounds of an entry.
RedisArgs take_args(const std::string& consumer, int count) {
  RedisArgs args = {consumer, std::to_string(count), std::to_string(kReadBudget)};
  const std::vector<std::string> bounds = entry_bounds_args();
  args.insert(args.end(), bounds.begin(), bounds.end());
  return args;
}

ClaimReason claim_reason(std::int64_t why) {
  return why == 1 ? ClaimReason::HandedBack : why == 2 ? ClaimReason::Retry : ClaimReason::Abandoned;
}

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
    // A consumer holds at most a few reads' worth of jobs; 10000 is far above.
    const RedisValue pending =
        redis_.command({"XPENDING", keys_.stream, kGroup, "-", "+", "10000", consumer_});
    to_recover_.clear();
    for (const RedisValue& p : pending.elements)
      if (!p.elements.empty() && !(held_ && held_(p.elements[0].str)))
        to_recover_.push_back(p.elements[0].str);
  }
  if (!to_recover_.empty()) {
    std::vector<Delivery> lost = recover(count);
    if (!lost.empty()) return lost;
  }
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::milliseconds(block_ms_);
  auto pause = std::chrono::duration_cast<clock::duration>(kFirstPause);
  bool claim_due = last_read_empty_ || clock::now() - last_claim_ >= kClaimInterval;
  for (;;) {
    if (claim_due) last_claim_ = clock::now();
    bool claimed = false;
    std::vector<Delivery> out = take(count, claim_due, claimed);
    // Jobs taken over say nothing of new ones (none were read): while there are such jobs and no
    // new ones, each call claims again.
    if (!claimed) last_read_empty_ = out.empty();
    const auto now = clock::now();
    if (!out.empty() || now >= deadline) return out;
    std::this_thread::sleep_for(std::min(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::duration_cast<clock::duration>(kLongestPause));
    claim_due = clock::now() - last_claim_ >= kClaimInterval;
  }
}

std::vector<Delivery> JobReader::take(int count, bool claim, bool& claimed) {
  RedisArgs argv = take_args(consumer_, count);
  if (claim)
    argv.insert(argv.end(), {"claim", std::to_string(claim_after_ms_), claim_cursor_});
  else
    argv.emplace_back("new");
  RedisValue reply;
  try {
    reply = redis_.command(eval_args(kTakeScript, {keys_.stream, keys_.errors, keys_.released}, argv));
  } catch (const RedisServerError& e) {
    if (!is_nogroup(e)) throw;
    // The stream or its group is gone (e.g. Redis restarted without its data): make it again.
    ensure_group(redis_, keys_.stream);
    return {};
  }
  if (reply.elements.empty()) return {};
  std::vector<Delivery> out;
  for (std::size_t i = 1; i < reply.elements.size(); ++i) {
    Delivery d = to_delivery(reply.elements[i]);
    if (d.id.empty()) continue;
    const std::int64_t why = reply.elements[i].elements[2].as_int();
    if (why != 0) {
      claimed = true;
      if (count_claim_) count_claim_(claim_reason(why));
    }
    out.push_back(std::move(d));
  }
  if (claim && !reply.elements[0].str.empty()) claim_cursor_ = reply.elements[0].str;
  return out;
}

std::vector<Delivery> JobReader::recover(int count) {
  RedisArgs argv = take_args(consumer_, count);
  argv.emplace_back("ids");
  // A page of ids per call: the script stops at `count` entries or the byte budget.
  const std::size_t page = std::min<std::size_t>(to_recover_.size(), 1000);
  argv.insert(argv.end(), to_recover_.begin(), to_recover_.begin() + std::ptrdiff_t(page));
  const RedisValue reply =
      redis_.command(eval_args(kTakeScript, {keys_.stream, keys_.errors, keys_.released}, argv));
  std::size_t looked = page;
  if (!reply.elements.empty()) {
    try {
      looked = std::min(page, std::size_t(std::max<std::int64_t>(1, reply.elements[0].as_int())));
    } catch (const std::runtime_error&) {
    }
  }
  to_recover_.erase(to_recover_.begin(), to_recover_.begin() + std::ptrdiff_t(looked));
  std::vector<Delivery> lost;
  for (std::size_t i = 1; i < reply.elements.size(); ++i)
    if (Delivery d = to_delivery(reply.elements[i]); !d.id.empty()) lost.push_back(std::move(d));
  return lost;
}

bool JobReader::queue_empty() { return redis_.command({"XLEN", keys_.stream}).as_int() == 0; }

}  // namespace thumbflow::detail
