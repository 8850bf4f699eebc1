// Writes to a queue's side keys (counters, error notes, the handed-back set) that failed: someone
// gave the key another type or a counter a value that is not a number. A worker goes on without
// them and says so in one line, once per key (not once per job). Used from the reading and the
// settling threads: guarded.
#pragma once

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace thumbflow::detail {

class KeyWarnings {
 public:
  explicit KeyWarnings(std::function<void(const std::string&)> notice) : notice_(std::move(notice)) {}

  // `line` is said unless a line about `key` was said before.
  void say(const std::string& key, const std::string& line) {
    const std::lock_guard lock(mutex_);
    if (said_.insert(key).second && notice_) notice_(line + " (said once per key)");
  }

  // Best-effort writes of a script that failed: (key, Redis's error) pairs.
  void failed_writes(const std::vector<std::pair<std::string, std::string>>& failed) {
    for (const auto& [key, error] : failed)
      say(key, "warning: cannot write key '" + key + "': " + error + "; jobs go on without it");
  }

 private:
  std::function<void(const std::string&)> notice_;
  std::mutex mutex_;
  std::set<std::string> said_;
};

}  // namespace thumbflow::detail
