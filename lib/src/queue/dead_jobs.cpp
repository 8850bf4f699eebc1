#include "queue/dead_jobs.hpp"

#include <algorithm>
#include <utility>

#include "queue/worker_metrics.hpp"

namespace thumbflow::detail {

DeadJob dead_job_of(const RedisValue& entry) {
  DeadJob d;
  if (entry.elements.empty()) return d;
  d.id = entry.elements[0].str;
  d.dead_ms = std::max<std::int64_t>(0, entry_id_ms(d.id));
  if (entry.elements.size() < 2) return d;
  const std::vector<RedisValue>& f = entry.elements[1].elements;
  // The first of each name: the dead script's own come before the job's.
  bool seen_id = false, seen_error = false, seen_deliveries = false, seen_input = false;
  for (std::size_t i = 0; i + 1 < f.size(); i += 2) {
    const std::string& name = f[i].str;
    const std::string& value = f[i + 1].str;
    if (name == "id" && !std::exchange(seen_id, true)) d.job_id = value;
    if (name == "error" && !std::exchange(seen_error, true)) d.error = value;
    if (name == "input" && !std::exchange(seen_input, true)) d.input = value;
    if (name == "deliveries" && !std::exchange(seen_deliveries, true)) {
      try {
        d.deliveries = std::stoi(value);
      } catch (const std::exception&) {
        d.deliveries = 0;
      }
    }
  }
  return d;
}

std::vector<std::string> job_fields_of_dead(const std::vector<std::string>& f) {
  if (f.size() < 8 || f.size() % 2 != 0 || f[0] != "id" || f[2] != "error" || f[4] != "deliveries") return {};
  return {f.begin() + 6, f.end()};
}

}  // namespace thumbflow::detail
