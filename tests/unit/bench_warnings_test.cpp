// bench_warnings: when the bench's own figures say they cannot be trusted.
#include <gtest/gtest.h>

#include "thumbflow/bench.hpp"

namespace thumbflow {
namespace {

BenchFigure figure(std::string name, int threads, double min_s, double median_s, double max_s) {
  BenchFigure f;
  f.name = std::move(name);
  f.threads = threads;
  f.serial = f.name == "serial";
  f.min_s = min_s;
  f.median_s = median_s;
  f.max_s = max_s;
  f.spread = (max_s - min_s) / min_s;
  f.speedup = 1.0 / median_s;
  return f;
}

BenchResult quiet_result() {
  BenchResult r;
  r.cores = 2;
  r.load_before = 0.1;
  r.modes = {figure("serial", 1, 1.0, 1.02, 1.05), figure("threads", 2, 0.60, 0.61, 0.63)};
  r.thread_sweep = {figure("threads=1", 1, 1.0, 1.01, 1.04), figure("threads=2", 2, 0.60, 0.62, 0.64)};
  return r;
}

TEST(BenchWarnings, NoneForSteadyFiguresOnAQuietMachine) {
  EXPECT_TRUE(bench_warnings(quiet_result()).empty());
}

TEST(BenchWarnings, AWideSpreadIsNamedInWords) {
  BenchResult r = quiet_result();
  r.thread_sweep[1] = figure("threads=2", 2, 0.60, 0.61, 0.70);
  const auto w = bench_warnings(r);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("threads=2: its runs differ by 17%"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("too noisy to trust"), std::string::npos) << w[0];
}

TEST(BenchWarnings, TheSameConfigurationMeasuredTwiceMustAgree) {
  BenchResult r = quiet_result();
  r.thread_sweep[1] = figure("threads=2", 2, 0.80, 0.81, 0.82);  // vs 0.61 in the modes table
  const auto w = bench_warnings(r);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("threads and threads=2 are the same configuration"), std::string::npos) << w[0];
}

TEST(BenchWarnings, AHighLoadBeforeTheRunsIsSaid) {
  BenchResult r = quiet_result();
  r.load_before = 3.5;
  r.load_after = 4;
  const auto w = bench_warnings(r);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("load average was 3.5 on 2 cores"), std::string::npos) << w[0];
}

}  // namespace
}  // namespace thumbflow
