#pragma once

#include <functional>

#include "pipeline/job.hpp"

namespace thumbflow::detail {

// Hands out the next planned job, or nullptr when the listing is over. Called from one thread at a
// time; may block; must not throw. The job stays valid (same address) until the batch ends.
using NextJob = std::function<Job*()>;
using FinishedCallback = std::function<void(Job&)>;  // called serially after finish()

// The baseline: every stage of one job, then the next job, on the calling thread.
void run_serial(const NextJob& next, const StageContext& ctx, const FinishedCallback& on_finished);

// The oneTBB flow graph: a lister thread hands jobs, in listing order, to read -> decode -> resize ->
// encode+write -> report (serial), inside an arena of `threads` threads. It asks for the next job
// only while fewer than max_in_flight jobs are in the graph. Jobs that reach the read stage after
// the batch was cancelled end as Cancelled with never_started set.
void run_flow_graph(const NextJob& next, const StageContext& ctx, int threads, int max_in_flight,
                    const FinishedCallback& on_finished);

}  // namespace thumbflow::detail
