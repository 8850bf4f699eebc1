// The entry ids a worker holds: from the moment a read returns them until their last step in the
// group (acknowledged, given up, handed back). The heartbeat keeps exactly these alive, whether
// they are buffered, waiting for the next run or in the pipeline.
#pragma once

#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace thumbflow::detail {

class HeldJobs {
 public:
  void add(const std::string& id) {
    const std::lock_guard lock(mutex_);
    ids_.insert(id);
  }
  void remove(const std::string& id) {
    const std::lock_guard lock(mutex_);
    ids_.erase(id);
  }
  bool contains(const std::string& id) const {
    const std::lock_guard lock(mutex_);
    return ids_.count(id) != 0;
  }
  std::size_t size() const {
    const std::lock_guard lock(mutex_);
    return ids_.size();
  }
  std::vector<std::string> list() const {
    const std::lock_guard lock(mutex_);
    return {ids_.begin(), ids_.end()};
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_set<std::string> ids_;
};

}  // namespace thumbflow::detail
