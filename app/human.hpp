// Numbers as a person writes them: "1630 images/s", "88 images/s", "3.4 s", "1 thread".
#pragma once

#include <cmath>
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
