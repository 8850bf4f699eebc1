#include "prometheus_text.hpp"

#include <cmath>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace thumbflow::test {
namespace {

const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");

// The family a sample belongs to: histogram suffixes removed when the base is a histogram.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      const auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return name;
}

double parse_value(const std::string& v, const std::string& line) {
  if (v == "+Inf") return HUGE_VAL;
  if (v == "-Inf") return -HUGE_VAL;
  if (v == "NaN") return NAN;
  std::size_t used = 0;
  double d = 0;
  try {
    d = std::stod(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size()) throw std::runtime_error("bad value in: " + line);
  return d;
}

}  // namespace

PromScrape parse_prometheus_text(const std::string& text) {
  PromScrape out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream words(line.substr(1));
      std::string kind, family;
      words >> kind >> family;
      if (kind != "HELP" && kind != "TYPE") continue;  // other comments are allowed
      if (!std::regex_match(family, kName)) throw std::runtime_error("bad family name in: " + line);
      std::string rest;
      std::getline(words, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      auto& target = kind == "HELP" ? out.help : out.types;
      if (target.count(family) != 0) throw std::runtime_error("second " + kind + " for " + family);
      if (kind == "TYPE" && rest != "counter" && rest != "gauge" && rest != "histogram" &&
          rest != "summary" && rest != "untyped")
        throw std::runtime_error("bad type in: " + line);
      target[family] = rest;
      continue;
    }
    PromSample s;
    std::size_t at = 0;
    while (at < line.size() && line[at] != '{' && line[at] != ' ') ++at;
    s.name = line.substr(0, at);
    if (!std::regex_match(s.name, kName)) throw std::runtime_error("bad sample name in: " + line);
    if (at < line.size() && line[at] == '{') {
      ++at;
      while (at < line.size() && line[at] != '}') {
        const std::size_t eq = line.find('=', at);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"')
          throw std::runtime_error("bad label in: " + line);
        const std::string label = line.substr(at, eq - at);
        if (!std::regex_match(label, kLabelName)) throw std::runtime_error("bad label name in: " + line);
        std::string value;
        std::size_t i = eq + 2;
        for (; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] != '\\') {
            value += line[i];
            continue;
          }
          if (++i >= line.size()) throw std::runtime_error("bad escape in: " + line);
          if (line[i] == 'n')
            value += '\n';
          else if (line[i] == '\\' || line[i] == '"')
            value += line[i];
          else
            throw std::runtime_error("bad escape in: " + line);
        }
        if (i >= line.size()) throw std::runtime_error("unterminated label value in: " + line);
        if (!s.labels.emplace(label, value).second) throw std::runtime_error("label twice in: " + line);
        at = i + 1;
        if (at < line.size() && line[at] == ',') ++at;
      }
      if (at >= line.size()) throw std::runtime_error("unterminated label set in: " + line);
      ++at;
    }
    if (at >= line.size() || line[at] != ' ') throw std::runtime_error("no value in: " + line);
    std::istringstream rest(line.substr(at + 1));
    std::string value, timestamp, extra;
    rest >> value >> timestamp >> extra;
    if (!extra.empty()) throw std::runtime_error("trailing text in: " + line);
    s.value = parse_value(value, line);
    if (out.types.count(family_of(s.name, out.types)) == 0)
      throw std::runtime_error("sample before its TYPE line: " + line);
    out.samples.push_back(std::move(s));
  }
  return out;
}

double PromScrape::value(const std::string& name, const std::map<std::string, std::string>& labels) const {
  for (const PromSample& s : samples)
    if (s.name == name && s.labels == labels) return s.value;
  throw std::out_of_range("no sample " + name);
}

std::vector<PromSample> PromScrape::all(const std::string& name) const {
  std::vector<PromSample> out;
  for (const PromSample& s : samples)
    if (s.name == name) out.push_back(s);
  return out;
}

}  // namespace thumbflow::test
