#include "failure_summary.hpp"

#include <algorithm>
#include <cstddef>

namespace thumbflow::cli {

std::string failure_reason(const std::string& error) {
  return error.substr(0, std::min(error.find(": "), error.find(" (")));
}

std::vector<std::string> failure_summary(const std::vector<ItemResult>& items) {
  struct Group {
    std::string reason;
    const ItemResult* first;
    std::size_t count;
  };
  std::vector<Group> groups;  // few reasons: a linear search keeps the first-seen order simply
  for (const ItemResult& r : items) {
    if (r.status != ItemStatus::Failed) continue;
    std::string reason = failure_reason(r.error);
    bool found = false;
    for (Group& g : groups)
      if (g.reason == reason) {
        ++g.count;
        found = true;
        break;
      }
    if (!found) groups.push_back({std::move(reason), &r, 1});
  }
  std::vector<std::string> lines;
  for (const Group& g : groups) {
    const std::string first = g.first->input + ": " + g.first->error;
    lines.push_back(
        g.count == 1 ? first : std::to_string(g.count) + " failed: " + g.reason + " (first: " + first + ")");
  }
  return lines;
}

}  // namespace thumbflow::cli
