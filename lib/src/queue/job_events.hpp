// What a worker tells its caller: one JobEvent per job handled, counted into the summary.
// Called from the reading side and from the pipeline's report stage: serialised here.
#pragma once

#include <functional>
#include <mutex>

#include "queue/job_fields.hpp"
#include "queue/job_reader.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow::detail {

class JobEvents {
 public:
  explicit JobEvents(const std::function<void(const JobEvent&)>& on_event) : on_event_(on_event) {}

  void report(const JobEvent& e) {
    const std::lock_guard lock(mutex_);
    if (e.dead)
      ++summary_.dead;
    else if (e.result.status == ItemStatus::Done)
      ++summary_.done;
    else if (e.result.status == ItemStatus::Skipped)
      ++summary_.skipped;
    else if (e.result.status == ItemStatus::Failed)
      ++summary_.retried;
    else
      ++summary_.released;
    if (on_event_) on_event_(e);
  }

  // An event for a job that did not go through the pipeline, named by the entry's input (its first
  // 200 bytes: the entry may not be checked yet), "(no input)" without one.
  static JobEvent event_for(const Delivery& d, ItemStatus status) {
    JobEvent event{d.id, {}, d.deliveries, false};
    event.result.status = status;
    event.result.input = "(no input)";
    for (std::size_t i = 0; i + 1 < d.fields.size(); i += 2)
      if (const std::string& input = d.fields[i + 1]; d.fields[i] == "input" && !input.empty())
        event.result.input = input.size() <= 200 ? input : quote_field(input);
    if (d.outline)
      for (const OutlinedField& f : d.outline->fields)
        if (f.name == "input" && f.value_size > 0)
          event.result.input = f.value_size <= 200 ? f.value : quote_field(f.value, f.value_size);
    return event;
  }

  WorkerSummary summary() {
    const std::lock_guard lock(mutex_);
    return summary_;
  }

 private:
  const std::function<void(const JobEvent&)>& on_event_;
  std::mutex mutex_;
  WorkerSummary summary_;
};

}  // namespace thumbflow::detail
