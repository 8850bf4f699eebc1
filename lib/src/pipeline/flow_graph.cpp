#include <tbb/flow_graph.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <optional>
#include <semaphore>
#include <thread>

#include "pipeline/runners.hpp"

namespace thumbflow::detail {

void run_flow_graph(const NextJob& next, const StageContext& ctx, int threads, int max_in_flight,
                    const FinishedCallback& on_finished) {
  namespace flow = tbb::flow;
  // Jobs between the lister and the report stage: this bounds the images in memory, and keeps the
  // lister from claiming more work than the graph holds (a queue shared with other workers must not
  // be drained into one of them). The lister hands each job to the graph itself, in listing order:
  // jobs released in a burst from a buffer would start their transfers in reverse (a TBB thread
  // runs the tasks it spawned last first), and the first items listed would wait behind the rest.
  std::counting_semaphore<> room(max_in_flight);
  const auto cancelled = [&ctx] { return ctx.options.cancel != nullptr && ctx.options.cancel->load(); };
  // -j above the core count runs that many threads: without raising TBB's process-wide cap (the
  // core count) the arena would get fewer workers and TBB would print a warning of its own. Only
  // then: the smallest active cap applies to every arena, so a cap at or below the core count would
  // also throttle batches running at the same time.
  std::optional<tbb::global_control> allow;
  if (std::size_t(threads) > tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism))
    allow.emplace(tbb::global_control::max_allowed_parallelism, std::size_t(threads));
  tbb::task_arena arena(threads);
  arena.execute([&] {
    flow::graph g;
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
    Fetch read(g, flow::unlimited, [&ctx, &cancelled](Job* job, Fetch::gateway_type& gateway) {
      if (cancelled()) {
        job->stopped = job->never_started = true;
        gateway.try_put(job);
        return;
      }
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
      if (!job->never_started) on_finished(*job);
      room.release();
      return flow::continue_msg{};
    });
    flow::make_edge(read, decode);
    flow::make_edge(decode, resize);
    flow::make_edge(resize, write);
    flow::make_edge(write, report);
    // The lister runs on a thread of its own, since next() may block on the network; the graph
    // waits for it as for an outstanding async message.
    g.reserve_wait();
    std::thread lister;
    try {
      lister = std::thread([&] {
        for (;;) {
          room.acquire();
          Job* job = next();
          if (job == nullptr) break;
          read.try_put(job);
        }
        g.release_wait();
      });
    } catch (...) {
      g.release_wait();
      throw;
    }
    g.wait_for_all();
    lister.join();
  });
}

}  // namespace thumbflow::detail
