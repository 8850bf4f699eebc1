// The metrics registry's text exposition (Prometheus format 0.0.4), the worker's metrics after
// known jobs, and the /metrics endpoint over HTTP.
#include "core/metrics.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "core/metrics_server.hpp"
#include "prometheus_text.hpp"
#include "queue/worker_metrics.hpp"
#include "thumbflow/version.hpp"

namespace thumbflow::detail {
namespace {

using test::parse_prometheus_text;

TEST(Metrics, CountersAndGaugesRenderWithHelpTypeAndEscapedLabels) {
  MetricsRegistry r;
  r.counter("app_jobs_total", "Jobs\\done\nby result", {{"result", "done"}}).add(3);
  r.counter("app_jobs_total", "Jobs\\done\nby result", {{"result", "failed"}}).add();
  r.counter("app_jobs_total", "Jobs\\done\nby result", {{"result", "done"}}).add(2);  // the same series
  r.gauge("app_info", "Info", {{"name", "a\"b\\c\nd"}}).set(1);
  int asked = 0;
  r.gauge_fn("app_in_flight", "Now", {}, [&asked] { return double(++asked); });
  const std::string text = r.render();
  EXPECT_EQ(text,
            "# HELP app_jobs_total Jobs\\\\done\\nby result\n"
            "# TYPE app_jobs_total counter\n"
            "app_jobs_total{result=\"done\"} 5\n"
            "app_jobs_total{result=\"failed\"} 1\n"
            "# HELP app_info Info\n"
            "# TYPE app_info gauge\n"
            "app_info{name=\"a\\\"b\\\\c\\nd\"} 1\n"
            "# HELP app_in_flight Now\n"
            "# TYPE app_in_flight gauge\n"
            "app_in_flight 1\n");
  const auto scrape = parse_prometheus_text(r.render());             // a second render
  EXPECT_EQ(scrape.value("app_info", {{"name", "a\"b\\c\nd"}}), 1);  // escapes read back
  EXPECT_EQ(scrape.value("app_in_flight"), 2);                       // asked again at each render
  EXPECT_EQ(scrape.types.at("app_jobs_total"), "counter");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumCountAndInf) {
  MetricsRegistry r;
  Histogram& h = r.histogram("app_stage_seconds", "Stage time", {0.01, 0.1, 1}, {{"stage", "decode"}});
  for (const double v : {0.005, 0.01, 0.05, 0.5, 0.5, 3.0}) h.observe(v);
  const auto s = parse_prometheus_text(r.render());
  const auto bucket = [&s](const std::string& le) {
    return s.value("app_stage_seconds_bucket", {{"stage", "decode"}, {"le", le}});
  };
  EXPECT_EQ(bucket("0.01"), 2);  // the bound itself is inside its bucket
  EXPECT_EQ(bucket("0.1"), 3);
  EXPECT_EQ(bucket("1"), 5);
  EXPECT_EQ(bucket("+Inf"), 6);
  EXPECT_EQ(s.value("app_stage_seconds_count", {{"stage", "decode"}}), 6);
  EXPECT_NEAR(s.value("app_stage_seconds_sum", {{"stage", "decode"}}), 4.065, 1e-12);
  EXPECT_EQ(s.types.at("app_stage_seconds"), "histogram");
  EXPECT_EQ(s.all("app_stage_seconds_bucket").size(), 4u);
}

TEST(Metrics, NamesPrometheusWouldRefuseAreRejected) {
  MetricsRegistry r;
  EXPECT_THROW(r.counter("app_jobs", "no _total"), std::invalid_argument);
  EXPECT_THROW(r.gauge("2app", "starts with a digit"), std::invalid_argument);
  EXPECT_THROW(r.gauge("app-x", "dash"), std::invalid_argument);
  EXPECT_THROW(r.gauge("app_x", "bad label", {{"__reserved", "v"}}), std::invalid_argument);
  EXPECT_THROW(r.gauge("app_x", "bad label", {{"a:b", "v"}}), std::invalid_argument);
  EXPECT_THROW(r.histogram("app_h", "le is the bucket's", {1}, {{"le", "1"}}), std::invalid_argument);
  EXPECT_THROW(r.histogram("app_h", "bounds", {1, 1}), std::invalid_argument);
  r.gauge("app_g", "a gauge");
  EXPECT_THROW(r.counter("app_g", "a gauge"), std::invalid_argument);
  EXPECT_THROW(r.gauge("app_g", "other help"), std::invalid_argument);
}

TEST(Metrics, UpdatesFromManyThreadsAreAllCounted) {
  MetricsRegistry r;
  Counter& c = r.counter("app_total", "c");
  Histogram& h = r.histogram("app_seconds", "h", {0.5, 2});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        c.add();
        h.observe(1.0);
      }
    });
  for (int i = 0; i < 20; ++i) parse_prometheus_text(r.render());  // rendering meanwhile is fine
  for (auto& t : threads) t.join();
  const auto s = parse_prometheus_text(r.render());
  EXPECT_EQ(s.value("app_total"), 80000);
  EXPECT_EQ(s.value("app_seconds_count"), 80000);
  EXPECT_EQ(s.value("app_seconds_sum"), 80000);
  EXPECT_EQ(s.value("app_seconds_bucket", {{"le", "0.5"}}), 0);
  EXPECT_EQ(s.value("app_seconds_bucket", {{"le", "2"}}), 80000);
}

TEST(Metrics, ProcessStartTimeIsThisProcesssStart) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double start = process_start_time_seconds();
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600) << "this test process started less than an hour ago";
}

