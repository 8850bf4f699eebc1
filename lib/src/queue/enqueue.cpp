// `enqueue`: one stream entry per item, at most once per fingerprint.
#include <algorithm>
#include <filesystem>

#include "queue/job_fields.hpp"
#include "queue/queue_keys.hpp"
#include "queue/redis_client.hpp"
#include "thumbflow/naming.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow {
namespace {

// Entries sent per round trip: large enough that latency does not dominate, small enough to
// keep a pipeline's replies in memory.
constexpr std::size_t kPipelineDepth = 256;

void validate(const EnqueueOptions& o) {
  detail::check_thumbnail_options(o.thumbnail);
  validate_name_template(o.name_template, o.thumbnail);
}

}  // namespace

EnqueueSummary enqueue(const RedisAddress& redis, const std::string& queue, const std::vector<Item>& items,
                       const EnqueueOptions& options,
                       const std::function<void(const Item&, const std::string& reason)>& on_rejected) {
  using namespace detail;
  validate(options);
  const QueueKeys keys(queue);
  RedisConnection connection(redis, std::chrono::seconds(10));
  EnqueueSummary summary;
  try {
    ensure_group(connection, keys.stream);
    std::vector<RedisArgs> batch;
    const auto flush = [&] {
      for (const RedisValue& reply : connection.pipeline(batch)) {
        if (reply.type == RedisValue::Type::Error) throw RedisServerError(reply.str);
        ++(reply.is_nil() ? summary.duplicates : summary.added);
      }
      batch.clear();
    };
    for (const Item& item : items) {
      if (!item.error.empty()) {
        ++summary.rejected;
        if (on_rejected) on_rejected(item, item.error);
        continue;
      }
      QueueJob job{item, options.thumbnail, options.name_template, options.force};
      if (!is_remote(item.input))
        job.item.input = std::filesystem::absolute(item.input).lexically_normal().string();
      std::vector<std::string> argv = {job_fingerprint(job), options.force ? "1" : "0"};
      const std::vector<std::string> fields = encode_job(job);
      argv.insert(argv.end(), fields.begin(), fields.end());
      batch.push_back(eval_args(kEnqueueScript, {keys.stream, keys.seen}, argv));
      if (batch.size() == kPipelineDepth) flush();
    }
    if (!batch.empty()) flush();
  } catch (const RedisServerError& e) {
    throw QueueError("Redis at " + describe(redis) +
                     " refused to enqueue: " + refusal_text(connection, keys, e));
  } catch (const RedisConnectionLost& e) {
    throw QueueError(std::string(e.what()) + " (" + std::to_string(summary.added) +
                     " jobs were enqueued; enqueue again to add the rest, nothing is added twice)");
  }
  return summary;
}

}  // namespace thumbflow
