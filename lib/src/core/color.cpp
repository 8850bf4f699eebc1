#include <cstdio>
#include <stdexcept>

#include "thumbflow/options.hpp"

namespace thumbflow {

Rgb parse_rgb(const std::string& text) {
  if (text == "white") return {255, 255, 255};
  if (text == "black") return {0, 0, 0};
  unsigned r = 0, g = 0, b = 0;
  int used = 0;
  const bool hex = text.size() == 7 && std::sscanf(text.c_str(), "#%2x%2x%2x%n", &r, &g, &b, &used) == 3;
  const bool triple = !hex && std::sscanf(text.c_str(), "%u,%u,%u%n", &r, &g, &b, &used) == 3;
  if ((!hex && !triple) || std::size_t(used) != text.size() || r > 255 || g > 255 || b > 255)
    throw std::invalid_argument("invalid colour '" + text + "' (use white, black, #RRGGBB or R,G,B)");
  return {std::uint8_t(r), std::uint8_t(g), std::uint8_t(b)};
}

}  // namespace thumbflow
