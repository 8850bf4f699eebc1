#include <tbb/flow_graph.h>
#include <tbb/task_arena.h>

#include "pipeline/runners.hpp"

namespace thumbflow::detail {

void run_flow_graph(std::vector<Job>& jobs, const StageContext& ctx, int threads, int max_in_flight,
                    const FinishedCallback& on_finished) {
  namespace flow = tbb::flow;
  tbb::task_arena arena(threads);
  arena.execute([&] {
    flow::graph g;
    std::size_t next = 0;  // touched only by the input node's body, which runs serially
    flow::input_node<Job*> source(g, [&](tbb::flow_control& control) -> Job* {
      const bool cancelled = ctx.options.cancel != nullptr && ctx.options.cancel->load();
      if (cancelled || next == jobs.size()) {
        control.stop();
        return nullptr;
      }
      return &jobs[next++];
    });
    // Bounds the jobs between the source and the report node, and so the memory they hold.
    flow::limiter_node<Job*> limiter(g, std::size_t(max_in_flight));
    const auto stage = [&](auto fn) {
      return flow::function_node<Job*, Job*>(g, flow::unlimited, [fn, &ctx](Job* job) {
        fn(*job, ctx);
        return job;
      });
    };
    // Local files are read on a worker; remote ones are handed to the fetcher, and the job
    // re-enters the graph from the fetcher's thread when its body has arrived, so thumbnailing
    // overlaps downloading.
    using Fetch = flow::async_node<Job*, Job*>;
    Fetch read(g, flow::unlimited, [&ctx](Job* job, Fetch::gateway_type& gateway) {
      if (!is_remote_job(*job)) {
        stage_read(*job, ctx);
        gateway.try_put(job);
        return;
      }
      gateway.reserve_wait();
      start_fetch(*job, ctx, [job, &gateway] {
        gateway.try_put(job);
        gateway.release_wait();
      });
    });
    auto decode = stage(stage_decode);
    auto resize = stage(stage_resize);
    auto write = stage(stage_encode_write);
    flow::function_node<Job*, flow::continue_msg> report(g, flow::serial, [&](Job* job) {
      finish(*job);
      on_finished(*job);
      return flow::continue_msg{};
    });
    flow::make_edge(source, limiter);
    flow::make_edge(limiter, read);
    flow::make_edge(read, decode);
    flow::make_edge(decode, resize);
    flow::make_edge(resize, write);
    flow::make_edge(write, report);
    flow::make_edge(report, limiter.decrementer());
    source.activate();
    g.wait_for_all();
  });
}

}  // namespace thumbflow::detail
