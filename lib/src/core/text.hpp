// Small text helpers shared by the modules.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace thumbflow::detail {

// ASCII lower case (extensions, URL schemes, header names); other bytes are kept.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

}  // namespace thumbflow::detail