JobEvent event(ItemStatus status, const std::string& input, std::uint64_t in, std::uint64_t out,
               bool dead = false) {
  JobEvent e{"1-0", {}, 1, dead};
  e.result.status = status;
  e.result.input = input;
  e.result.bytes_in = in;
  e.result.bytes_out = out;
  if (status == ItemStatus::Done) e.result.times = {2, 30, 7, 12, 1};  // ms
  return e;
}

TEST(WorkerMetrics, CountsJobsBytesAndStageTimes) {
  WorkerMetrics m("photos", "host-1", [] { return 4.0; });
  m.job(event(ItemStatus::Done, "/srv/a.jpg", 1000, 100));
  m.job(event(ItemStatus::Done, "https://example.com/b.jpg", 5000, 300));
  m.job(event(ItemStatus::Skipped, "/srv/c.jpg", 0, 0));
  m.job(event(ItemStatus::Failed, "/srv/d.jpg", 70, 0));
  m.job(event(ItemStatus::Failed, "/srv/d.jpg", 70, 0, true));
  m.job(event(ItemStatus::Cancelled, "/srv/e.jpg", 0, 0));
  m.claimed(ClaimReason::Abandoned);
  m.claimed(ClaimReason::Retry);
  m.reconnected();
  m.first_taken(0.2);
  m.first_taken(42);
  const auto s = parse_prometheus_text(m.render());
  for (const auto& [result, n] : std::map<std::string, double>{
           {"done", 2}, {"skipped", 1}, {"failed", 1}, {"dead", 1}, {"released", 1}})
    EXPECT_EQ(s.value("thumbflow_worker_jobs_total", {{"result", result}}), n) << result;
  EXPECT_EQ(s.value("thumbflow_worker_read_bytes_total"), 1140);
  EXPECT_EQ(s.value("thumbflow_worker_downloaded_bytes_total"), 5000);
  EXPECT_EQ(s.value("thumbflow_worker_written_bytes_total"), 400);
  EXPECT_EQ(s.value("thumbflow_worker_jobs_in_flight"), 4);
  // One observation per thumbnail written, in seconds.
  EXPECT_EQ(s.value("thumbflow_worker_stage_seconds_count", {{"stage", "decode"}}), 2);
  EXPECT_NEAR(s.value("thumbflow_worker_stage_seconds_sum", {{"stage", "decode"}}), 0.06, 1e-12);
  EXPECT_EQ(s.value("thumbflow_worker_stage_seconds_bucket", {{"stage", "decode"}, {"le", "0.025"}}), 0);
  EXPECT_EQ(s.value("thumbflow_worker_stage_seconds_bucket", {{"stage", "decode"}, {"le", "0.05"}}), 2);
  EXPECT_NEAR(s.value("thumbflow_worker_stage_seconds_sum", {{"stage", "write"}}), 0.002, 1e-12);
  EXPECT_EQ(s.value("thumbflow_worker_claimed_jobs_total", {{"reason", "abandoned"}}), 1);
  EXPECT_EQ(s.value("thumbflow_worker_claimed_jobs_total", {{"reason", "handed_back"}}), 0);
  EXPECT_EQ(s.value("thumbflow_worker_redis_reconnects_total"), 1);
  EXPECT_EQ(s.value("thumbflow_worker_job_wait_seconds_bucket", {{"le", "0.5"}}), 1);
  EXPECT_EQ(s.value("thumbflow_worker_job_wait_seconds_bucket", {{"le", "60"}}), 2);
  EXPECT_EQ(
      s.value("thumbflow_worker_info", {{"queue", "photos"}, {"consumer", "host-1"}, {"version", version()}}),
      1);
  EXPECT_GT(s.value("process_start_time_seconds"), 1.6e9);
}

TEST(WorkerMetrics, EntryIdsGiveTheirEnqueueTime) {
  EXPECT_EQ(entry_id_ms("1700000000123-7"), 1700000000123);
  EXPECT_EQ(entry_id_ms("0-1"), 0);
  EXPECT_EQ(entry_id_ms("-1"), -1);
  EXPECT_EQ(entry_id_ms("12a-0"), -1);
  EXPECT_EQ(entry_id_ms("1700000000123"), -1);
  EXPECT_EQ(entry_id_ms("99999999999999999999-0"), -1);
}

TEST(MetricsServer, ServesTheTextAtSlashMetricsAndRefusesABusyPort) {
  MetricsRegistry r;
  r.counter("app_scrapes_total", "Scrapes").add(7);
  MetricsServer server({"127.0.0.1", 0}, [&r] { return r.render(); });
  const std::string url = server.url();
  ASSERT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  const int port = std::stoi(url.substr(17));
  httplib::Client client("127.0.0.1", port);
  const auto res = client.Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(parse_prometheus_text(res->body).value("app_scrapes_total"), 7);
  EXPECT_EQ(client.Get("/other")->status, 404);
  // A second server (another worker on this machine) must not share the port silently.
  EXPECT_THROW(MetricsServer({"127.0.0.1", port}, [] { return std::string(); }), std::runtime_error);
}

TEST(MetricsServer, ListenAddressesAreParsed) {
  EXPECT_EQ(parse_listen_address("127.0.0.1:9100").host, "127.0.0.1");
  EXPECT_EQ(parse_listen_address("127.0.0.1:9100").port, 9100);
  EXPECT_EQ(parse_listen_address("[::1]:0").host, "::1");
  EXPECT_EQ(parse_listen_address("localhost:0").port, 0);
  for (const char* bad :
       {"9100", ":9100", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:9x", "a b:1", "h:123456"})
    EXPECT_THROW(parse_listen_address(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace thumbflow::detail
