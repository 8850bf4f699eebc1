#include "queue/heartbeat.hpp"

namespace thumbflow::detail {

Heartbeat::Heartbeat(const RedisAddress& redis, const QueueKeys& keys, std::string consumer,
                     std::chrono::milliseconds period, std::chrono::seconds reconnect_timeout,
                     std::function<std::vector<std::string>()> held)
    : redis_(redis, std::chrono::seconds(10), reconnect_timeout, &stop_),
      keys_(keys),
      consumer_(std::move(consumer)),
      period_(period),
      held_(std::move(held)),
      thread_([this] { loop(); }) {}

Heartbeat::~Heartbeat() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Heartbeat::loop() {
  std::unique_lock lock(mutex_);
  // The first beat at once, so that a worker waiting for work is listed by `status`.
  for (auto wait = std::chrono::milliseconds(0); !wake_.wait_for(lock, wait, [this] { return stop_.load(); });
       wait = period_) {
    lock.unlock();
    // Jobs in the pipeline were reset at most one period ago (or delivered since).
    std::vector<std::string> argv = {consumer_, std::to_string(2 * period_.count() + 1000)};
    for (std::string& id : held_()) argv.push_back(std::move(id));
    try {
      redis_.command(eval_args(kHeartbeatScript, {keys_.stream}, argv));
    } catch (const std::exception&) {
      // Redis away for long, or stopping: the worker's own connections notice and report it.
    }
    lock.lock();
  }
}

}  // namespace thumbflow::detail
