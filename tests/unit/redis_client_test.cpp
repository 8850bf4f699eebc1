// The Redis client against a throw-away redis-server on 127.0.0.1: scripts go as EVALSHA once
// loaded (a worker's polls send a 40-byte SHA1, not the script), and still run when the server
// has forgotten them or the user may not use EVALSHA.
#include "queue/redis_client.hpp"

#include <gtest/gtest.h>

#include <string>

#include "redis_server.hpp"

namespace thumbflow::detail {
namespace {

using namespace std::chrono_literals;

// calls=N of `command` in INFO commandstats (0 when it was never called).
long calls(const test::RedisServer& redis, const std::string& command) {
  const std::string info = redis.cli({"INFO", "commandstats"});
  const std::string key = "cmdstat_" + command + ":calls=";
  const std::size_t at = info.find(key);
  return at == std::string::npos ? 0 : std::stol(info.substr(at + key.size()));
}

RedisArgs add_one(int n) { return {"EVAL", "return tonumber(ARGV[1]) + 1", "0", std::to_string(n)}; }
RedisArgs twice(int n) { return {"EVAL", "return tonumber(ARGV[1]) * 2", "0", std::to_string(n)}; }

TEST(RedisClient, ScriptsGoAsEvalshaOnceLoaded) {
  test::RedisServer redis;
  RedisConnection connection(parse_redis_url(redis.url()), 5s);
  redis.cli({"CONFIG", "RESETSTAT"});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(connection.command(add_one(i)).as_int(), i + 1);
  EXPECT_EQ(calls(redis, "evalsha"), 5);
  EXPECT_EQ(calls(redis, "eval"), 0);
  EXPECT_EQ(calls(redis, "script|load"), 1);
  const auto values = connection.pipeline({add_one(10), twice(10), add_one(20), {"PING"}});
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0].as_int(), 11);
  EXPECT_EQ(values[1].as_int(), 20);
  EXPECT_EQ(values[2].as_int(), 21);
  EXPECT_EQ(values[3].str, "PONG");
  EXPECT_EQ(calls(redis, "evalsha"), 8);
  EXPECT_EQ(calls(redis, "eval"), 0);
  EXPECT_EQ(calls(redis, "script|load"), 2);
  // An error inside the script is the script's error, and the script is not sent again by EVAL.
  redis.cli({"SET", "s", "text"});
  try {
    connection.command({"EVAL", "return redis.call('INCR', KEYS[1])", "1", "s"});
    ADD_FAILURE() << "INCR of a string ran";
  } catch (const RedisServerError& e) {
    EXPECT_NE(std::string(e.what()).find("not an integer"), std::string::npos) << e.what();
  }
  EXPECT_EQ(calls(redis, "eval"), 0);
  EXPECT_EQ(calls(redis, "evalsha"), 9);
}

// SCRIPT FLUSH (or a server restarted behind a proxy) forgets the scripts: the next EVALSHA gets
// NOSCRIPT, and the script runs anyway, by EVAL, alone and in a pipeline.
TEST(RedisClient, AFlushedScriptStillRuns) {
  test::RedisServer redis;
  RedisConnection connection(parse_redis_url(redis.url()), 5s);
  EXPECT_EQ(connection.command(add_one(1)).as_int(), 2);
  EXPECT_EQ(connection.command(twice(1)).as_int(), 2);
  redis.cli({"SCRIPT", "FLUSH"});
  EXPECT_EQ(connection.command(add_one(2)).as_int(), 3);
  EXPECT_EQ(connection.command(add_one(3)).as_int(), 4);
  redis.cli({"SCRIPT", "FLUSH"});
  const auto values = connection.pipeline({twice(5), add_one(5), twice(6)});
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0].as_int(), 10);
  EXPECT_EQ(values[1].as_int(), 6);
  EXPECT_EQ(values[2].as_int(), 12);
}

// A user allowed EVAL but not SCRIPT LOAD or EVALSHA (the README's ACL line before EVALSHA) runs
// every script by EVAL.
TEST(RedisClient, AUserWithEvalAloneRunsScriptsByEval) {
  test::RedisServer redis;
  redis.cli({"ACL", "SETUSER", "q", "on", ">secret", "~*", "+eval", "+ping", "+select"});
  RedisConnection connection(parse_redis_url("redis://q:secret@127.0.0.1:" + std::to_string(redis.port())),
                             5s);
  redis.cli({"CONFIG", "RESETSTAT"});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(connection.command(add_one(i)).as_int(), i + 1);
  const auto values = connection.pipeline({twice(4), add_one(4)});
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].as_int(), 8);
  EXPECT_EQ(values[1].as_int(), 5);
  EXPECT_EQ(calls(redis, "eval"), 5);
  EXPECT_EQ(calls(redis, "evalsha"), 0);
}

}  // namespace
}  // namespace thumbflow::detail
