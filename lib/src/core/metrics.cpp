#include "core/metrics.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace thumbflow::detail {
namespace {

bool valid_name(const std::string& name, bool colon_allowed) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_allowed && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Prometheus' float syntax: shortest round-trip decimal, +Inf, -Inf, NaN.
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return std::string(buffer, end);
}

// HELP text escapes backslash and newline; label values also the double quote.
std::string escaped(const std::string& s, bool quote) {
  std::string out;
  for (const char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

// {a="1",b="2"} with an extra label last (le for buckets); "" when there are none.
std::string label_text(const MetricLabels& labels, const std::string& extra_name = {},
                       const std::string& extra_value = {}) {
  std::string out;
  const auto add = [&out](const std::string& name, const std::string& value) {
    out += (out.empty() ? "{" : ",") + name + "=\"" + escaped(value, true) + "\"";
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  return out.empty() ? out : out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i < bounds_.size(); ++i)
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1]))
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Histogram::cumulative(std::size_t i) const {
  std::uint64_t n = 0;
  for (std::size_t k = 0; k <= i && k <= bounds_.size(); ++k)
    n += buckets_[k].load(std::memory_order_relaxed);
  return n;
}

MetricsRegistry::Series& MetricsRegistry::series(const std::string& name, const std::string& help, Type type,
                                                 const MetricLabels& labels,
                                                 const std::vector<double>& bounds) {
  if (!valid_name(name, true)) throw std::invalid_argument("metric name '" + name + "' is not valid");
  if (type == Type::Counter && (name.size() < 6 || name.compare(name.size() - 6, 6, "_total") != 0))
    throw std::invalid_argument("counter '" + name + "' must end in _total");
  for (const auto& [label, value] : labels)
    if (!valid_name(label, false) || label.rfind("__", 0) == 0 || (type == Type::Histogram && label == "le"))
      throw std::invalid_argument("label name '" + label + "' of " + name + " is not valid");
  const std::lock_guard lock(mutex_);
  Family* family = nullptr;
  for (Family& f : families_)
    if (f.name == name) family = &f;
  if (family == nullptr) {
    family = &families_.emplace_back();
    family->name = name;
    family->help = help;
    family->type = type;
    family->bounds = bounds;
  } else if (family->type != type || family->help != help || family->bounds != bounds) {
    throw std::invalid_argument("metric '" + name + "' was registered before with another type or help");
  }
  for (Series& s : family->series)
    if (s.labels == labels) return s;
  Series& s = family->series.emplace_back();
  s.labels = labels;
  return s;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const MetricLabels& labels) {
  Series& s = series(name, help, Type::Counter, labels);
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, const MetricLabels& labels) {
  Series& s = series(name, help, Type::Gauge, labels);
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

void MetricsRegistry::gauge_fn(const std::string& name, const std::string& help, const MetricLabels& labels,
                               std::function<double()> value) {
  series(name, help, Type::Gauge, labels).gauge_fn = std::move(value);
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      const std::vector<double>& bounds, const MetricLabels& labels) {
  Series& s = series(name, help, Type::Histogram, labels, bounds);
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(bounds);
  return *s.histogram;
}

std::string MetricsRegistry::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  for (const Family& f : families_) {
    static const char* const kTypes[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + f.name + " " + escaped(f.help, false) + "\n";
    out += "# TYPE " + f.name + " " + kTypes[int(f.type)] + "\n";
    for (const Series& s : f.series) {
      if (s.counter) out += f.name + label_text(s.labels) + " " + std::to_string(s.counter->value()) + "\n";
      if (s.gauge || s.gauge_fn)
        out +=
            f.name + label_text(s.labels) + " " + number(s.gauge_fn ? s.gauge_fn() : s.gauge->value()) + "\n";
      if (!s.histogram) continue;
      const Histogram& h = *s.histogram;
      // Read the buckets first: observations that land meanwhile may make count and sum larger,
      // never the +Inf bucket larger than count.
      std::vector<std::uint64_t> cumulative;
      for (std::size_t i = 0; i <= h.bounds().size(); ++i) cumulative.push_back(h.cumulative(i));
      const double sum = h.sum();
      const std::uint64_t count = std::max(h.count(), cumulative.back());
      for (std::size_t i = 0; i <= h.bounds().size(); ++i)
        out += f.name + "_bucket" +
               label_text(s.labels, "le", i < h.bounds().size() ? number(h.bounds()[i]) : "+Inf") + " " +
               std::to_string(i < h.bounds().size() ? cumulative[i] : count) + "\n";
      out += f.name + "_sum" + label_text(s.labels) + " " + number(sum) + "\n";
      out += f.name + "_count" + label_text(s.labels) + " " + std::to_string(count) + "\n";
    }
  }
  return out;
}

double process_start_time_seconds() {
  static const double start = [] {
    // /proc/self/stat field 22 is the start time in clock ticks after boot; /proc/stat's btime is
    // the boot time. The command name (field 2) may hold spaces: fields are counted after its ')'.
    std::ifstream stat_file("/proc/self/stat");
    const std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    std::ifstream boot_file("/proc/stat");
    double boot = 0;
    for (std::string line; std::getline(boot_file, line);)
      if (line.rfind("btime ", 0) == 0) boot = std::stod(line.substr(6));
    const auto paren = stat.rfind(')');
    const long ticks = ::sysconf(_SC_CLK_TCK);
    if (paren != std::string::npos && boot > 0 && ticks > 0) {
      std::istringstream fields(stat.substr(paren + 2));
      std::string field;
      for (int i = 3; i <= 22 && fields >> field; ++i)
        if (i == 22) return boot + std::stod(field) / double(ticks);
    }
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }();
  return start;
}

}  // namespace thumbflow::detail
