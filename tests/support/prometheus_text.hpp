// A strict reader of Prometheus' text exposition format 0.0.4, for the tests that scrape /metrics:
// each sample line is parsed (name, labels with escapes, value), and what Prometheus would refuse
// (a sample before its family's TYPE, a bad name, a malformed label set or number) throws.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace thumbflow::test {

struct PromSample {
  std::string name;                           // as written: with _bucket, _sum, _count suffixes
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

struct PromScrape {
  std::map<std::string, std::string> types;  // family -> counter, gauge, histogram, ...
  std::map<std::string, std::string> help;   // family -> help text
  std::vector<PromSample> samples;           // in order

  // The value of the one sample `name` with exactly these labels; throws std::out_of_range.
  double value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
  // Samples named `name` (any labels).
  std::vector<PromSample> all(const std::string& name) const;
};

// Throws std::runtime_error naming the line for anything malformed.
PromScrape parse_prometheus_text(const std::string& text);

}  // namespace thumbflow::test
