#include <charconv>
#include <stdexcept>
#include <string>

#include "thumbflow/crop.hpp"

namespace thumbflow {
namespace {

// One fraction 0..1, the whole text.
bool parse_fraction(std::string_view text, double& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= 0 && out <= 1;
}

}  // namespace

CropMode parse_crop_mode(const std::string& text) {
  if (text == "none") return CropMode::None;
  if (text == "centre" || text == "center") return CropMode::Centre;
  if (text == "attention") return CropMode::Attention;
  if (text == "entropy") return CropMode::Entropy;
  if (text == "face") return CropMode::Face;
  throw std::invalid_argument("unknown crop mode '" + text + "' (none, centre, attention, entropy or face)");
}

const char* crop_mode_name(CropMode mode) {
  switch (mode) {
    case CropMode::Centre:
      return "centre";
    case CropMode::Attention:
      return "attention";
    case CropMode::Entropy:
      return "entropy";
    case CropMode::Face:
      return "face";
    case CropMode::None:
      break;
  }
  return "none";
}

Gravity parse_gravity(const std::string& text) {
  const auto comma = text.find(',');
  Gravity g;
  if (comma == std::string::npos || !parse_fraction(std::string_view(text).substr(0, comma), g.x) ||
      !parse_fraction(std::string_view(text).substr(comma + 1), g.y))
    throw std::invalid_argument("invalid gravity '" + text +
                                "' (expected X,Y with fractions 0..1, e.g. 0.5,0.3)");
  return g;
}

std::string format_gravity(Gravity g) {
  char text[64];
  // Shortest round-trip form, so that a queue entry decodes to exactly what was enqueued.
  auto end = std::to_chars(text, text + 30, g.x).ptr;
  *end++ = ',';
  end = std::to_chars(end, text + sizeof text, g.y).ptr;
  return std::string(text, end);
}

}  // namespace thumbflow
