#include "queue/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <thread>

namespace thumbflow::detail {
namespace {

RedisValue convert(const redisReply* r) {
  RedisValue v;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      v.type = RedisValue::Type::String;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      v.type = RedisValue::Type::Status;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      v.type = RedisValue::Type::Error;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      v.type = RedisValue::Type::Integer;
      v.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      v.type = RedisValue::Type::Array;
      v.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) v.elements.push_back(convert(r->element[i]));
      break;
    default:
      break;
  }
  return v;
}

timeval to_timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// A command as hiredis takes it; with `sha`, EVALSHA SHA in place of EVAL SCRIPT, the rest as it is.
struct Argv {
  Argv(const RedisArgs& args, const std::string* sha) {
    for (const auto& a : args) {
      words.push_back(a.data());
      lengths.push_back(a.size());
    }
    if (sha == nullptr) return;
    words[0] = "EVALSHA";
    lengths[0] = 7;
    words[1] = sha->data();
    lengths[1] = sha->size();
  }
  std::vector<const char*> words;
  std::vector<std::size_t> lengths;
};

}  // namespace

std::int64_t RedisValue::as_int() const {
  if (type == Type::Integer) return integer;
  if (type == Type::String) {
    try {
      std::size_t used = 0;
      const long long n = std::stoll(str, &used);
      if (used == str.size()) return n;
    } catch (const std::exception&) {
    }
  }
  throw std::runtime_error("Redis reply is not an integer");
}

bool RedisServerError::transient() const {
  const std::string message = what();
  return starts_with(message, "LOADING") || starts_with(message, "BUSY ") ||
         starts_with(message, "TRYAGAIN") || starts_with(message, "MASTERDOWN");
}

RedisConnection::RedisConnection(const RedisAddress& address, std::chrono::milliseconds timeout)
    : address_(address) {
  const std::string where = "Redis at " + describe(address);
  context_ = redisConnectWithTimeout(address.host.c_str(), address.port, to_timeval(timeout));
  if (context_ == nullptr) throw QueueError("cannot connect to " + where + ": out of memory");
  if (context_->err != 0) {
    const std::string reason = context_->errstr;
    redisFree(context_);
    throw QueueError("cannot connect to " + where + ": " + reason);
  }
  redisSetTimeout(context_, to_timeval(timeout));
  redisEnableKeepAlive(context_);
  try {
    if (!address.password.empty()) {
      RedisArgs auth = {"AUTH"};
      if (!address.user.empty()) auth.push_back(address.user);
      auth.push_back(address.password);
      command(auth);
    }
    if (address.db != 0) command({"SELECT", std::to_string(address.db)});
    command({"PING"});
  } catch (const RedisServerError& e) {
    redisFree(context_);
    const std::string message = e.what();
    if (starts_with(message, "NOAUTH"))
      throw QueueError(where + " requires a password: give it as redis://[user:]PASSWORD@host:port");
    if (starts_with(message, "WRONGPASS") || message.find("AUTH") != std::string::npos)
      throw QueueError(where + " refused the password: " + message);
    throw QueueError(where + ": " + message);
  } catch (const RedisConnectionLost& e) {
    redisFree(context_);
    throw QueueError("cannot talk to " + where + ": " + e.what());
  }
}

RedisConnection::~RedisConnection() {
  if (context_ != nullptr) redisFree(context_);
}

void RedisConnection::lost(const std::string& during) {
  const std::string reason = context_->err != 0 ? context_->errstr : "no reply";
  throw RedisConnectionLost("lost connection to Redis at " + describe(address_) + " during " + during + ": " +
                            reason);
}

RedisValue RedisConnection::send(const RedisArgs& args, const std::string* sha) {
  Argv argv(args, sha);
  if (context_->err != 0) lost(args.front());
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context_, int(argv.words.size()), argv.words.data(), argv.lengths.data()));
  if (reply == nullptr) lost(args.front());
  RedisValue value = convert(reply);
  freeReplyObject(reply);
  return value;
}

const std::string* RedisConnection::script_sha(const RedisArgs& args) {
  if (!use_evalsha_ || args.size() < 2 || args[0] != "EVAL") return nullptr;
  if (const auto known = shas_.find(args[1]); known != shas_.end()) return &known->second;
  const RedisValue loaded = send({"SCRIPT", "LOAD", args[1]}, nullptr);
  if (loaded.type != RedisValue::Type::String || loaded.str.empty()) {
    use_evalsha_ = false;  // NOPERM (an ACL with +eval alone), or a proxy without SCRIPT: EVAL it is
    return nullptr;
  }
  return &shas_.emplace(args[1], loaded.str).first->second;
}

