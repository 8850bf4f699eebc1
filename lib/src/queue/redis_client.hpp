// A small blocking Redis client over hiredis: replies as plain values, connection problems and
// error replies as distinct exceptions, and a reconnecting wrapper for long-running workers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "thumbflow/queue.hpp"

struct redisContext;

namespace thumbflow::detail {

// A reply, copied out of hiredis (the replies here are small).
struct RedisValue {
  enum class Type { Nil, Integer, String, Status, Array, Error } type = Type::Nil;
  std::int64_t integer = 0;
  std::string str;  // String, Status and Error
  std::vector<RedisValue> elements;

  bool is_nil() const { return type == Type::Nil; }
  // The integer, or a String holding one (as HGET returns). Throws std::runtime_error otherwise.
  std::int64_t as_int() const;
};

// The connection broke or timed out: the command may or may not have run. Retry after reconnecting.
class RedisConnectionLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Redis answered with an error reply (what() is Redis's message, e.g. "NOGROUP ...").
class RedisServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // Errors that go away by themselves: loading the data set after a restart, busy script.
  bool transient() const;
};

using RedisArgs = std::vector<std::string>;

class RedisConnection {
 public:
  // Connects, authenticates and selects the database. Throws QueueError when the server cannot be
  // reached or refuses the password (one line naming the server). `timeout` bounds connect and
  // every command, so it must exceed any BLOCK time used.
  RedisConnection(const RedisAddress& address, std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // One command. Throws RedisConnectionLost, RedisServerError. An EVAL is sent as EVALSHA once
  // its script is loaded (SCRIPT LOAD, once per script and connection): a worker's polls send
  // the script's 40-byte SHA1, not its text. A server that does not know the script (flushed)
  // gets it by EVAL again; one that does not allow SCRIPT LOAD or EVALSHA (an ACL user with
  // +eval alone) gets EVAL from then on.
  RedisValue command(const RedisArgs& args);
  // Several commands in one round trip; error replies are returned as values, not thrown.
  std::vector<RedisValue> pipeline(const std::vector<RedisArgs>& commands);

  const RedisAddress& address() const { return address_; }

 private:
  [[noreturn]] void lost(const std::string& during);
  // One round trip; an error reply is returned. With `sha`, `args` (an EVAL) goes as EVALSHA.
  RedisValue send(const RedisArgs& args, const std::string* sha);
  // The SHA1 of the script of `args` when it is an EVAL that can go as EVALSHA (loading the
  // script the first time), else nullptr.
  const std::string* script_sha(const RedisArgs& args);
  // command() without the throw: EVALSHA when it can, EVAL when the server does not know the
  // script or refuses EVALSHA.
  RedisValue run(const RedisArgs& args);

  RedisAddress address_;
  redisContext* context_ = nullptr;
  std::unordered_map<std::string, std::string> shas_;  // script text -> SHA1, as SCRIPT LOAD said
  bool use_evalsha_ = true;
};

// A connection that survives Redis going away: every call that loses the connection (or meets a
// transient error such as LOADING) reconnects with exponential backoff (100 ms doubling to 5 s)
// and runs again, until `give_up_after` has passed without success, or *cancel is set; then
// QueueError. So the commands given to it must be safe to run twice (the queue's scripts are).
class ResilientRedis {
 public:
  using Notice = std::function<void(const std::string&)>;
  // Connects now; a failure here is a QueueError at once (a setup error, nothing started).
  // on_notice (optional) hears one line when the connection is lost and one when it is back.
  ResilientRedis(const RedisAddress& address, std::chrono::milliseconds timeout,
                 std::chrono::seconds give_up_after, const std::atomic<bool>* cancel = nullptr,
                 Notice on_notice = {});

  RedisValue command(const RedisArgs& args);
  std::vector<RedisValue> pipeline(const std::vector<RedisArgs>& commands);
  // Called after each reconnection (e.g. to recreate the consumer group after a data loss).
  void on_reconnect(std::function<void(RedisConnection&)> hook) { on_reconnect_ = std::move(hook); }

 private:
  template <typename F>
  auto with_retries(F&& call);

  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  std::chrono::seconds give_up_after_;
  const std::atomic<bool>* cancel_;
  Notice on_notice_;
  std::unique_ptr<RedisConnection> connection_;
  std::function<void(RedisConnection&)> on_reconnect_;
};

}  // namespace thumbflow::detail
