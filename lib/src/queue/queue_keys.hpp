// The Redis keys of one queue and the Lua scripts that change them. Each script does one step
// of a job's life atomically, and does nothing when run twice (a worker that lost its connection
// runs the step again after reconnecting), so counters count each job once.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "queue/job_fields.hpp"
#include "queue/redis_client.hpp"

namespace thumbflow::detail {

// The consumer group every worker of a queue reads with.
inline constexpr const char* kGroup = "thumbflow";

struct QueueKeys {
  // Throws std::invalid_argument for an empty name or one with spaces or control characters.
  explicit QueueKeys(const std::string& name);
  std::string stream, dead, stats, seen, errors, released;
};

// Every script runs after kScriptPrelude (eval_args puts it first). Anyone with access to the
// queue's keys may have given one of them another type, or a counter a value that is not a number:
//  - check_types(key, kind, ...) returns an error reply naming the first key of another type
//    ("WRONGTYPE key 'jobs:dead' holds a string, not a stream"); each script calls it before its
//    first write for the keys it cannot do without, so that it fails having changed nothing.
//  - try(label, command...) runs a write whose failure loses nothing (a counter, a note) with
//    pcall, and notes the failure; the script goes on and returns {result, label, error, ...}.
//  - outline_if_over(fields, first, bounds) measures the fields from `first` on against bounds
//    {most fields, longest name, longest value, most bytes, outline bytes} (job_fields' bounds):
//    nil and their size when within, else their outline (field count, size, the first
//    most fields + 1 names and values cut to outline bytes, each with its size) and its size.
//  - seen_key(fingerprint) is the member of NAME:seen for a job_fingerprint (the caller computes
//    the fingerprint from a checked job; no script takes it from an entry's `key` field, which
//    whoever wrote the entry chose).
// Redis does not undo a script's writes when it fails halfway: hence checking first, and writing
// what matters (the job's result) before acknowledging.
inline constexpr const char* kScriptPrelude = R"lua(
local warnings = {}
local function check_types(...)
  local want = {...}
  for i = 1, #want, 2 do
    local t = redis.call('TYPE', want[i])['ok']
    if t ~= 'none' and t ~= want[i + 1] then
      return redis.error_reply('WRONGTYPE key \'' .. want[i] .. '\' holds a ' .. t .. ', not a ' .. want[i + 1])
    end
  end
  return nil
end
local function try(label, ...)
  local r = redis.pcall(...)
  if type(r) == 'table' and r['err'] then
    warnings[#warnings + 1] = label
    warnings[#warnings + 1] = r['err']
  end
  return r
end
local function seen_key(fingerprint)
  return redis.sha1hex(fingerprint)
end
local function outline_if_over(f, first, b)
  local n = #f - first + 1
  local total, over = 0, n > 2 * b[1]
  for i = first, #f do
    total = total + #f[i]
    if #f[i] > ((i - first) % 2 == 0 and b[2] or b[3]) then over = true end
  end
  if total > b[4] then over = true end
  if not over then return nil, total end
  local o, used = {math.floor(n / 2), total}, 0
  for i = first, math.min(#f, first - 1 + 2 * (b[1] + 1)) do
    local cut = string.sub(f[i], 1, b[5])
    o[#o + 1] = cut
    o[#o + 1] = #f[i]
    used = used + #cut
  end
  return o, used
end
)lua";

// KEYS: stream, seen. ARGV: fingerprint, force ("1"/"0"), fields... Adds the entry unless the
// fingerprint was seen (and not forced); returns its id, or nil when it was a duplicate.
inline constexpr const char* kEnqueueScript = R"lua(
local bad = check_types(KEYS[1], 'stream', KEYS[2], 'set')
if bad then return bad end
local key = seen_key(ARGV[1])
if redis.call('SADD', KEYS[2], key) == 0 and ARGV[2] ~= '1' then return false end
return redis.call('XADD', KEYS[1], '*', 'key', key, unpack(ARGV, 3))
)lua";

// KEYS: stream, stats, errors. ARGV: id, counter ("done" or "skipped"). Acknowledges and deletes
// the entry and counts it (per second too, for the rate), unless it was acknowledged before.
// Returns {1 or 0, warnings...}: the counts are best effort.
inline constexpr const char* kAckScript = R"lua(
local bad = check_types(KEYS[1], 'stream')
if bad then return bad end
if redis.call('XACK', KEYS[1], 'thumbflow', ARGV[1]) == 0 then return {0} end
redis.call('XDEL', KEYS[1], ARGV[1])
try(KEYS[3], 'HDEL', KEYS[3], ARGV[1])
try(KEYS[2], 'HINCRBY', KEYS[2], ARGV[2], 1)
local rate = KEYS[1] .. ':rate:' .. redis.call('TIME')[1]
try(KEYS[1] .. ':rate:*', 'INCR', rate)
try(KEYS[1] .. ':rate:*', 'EXPIRE', rate, 120)
return {1, unpack(warnings)}
)lua";

// KEYS: stream, stats, errors. ARGV: id, error, consumer, idle ms. A failed attempt: keeps the
// entry pending with its error and makes it look idle for `idle` ms, so that XAUTOCLAIM hands it
// out again after claim-after minus that. Nothing if another consumer holds it now. Returns
// {1 or 0, warnings...}: the error note and the count are best effort.
inline constexpr const char* kRetryScript = R"lua(
local bad = check_types(KEYS[1], 'stream')
if bad then return bad end
local p = redis.call('XPENDING', KEYS[1], 'thumbflow', ARGV[1], ARGV[1], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return {0} end
redis.call('XCLAIM', KEYS[1], 'thumbflow', ARGV[3], 0, ARGV[1], 'IDLE', ARGV[4], 'JUSTID')
try(KEYS[3], 'HSET', KEYS[3], ARGV[1], ARGV[2])
try(KEYS[2], 'HINCRBY', KEYS[2], 'failed', 1)
return {1, unpack(warnings)}
)lua";

// KEYS: stream, released. ARGV: id, consumer, idle ms, retry count. Gives a job not started back
// (on stop): claimable at once by any worker, its delivery count restored, and noted in `released`
// (the claimer removes it, to count it as handed back rather than abandoned; best effort).
inline constexpr const char* kReleaseScript = R"lua(
local bad = check_types(KEYS[1], 'stream')
if bad then return bad end
local p = redis.call('XPENDING', KEYS[1], 'thumbflow', ARGV[1], ARGV[1], 1)
if #p == 0 or p[1][2] ~= ARGV[2] then return {0} end
redis.call('XCLAIM', KEYS[1], 'thumbflow', ARGV[2], 0, ARGV[1], 'IDLE', ARGV[3], 'RETRYCOUNT', ARGV[4], 'JUSTID')
try(KEYS[2], 'SADD', KEYS[2], ARGV[1])
return {1, unpack(warnings)}
)lua";

// KEYS: stream, stats, errors, dead, seen. ARGV: id, error, deliveries, most fields copied, longest
// value copied, fingerprint ("" = none). Gives up on a job: copies it to the dead stream with its
// error (at most that many of its fields; longer values are left out, so a huge entry does not
// make a huge record), forgets the fingerprint (so the job can be enqueued again once fixed), then
// acknowledges and deletes it. The fingerprint is the worker's, of the job it checked: an entry
// that is no job gives none, and removes nothing. The dead record is written first: when it cannot be, the
// job stays pending. Returns {1, warnings...}, or {0} when the job was not pending (given up before).
inline constexpr const char* kDeadScript = R"lua(
local bad = check_types(KEYS[1], 'stream', KEYS[4], 'stream')
if bad then return bad end
if #redis.call('XPENDING', KEYS[1], 'thumbflow', ARGV[1], ARGV[1], 1) == 0 then return {0} end
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
local entry = {'id', ARGV[1], 'error', ARGV[2], 'deliveries', ARGV[3]}
if #found > 0 then
  local f = found[1][2]
  local copied = 0
  for i = 1, #f, 2 do
    if copied < tonumber(ARGV[4]) and #f[i] <= tonumber(ARGV[5]) and #f[i + 1] <= tonumber(ARGV[5]) then
      entry[#entry + 1] = f[i]
      entry[#entry + 1] = f[i + 1]
      copied = copied + 1
    end
  end
end
redis.call('XADD', KEYS[4], '*', unpack(entry))
redis.call('XACK', KEYS[1], 'thumbflow', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
if ARGV[6] ~= '' then try(KEYS[5], 'SREM', KEYS[5], seen_key(ARGV[6])) end
try(KEYS[3], 'HDEL', KEYS[3], ARGV[1])
try(KEYS[2], 'HINCRBY', KEYS[2], 'dead', 1)
return {1, unpack(warnings)}
)lua";

// KEYS: dead, stream, seen, stats. ARGV: dead entry id, fingerprint of its job ("" = none). Puts a
// dead job back: its own fields (after the id, error and deliveries that kDeadScript put first;
// a `key` field replaced by the fingerprint's) as a new entry, the fingerprint seen again, the
// dead entry deleted. Returns {1, warnings...} requeued, {2} when the fingerprint was
// enqueued again meanwhile (only deleted), {0} when the entry is not there, {-1} when it is not
// one kDeadScript wrote.
inline constexpr const char* kRequeueScript = R"lua(
local bad = check_types(KEYS[1], 'stream', KEYS[2], 'stream')
if bad then return bad end
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return {0} end
local f = found[1][2]
if #f < 8 or f[1] ~= 'id' or f[3] ~= 'error' or f[5] ~= 'deliveries' then return {-1} end
local key = nil
local fields = {}
if ARGV[2] ~= '' then
  key = seen_key(ARGV[2])
  fields = {'key', key}
end
for i = 7, #f, 2 do
  if f[i] ~= 'key' then
    fields[#fields + 1] = f[i]
    fields[#fields + 1] = f[i + 1]
  end
end
local result = 2
-- A `seen` that cannot be read does not keep the job dead.
if key == nil or try(KEYS[3], 'SADD', KEYS[3], key) ~= 0 then
  redis.call('XADD', KEYS[2], '*', unpack(fields))
  try(KEYS[4], 'HINCRBY', KEYS[4], 'requeued', 1)
  result = 1
end
redis.call('XDEL', KEYS[1], ARGV[1])
return {result, unpack(warnings)}
)lua";

// KEYS: stream, errors, released. ARGV: consumer, count, byte budget, most fields, longest name,
// longest value, most bytes per entry, outline bytes, mode, mode's arguments. How a worker takes
// jobs: the entries are measured here, in Redis, and one over those bounds is not sent; only its
// outline (field count, size, its first `most fields` + 1 names and values cut to `outline bytes`
// with their sizes), so that the worker gives up on it (kDeadScript copies only its small fields)
// having read a few KB. Scripts cannot block: the worker polls.
// Modes: 'claim' MIN-IDLE CURSOR: jobs of silent consumers (XAUTOCLAIM), then new ones if none;
// 'new': new ones (XREADGROUP >); 'ids' ID...: those of this consumer's pending jobs (after a lost
// connection). At most `count` entries, and no more once the byte budget is spent (at least one).
// Returns {next, entry...}: next is the XAUTOCLAIM cursor ('claim'), the number of ids looked at
// ('ids'), or ''; each entry {id, deliveries, why (0 new, 1 handed back, 2 retry, 3 abandoned),
// kind ('fields', 'outline' or 'gone': deleted while pending), fields or outline}.
inline constexpr const char* kTakeScript = R"lua(
local bad = check_types(KEYS[1], 'stream')
if bad then return bad end
local consumer, count, budget = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local bounds = {tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])}
local out = {''}
local used = 0
local function full() return #out > count or used >= budget end
local function add(id, deliveries, why, f)
  if not f then
    out[#out + 1] = {id, deliveries, why, 'gone', {}}
    return
  end
  local o, bytes = outline_if_over(f, 1, bounds)
  used = used + bytes
  if o then
    out[#out + 1] = {id, deliveries, why, 'outline', o}
  else
    out[#out + 1] = {id, deliveries, why, 'fields', f}
  end
end
local function deliveries(id)
  local p = redis.call('XPENDING', KEYS[1], 'thumbflow', id, id, 1)
  if #p == 0 then return nil end
  return p[1]
end
local mode = ARGV[9]
if mode == 'ids' then
  local looked = 0
  for i = 10, #ARGV do
    if full() then break end
    looked = looked + 1
    local p = deliveries(ARGV[i])
    if p and p[2] == consumer then
      local found = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
      add(ARGV[i], p[4], 0, found[1] and found[1][2])
    end
  end
  out[1] = tostring(looked)
  return out
end
if mode == 'claim' then
  local cursor = ARGV[11]
  for _ = 1, count do
    local r = redis.call('XAUTOCLAIM', KEYS[1], 'thumbflow', consumer, ARGV[10], cursor, 'COUNT', 1)
    cursor = r[1]
    for _, e in ipairs(r[2]) do
      local why = 3
      if redis.pcall('SREM', KEYS[3], e[1]) == 1 then
        why = 1
      elseif redis.pcall('HEXISTS', KEYS[2], e[1]) == 1 then
        why = 2
      end
      local p = deliveries(e[1])
      add(e[1], p and p[4] or 1, why, e[2])
    end
    if cursor == '0-0' or full() then break end
  end
  out[1] = cursor
  if #out > 1 then return out end
end
while not full() do
  local r = redis.call('XREADGROUP', 'GROUP', 'thumbflow', consumer, 'COUNT', 1, 'STREAMS', KEYS[1], '>')
  if not r then break end
  local e = r[1][2][1]
  add(e[1], 1, 0, e[2])
end
return out
)lua";

// KEYS: dead. ARGV: count, longest value. The last `count` entries of NAME:dead, newest first,
// shaped as XREVRANGE gives them but with only the fields status shows (the first id, error,
// deliveries and input), each value cut to `longest value` bytes (then "…" and its size): an
// entry anyone wrote there, however large, costs status a few KB.
inline constexpr const char* kLastDeadScript = R"lua(
local out = {}
local longest = tonumber(ARGV[2])
for _, e in ipairs(redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', tonumber(ARGV[1]))) do
  local kept, seen, f = {}, {}, e[2]
  for i = 1, #f - 1, 2 do
    local n = f[i]
    if (n == 'id' or n == 'error' or n == 'deliveries' or n == 'input') and not seen[n] then
      seen[n] = true
      local v = f[i + 1]
      if #v > longest then v = string.sub(v, 1, longest) .. '\226\128\166 (' .. #v .. ' bytes)' end
      kept[#kept + 1] = n
      kept[#kept + 1] = v
    end
  end
  out[#out + 1] = {e[1], kept}
end
return out
)lua";

// KEYS: dead. ARGV: most fields, longest name, longest value, most bytes, outline bytes, longest
// note, mode, mode's arguments. NAME:dead as requeue reads it, a few KB per entry whatever
// anyone wrote there. Modes: 'last': the id of its last entry ('' when empty); 'range' START END
// COUNT: its entries, each {id, its first 6 names and values cut to `longest note`, then "…" and
// the size (kDeadScript
// puts id, error and deliveries there), 'fields' and the rest, or 'outline' and the rest's
// outline when it is over the bounds (as kTakeScript)}.
inline constexpr const char* kDeadEntriesScript = R"lua(
local bounds = {tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])}
if ARGV[7] == 'last' then
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if #last == 0 then return '' end
  return last[1][1]
end
local out = {}
for _, e in ipairs(redis.call('XRANGE', KEYS[1], ARGV[8], ARGV[9], 'COUNT', tonumber(ARGV[10]))) do
  local f, head = e[2], {}
  for i = 1, math.min(#f, 6) do
    head[i] = f[i]
    if #f[i] > tonumber(ARGV[6]) then
      head[i] = string.sub(f[i], 1, tonumber(ARGV[6])) .. '\226\128\166 (' .. #f[i] .. ' bytes)'
    end
  end
  local o = outline_if_over(f, 7, bounds)
  if o then
    out[#out + 1] = {e[1], head, 'outline', o}
  else
    local job = {}
    for i = 7, #f do job[#job + 1] = f[i] end
    out[#out + 1] = {e[1], head, 'fields', job}
  end
end
return out
)lua";

// KEYS: stream. ARGV: consumer. Removes the consumer from the group if it holds no job (removing
// one that does would lose its jobs).
inline constexpr const char* kLeaveScript = R"lua(
if #redis.call('XPENDING', KEYS[1], 'thumbflow', '-', '+', 1, ARGV[1]) > 0 then return 0 end
return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], 'thumbflow', ARGV[1])
)lua";

// KEYS: stream. ARGV: idle ms. Removes the consumers holding no job that were idle longer.
inline constexpr const char* kForgetStaleScript = R"lua(
local removed = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], 'thumbflow')) do
  local f = {}
  for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
  if f['pending'] == 0 and f['idle'] > tonumber(ARGV[1]) then
    removed = removed + redis.call('XGROUP', 'DELCONSUMER', KEYS[1], 'thumbflow', f['name'])
  end
end
return removed
)lua";

// KEYS: stream. ARGV: consumer, max idle ms, ids... Resets the idle time of the listed jobs this
// consumer still holds (a heartbeat); returns how many. Entries idle longer than `max idle` are
// left alone: the worker has just given them back or scheduled a retry (both set a large idle
// time on purpose), after listing them. Also keeps the consumer listed in the group while it
// waits for work (a blocked XREADGROUP does not make it, and idle ones are forgotten).
inline constexpr const char* kHeartbeatScript = R"lua(
redis.call('XGROUP', 'CREATECONSUMER', KEYS[1], 'thumbflow', ARGV[1])
local kept = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], 'thumbflow', ARGV[i], ARGV[i], 1)
  if #p > 0 and p[1][2] == ARGV[1] and p[1][3] < tonumber(ARGV[2]) then
    redis.call('XCLAIM', KEYS[1], 'thumbflow', ARGV[1], 0, ARGV[i], 'JUSTID')
    kept = kept + 1
  end
