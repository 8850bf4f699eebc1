#pragma once

#include <functional>
#include <vector>

#include "pipeline/job.hpp"

namespace thumbflow::detail {

using FinishedCallback = std::function<void(Job&)>;  // called serially after finish()

// The baseline: every stage of one job, then the next job, on the calling thread.
void run_serial(std::vector<Job>& jobs, const StageContext& ctx, const FinishedCallback& on_finished);

// The oneTBB flow graph: input -> limiter(max_in_flight) -> read -> decode -> resize ->
// encode+write -> report (serial) -> limiter's decrement, inside an arena of `threads` threads.
void run_flow_graph(std::vector<Job>& jobs, const StageContext& ctx, int threads, int max_in_flight,
                    const FinishedCallback& on_finished);

}  // namespace thumbflow::detail
