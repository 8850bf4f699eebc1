#include <future>

#include "pipeline/runners.hpp"

namespace thumbflow::detail {

void run_serial(const NextJob& next, const StageContext& ctx, const FinishedCallback& on_finished) {
  while (Job* job = next()) {
    if (is_remote_job(*job)) {
      std::promise<void> arrived;
      start_fetch(*job, ctx, [&arrived] { arrived.set_value(); });
      arrived.get_future().wait();
    } else {
      stage_read(*job, ctx);
    }
    stage_decode(*job, ctx);
    stage_resize(*job, ctx);
    stage_encode_write(*job, ctx);
    finish(*job);
    on_finished(*job);
  }
}

}  // namespace thumbflow::detail
