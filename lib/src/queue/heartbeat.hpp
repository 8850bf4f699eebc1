// Keeps the jobs a live worker holds from looking abandoned: every period it resets their idle
// time in the group (XCLAIM to itself, JUSTID: the delivery count is not touched), so that
// XAUTOCLAIM elsewhere takes over only the jobs of workers that stopped answering, however long
// a job takes (a big download on a slow link). Its own connection and thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "queue/queue_keys.hpp"
#include "queue/redis_client.hpp"

namespace thumbflow::detail {

class Heartbeat {
 public:
  // held() lists the entry ids the worker holds now; it is called from the heartbeat's thread.
  Heartbeat(const RedisAddress& redis, const QueueKeys& keys, std::string consumer,
            std::chrono::milliseconds period, std::chrono::seconds reconnect_timeout,
            std::function<std::vector<std::string>()> held);
  ~Heartbeat();  // stops and joins (promptly, also while Redis is away)
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  void loop();

  std::atomic<bool> stop_{false};
  ResilientRedis redis_;
  const QueueKeys& keys_;
  std::string consumer_;
  std::chrono::milliseconds period_;
  std::function<std::vector<std::string>()> held_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace thumbflow::detail
