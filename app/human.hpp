// Numbers as a person writes them: "1630 images/s", "88 images/s", "3.4 s", "1 thread", "34.0 kB".
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace thumbflow::cli {

// Plain decimal, never an exponent: whole from 10 on, one decimal below 10 (two below 1).
inline std::string human_number(double v) {
  char text[64];
  const double a = std::fabs(v);
  std::snprintf(text, sizeof text, a >= 10 ? "%.0f" : a >= 1 ? "%.1f" : "%.2f", v);
  return text;
}

// A byte count in decimal units, as downloads are counted: "512 B", "34.0 kB", "12.3 MB",
// "123 MB", "1.5 GB" (one decimal below 100, whole from 100; the next unit from 999.5 on).
inline std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  double v = double(bytes) / 1000;
  std::size_t unit = 0;
  while (v >= 999.5 && unit + 1 < std::size(kUnits)) {
    v /= 1000;
    ++unit;
  }
  char text[48];
  std::snprintf(text, sizeof text, v < 99.95 ? "%.1f %s" : "%.0f %s", v, kUnits[unit]);
  return text;
}

// "1 thread", "2 threads".
inline std::string count_of(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// "0.42 s", "12.3 s", "4 min 05 s".
inline std::string human_duration(double seconds) {
  if (seconds < 60) {
    char text[32];
    std::snprintf(text, sizeof text, seconds < 10 ? "%.2f s" : "%.1f s", seconds);
    return text;
  }
  const long whole = std::lround(seconds);
  char text[48];
  std::snprintf(text, sizeof text, "%ld min %02ld s", whole / 60, whole % 60);
  return text;
}

}  // namespace thumbflow::cli
