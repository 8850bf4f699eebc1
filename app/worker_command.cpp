// `thumbflow worker`: take jobs from a Redis queue and make them with the local pipeline.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "batch_cli.hpp"
#include "commands.hpp"
#include "queue_cli.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow::cli {
namespace {

struct WorkerArgs : BatchArgs, QueueArgs {
  WorkerOptions worker;
  double claim_after_s = 300, retry_delay_s = 5;
  DownloadOptions download;
};

void log_event(const JobEvent& e, bool verbose, int max_deliveries) {
  const ItemResult& r = e.result;
  if (e.dead)
    print_line("thumbflow: " + r.input + ": " + r.error + "; moved to the dead list");
  else if (r.status == ItemStatus::Failed)
    print_line("thumbflow: " + r.input + ": " + r.error + " (attempt " + std::to_string(e.deliveries) +
               " of " + std::to_string(max_deliveries) + ", will be retried)");
  else if (verbose)
    print_line("thumbflow: " + r.input + ": " + to_string(r.status) +
               (r.status == ItemStatus::Cancelled ? "" : " -> " + r.output));
}

int run_worker_command(WorkerArgs& a) {
  RedisAddress redis;
  WorkerOptions& o = a.worker;
  try {
    redis = parse_redis_url(a.redis);
    o.batch = to_batch_options(a);
    // A job is acknowledged once its thumbnail is done: it must be on the disk by then.
    o.batch.fsync = a.no_fsync ? Fsync::Off : Fsync::Each;
    o.batch.download = a.download;
    o.claim_after_ms = int(a.claim_after_s * 1000);
    o.retry_delay_ms = int(a.retry_delay_s * 1000);
    o.on_notice = [](const std::string& line) { print_line("thumbflow: " + line); };
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
  install_signal_handlers();
  WorkerSummary s;
  try {
    s = run_worker(redis, a.queue, o, [&](const JobEvent& e) { log_event(e, a.verbose, o.max_deliveries); });
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
  if (!a.quiet) {
    std::cerr.precision(3);
    std::cerr << "thumbflow: worker stopped: " << s.done << " thumbnails written to " << a.output << "/, "
              << s.skipped << " already there, " << s.retried << " failed (to be retried), " << s.dead
              << " given up (in " << a.queue << ":dead), " << s.released << " handed back, in " << s.seconds
              << " s\n";
  }
  if (a.json)
    std::cout << nlohmann::json{{"done", s.done}, {"skipped", s.skipped},   {"retried", s.retried},
                                {"dead", s.dead}, {"released", s.released}, {"seconds", s.seconds}}
                     .dump(2)
              << "\n";
  return 0;
}

}  // namespace

void add_worker_command(CLI::App& app, std::function<int()>& command) {
  auto args = std::make_shared<WorkerArgs>();
  WorkerArgs& a = *args;
  CLI::App* cmd = app.add_subcommand("worker", "Make the thumbnails of the jobs in a Redis queue.");
  cmd->footer(
      "Run one worker per machine (it uses every core; -j to limit). Each output is written atomically,\n"
      "then its job is acknowledged: a crash never loses a job, a job done twice writes the same file.\n"
      "Jobs of a worker that died are taken over after --claim-after (a live worker's heartbeat keeps\n"
      "its slow jobs); a job that fails --max-deliveries times goes to QUEUE:dead with its error.\n"
      "Ctrl-C or SIGTERM: finish the images in hand, hand the rest back, exit 0.\n"
      "Jobs are untrusted: a job reads only under an --input-root (URL jobs aside), writes only under\n"
      "-o, and stays within --max-pixels, --max-frame-pixels and --max-box; any other job goes to QUEUE:dead "
      "at once.\n"
      "Examples:\n"
      "  THUMBFLOW_REDIS=redis://:secret@queue-host:6379 thumbflow worker --queue photos -o /srv/thumbs \\\n"
      "      --input-root /srv/photos\n"
      "  thumbflow worker --queue photos -o /srv/thumbs --input-root /srv/photos --burst   stop once empty\n"
      "  thumbflow worker --queue photos -o /srv/thumbs --input-root /srv/photos --metrics 127.0.0.1:9100");
  cmd->add_option("-o,--output", a.output, "Output folder (shared by the workers)")->required();
  cmd->add_option("-j,--threads", a.threads, "Worker threads (0 = all cores)")->check(CLI::Range(0, 1024));
  cmd->add_option("--in-flight", a.in_flight,
                  "Images in flight at once (0 = 2 x threads, + 2 x connections for URLs)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--count", a.worker.read_count, "Jobs per read from the queue (0 = images in flight)")
      ->check(CLI::Range(0, 10000));
  cmd->add_option("--claim-after", a.claim_after_s,
                  "Take over jobs held this long by another worker (1 to 86400 s)")
      ->type_name("SECONDS")
      ->check(CLI::Range(1.0, 86400.0).description(""))
      ->capture_default_str();
  cmd->add_option("--max-deliveries", a.worker.max_deliveries, "Tries before a job goes to the dead list")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--retry-delay", a.retry_delay_s, "Wait before a failed job is tried again (0 to 86400 s)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 86400.0).description(""))
      ->capture_default_str();
  cmd->add_option("--block-ms", a.worker.block_ms, "Longest wait for new jobs per read (also for Ctrl-C)")
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();
  cmd->add_option("--reconnect-timeout", a.worker.reconnect_timeout_s,
                  "Seconds to keep reconnecting to a lost Redis before giving up (exit 1)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--input-root", a.worker.input_roots,
                  "Folder local-path jobs may read under (repeatable; none: local-path jobs are refused)");
  cmd->add_option("--max-pixels", a.max_pixels,
                  "Refuse images needing more pixels in memory; caps each job's limit (0 = no limit)")
      ->capture_default_str();
  cmd->add_option("--max-frame-pixels", a.max_frame_pixels,
                  "Refuse animations of more frames x pixels, and animated thumbnails of more frames x "
                  "pixels in all; caps each job's limit (0 = no limit)")
      ->capture_default_str();
  cmd->add_option("--max-box", a.worker.max_box, "Largest box side a job may ask for")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  cmd->add_option("--consumer", a.worker.consumer, "Name in the consumer group (default: host-pid)");
  cmd->add_option("--metrics", a.worker.metrics_address,
                  "Serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 127.0.0.1:9100; port 0: any)")
      ->type_name("HOST:PORT");
  cmd->add_flag("--burst", a.worker.burst, "Exit once the queue is empty");
  cmd->add_flag("--force", a.force, "Redo thumbnails that already exist");
  cmd->add_flag("--no-fsync", a.no_fsync,
                "Acknowledge a job without fsync'ing its thumbnail (faster; a power cut may lose it)");
  cmd->add_flag("-q,--quiet", a.quiet, "No summary on stderr (errors are still printed)");
  cmd->add_flag("-v,--verbose", a.verbose, "Log every job");
  cmd->add_flag("--json", a.json, "Print the counts as JSON on stdout");
  add_download_options(*cmd, a.download);
  cmd->add_flag("--allow-private-urls", a.download.allow_private_addresses,
                "Let URL jobs reach loopback, private and link-local addresses (refused by default)");
  add_queue_options(*cmd, a);
  cmd->callback([&command, args] { command = [args] { return run_worker_command(*args); }; });
}

}  // namespace thumbflow::cli