RedisValue RedisConnection::run(const RedisArgs& args) {
  if (const std::string* sha = script_sha(args)) {
    RedisValue value = send(args, sha);
    if (value.type != RedisValue::Type::Error) return value;
    if (starts_with(value.str, "NOSCRIPT")) {
      shas_.erase(args[1]);  // flushed (SCRIPT FLUSH, a restart behind a proxy): EVAL loads it again
    } else if (starts_with(value.str, "NOPERM")) {
      use_evalsha_ = false;
    } else {
      return value;
    }
  }
  return send(args, nullptr);
}

RedisValue RedisConnection::command(const RedisArgs& args) {
  RedisValue value = run(args);
  if (value.type == RedisValue::Type::Error) throw RedisServerError(value.str);
  return value;
}

std::vector<RedisValue> RedisConnection::pipeline(const std::vector<RedisArgs>& commands) {
  if (context_->err != 0) lost("a pipeline");
  std::vector<const std::string*> shas;
  shas.reserve(commands.size());
  for (const auto& args : commands) shas.push_back(script_sha(args));  // loads new scripts first
  for (std::size_t c = 0; c < commands.size(); ++c) {
    Argv argv(commands[c], shas[c]);
    if (redisAppendCommandArgv(context_, int(argv.words.size()), argv.words.data(), argv.lengths.data()) !=
        REDIS_OK)
      lost("a pipeline");
  }
  std::vector<RedisValue> values;
  values.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) lost("a pipeline");
    values.push_back(convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  // A script flushed between its SCRIPT LOAD and its EVALSHA did not run: run it now.
  for (std::size_t i = 0; i < commands.size(); ++i)
    if (shas[i] != nullptr && values[i].type == RedisValue::Type::Error &&
        (starts_with(values[i].str, "NOSCRIPT") || starts_with(values[i].str, "NOPERM")))
      values[i] = run(commands[i]);
  return values;
}

ResilientRedis::ResilientRedis(const RedisAddress& address, std::chrono::milliseconds timeout,
                               std::chrono::seconds give_up_after, const std::atomic<bool>* cancel,
                               Notice on_notice)
    : address_(address),
      timeout_(timeout),
      give_up_after_(give_up_after),
      cancel_(cancel),
      on_notice_(std::move(on_notice)),
      connection_(std::make_unique<RedisConnection>(address, timeout)) {}

template <typename F>
auto ResilientRedis::with_retries(F&& call) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  const auto give_up = started + give_up_after_;
  std::chrono::milliseconds backoff{100};
  bool failed_before = false;
  for (;;) {
    std::string problem;
    try {
      if (!connection_) {
        connection_ = std::make_unique<RedisConnection>(address_, timeout_);
        if (on_reconnect_) on_reconnect_(*connection_);
      }
      auto result = call(*connection_);
      if (failed_before && on_notice_) {
        const double seconds = std::chrono::duration<double>(clock::now() - started).count();
        on_notice_("Redis at " + describe(address_) + " is back after " + std::to_string(int(seconds + 0.5)) +
                   " s");
      }
      return result;
    } catch (const RedisConnectionLost& e) {
      connection_.reset();
      problem = e.what();
    } catch (const QueueError& e) {  // reconnecting failed (server still down or restarting)
      connection_.reset();
      problem = e.what();
    } catch (const RedisServerError& e) {
      if (!e.transient()) throw;
      problem = std::string("Redis at ") + describe(address_) + " is not ready: " + e.what();
    }
    if (!failed_before && on_notice_) on_notice_(problem + "; reconnecting");
    failed_before = true;
    if (clock::now() + backoff > give_up)
      throw QueueError(problem + " (gave up after " + std::to_string(give_up_after_.count()) + " s)");
    // Sleeps in slices, so that a stop request is not kept waiting by an absent server.
    for (auto slept = std::chrono::milliseconds(0); slept < backoff; slept += std::chrono::milliseconds(50)) {
      if (cancel_ != nullptr && cancel_->load())
        throw QueueError("stopped while Redis at " + describe(address_) +
                         " was unreachable; jobs in hand go to other workers after --claim-after");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

RedisValue ResilientRedis::command(const RedisArgs& args) {
  return with_retries([&](RedisConnection& c) { return c.command(args); });
}

std::vector<RedisValue> ResilientRedis::pipeline(const std::vector<RedisArgs>& commands) {
  return with_retries([&](RedisConnection& c) { return c.pipeline(commands); });
}

}  // namespace thumbflow::detail
