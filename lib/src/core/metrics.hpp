// A small metrics registry with Prometheus' text exposition (format 0.0.4): counters, gauges and
// histograms whose updates are lock-free atomics, so any thread (pipeline stages, the Redis sides
// of a worker) may update them while the HTTP thread renders. Registering takes a lock; the
// references returned stay valid for the registry's life.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace thumbflow::detail {

// Label name, value. Names follow Prometheus' rules ([a-zA-Z_][a-zA-Z0-9_]*, not "__..."); values
// are any bytes (escaped when rendered).
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Adds to a double atomically (fetch_add on doubles is not lock-free everywhere).
inline void atomic_add(std::atomic<double>& target, double v) {
  double old = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

// Only goes up (rendered with the family name, which ends in _total).
class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { atomic_add(value_, v); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with upper bounds `bounds` (strictly increasing, finite; +Inf
// is implied), with their count and sum.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Observations <= bounds()[i] (cumulative, as rendered); index bounds().size() is +Inf.
  std::uint64_t cumulative(std::size_t i) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative; last = +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

class MetricsRegistry {
 public:
  // Each returns the series `name` with `labels`, made on first use. Throws std::invalid_argument
  // for a name or label name Prometheus would refuse, a counter name without "_total", or a name
  // registered before with another type, help or bucket layout.
  Counter& counter(const std::string& name, const std::string& help, const MetricLabels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const MetricLabels& labels = {});
  // A gauge whose value is asked for at each render (from the rendering thread).
  void gauge_fn(const std::string& name, const std::string& help, const MetricLabels& labels,
                std::function<double()> value);
  Histogram& histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                       const MetricLabels& labels = {});

  // Every family in registration order: # HELP, # TYPE, then its samples.
  std::string render() const;

 private:
  enum class Type { Counter, Gauge, Histogram };
  struct Series {
    MetricLabels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::function<double()> gauge_fn;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string name, help;
    Type type;
    std::vector<double> bounds;
    std::deque<Series> series;
  };
  Series& series(const std::string& name, const std::string& help, Type type, const MetricLabels& labels,
                 const std::vector<double>& bounds = {});

  mutable std::mutex mutex_;
  std::deque<Family> families_;
};

// Seconds since the Unix epoch when this process started (from /proc; the first call's time if
// /proc cannot tell), for process_start_time_seconds.
double process_start_time_seconds();

}  // namespace thumbflow::detail
