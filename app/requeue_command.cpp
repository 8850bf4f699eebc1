// `thumbflow requeue`: dead jobs back into their queue, once what killed them is fixed.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "batch_cli.hpp"
#include "commands.hpp"
#include "queue_cli.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow::cli {
namespace {

struct RequeueArgs : QueueArgs {
  bool all_dead = false, quiet = false, json = false;
  std::vector<std::string> ids;
};

void tell(const RequeueResult& r, const std::string& queue, bool quiet) {
  const std::string input = r.job.input.empty() ? "entry " + r.job.id : r.job.input;
  switch (r.outcome) {
    case RequeueResult::Outcome::Requeued:
      if (!quiet) print_line("thumbflow: " + input + ": requeued (was dead: " + r.job.error + ")");
      break;
    case RequeueResult::Outcome::AlreadyEnqueued:
      if (!quiet)
        print_line("thumbflow: " + input + ": enqueued again since it died; removed from " + queue + ":dead");
      break;
    case RequeueResult::Outcome::NotFound:
      print_line("thumbflow: " + r.job.id + ": " + r.reason);
      break;
    case RequeueResult::Outcome::NotAJob:
      print_line("thumbflow: " + input + ": not requeued, " + r.reason + " (left in " + queue + ":dead)");
      break;
  }
}

int run_requeue_command(const RequeueArgs& a) {
  try {
    if (!a.all_dead && a.ids.empty())
      throw std::invalid_argument(
          "say which dead jobs: --dead for all of them, or --ids ID... (ids: thumbflow status)");
    const RedisAddress redis = parse_redis_url(a.redis);
    const RequeueSummary s = requeue_dead(
        redis, a.queue, a.ids, [&](const RequeueResult& r) { tell(r, a.queue, a.quiet); },
        [](const std::string& line) { print_line("thumbflow: " + line); });
    const std::size_t missed = s.not_found + s.not_a_job;
    if (!a.quiet)
      print_line("thumbflow: " + std::to_string(s.requeued) + " dead jobs requeued to " + a.queue + ", " +
                 std::to_string(s.already_enqueued) + " enqueued again since, " + std::to_string(missed) +
                 " not requeued");
    if (a.json)
      std::cout << nlohmann::json{{"requeued", s.requeued},
                                  {"already_enqueued", s.already_enqueued},
                                  {"not_found", s.not_found},
                                  {"not_a_job", s.not_a_job}}
                       .dump(2)
                << "\n";
    return missed > 0 ? 2 : 0;
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
}

}  // namespace

void add_requeue_command(CLI::App& app, std::function<int()>& command) {
  auto args = std::make_shared<RequeueArgs>();
  CLI::App* cmd = app.add_subcommand("requeue", "Move dead jobs back into their Redis queue.");
  cmd->footer(
      "Each job goes back as it was enqueued (a new entry, its delivery count from zero); workers\n"
      "check it as any other. An entry that cannot be a job stays in QUEUE:dead. The ids are those\n"
      "of QUEUE:dead that `thumbflow status` lists.\n"
      "Exit status: 0 all requeued, 1 usage or setup error, 2 some not found or not a job.\n"
      "Examples:\n"
      "  thumbflow requeue --queue photos --dead\n"
      "  thumbflow requeue --queue photos --ids 1718000000000-0 1718000000123-0");
  add_queue_options(*cmd, *args);
  auto* all = cmd->add_flag("--dead", args->all_dead, "Every dead job");
  cmd->add_option("--ids", args->ids, "Only these dead jobs (entry ids in QUEUE:dead)")->excludes(all);
  cmd->add_flag("-q,--quiet", args->quiet, "Only errors on stderr");
  cmd->add_flag("--json", args->json, "Print the counts as JSON on stdout");
  cmd->callback([&command, args] { command = [args] { return run_requeue_command(*args); }; });
}

}  // namespace thumbflow::cli
