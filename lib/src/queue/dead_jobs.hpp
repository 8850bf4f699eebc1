// Entries of NAME:dead as kDeadScript writes them: "id", "error", "deliveries" first, then the
// job's own fields. Anyone with access to the stream may have written others: nothing is assumed.
#pragma once

#include <string>
#include <vector>

#include "queue/redis_client.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow::detail {

// An XRANGE entry ([id, [name, value, ...]]) as a DeadJob; missing fields stay empty.
DeadJob dead_job_of(const RedisValue& entry);

// The job's own fields of a dead entry; empty when the entry is not laid out as kDeadScript does.
std::vector<std::string> job_fields_of_dead(const std::vector<std::string>& fields);

}  // namespace thumbflow::detail