end
return kept
)lua";

// EVAL script (after kScriptPrelude) with its keys and arguments.
RedisArgs eval_args(const char* script, const std::vector<std::string>& keys,
                    const std::vector<std::string>& argv);

// What a script that returns {result, label, error, ...} said: its result, and the best-effort
// writes that failed (label: the key, as the script names it; error: Redis's words).
struct ScriptReply {
  std::int64_t result = 0;
  std::vector<std::pair<std::string, std::string>> failed_writes;
};
ScriptReply script_reply(const RedisValue& reply);

// Creates the group on the stream (and the stream) if missing, reading from the start: entries
// enqueued before the first worker came are not skipped.
// Works on a RedisConnection and on a ResilientRedis.
template <typename Redis>
void ensure_group(Redis& redis, const std::string& stream) {
  try {
    redis.command({"XGROUP", "CREATE", stream, kGroup, "0", "MKSTREAM"});
  } catch (const RedisServerError& e) {
    if (std::string(e.what()).rfind("BUSYGROUP", 0) != 0) throw;
  }
}

// The type each key of a queue must have, when it exists: stream and dead are streams, stats and
// errors hashes, seen and released sets.
std::vector<std::pair<std::string, std::string>> expected_types(const QueueKeys& keys);

// The bounds of an entry as kTakeScript and kDeadEntriesScript take them (ARGV, in that order).
std::vector<std::string> entry_bounds_args();

// An outline as outline_if_over returns it.
EntryOutline outline_of(const RedisValue& outline);

// "key 'jobs:dead' holds a string, not a stream".
std::string wrong_type_text(const std::string& key, const std::string& type, const std::string& wanted);

// Redis's error without the " script: SHA, on @user_script:N." it appends to errors in scripts.
std::string without_script_suffix(const std::string& error);

// One line for Redis's refusal of a command on the queue's keys: a WRONGTYPE names the key of
// another type (Redis's own words do not), found by asking each key's type; a script's
// "WRONGTYPE key ..." (check_types) already does. Other refusals as Redis words them.
template <typename Redis>
std::string refusal_text(Redis& redis, const QueueKeys& keys, const RedisServerError& e) {
  const std::string what = without_script_suffix(e.what());
  if (what.rfind("WRONGTYPE key ", 0) == 0) return what.substr(10);
  if (what.rfind("WRONGTYPE", 0) != 0) return what;
  try {
    for (const auto& [key, wanted] : expected_types(keys))
      if (const std::string type = redis.command({"TYPE", key}).str; type != "none" && type != wanted)
        return wrong_type_text(key, type, wanted);
  } catch (const std::exception&) {
  }
  return what;
}

}  // namespace thumbflow::detail
