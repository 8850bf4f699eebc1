// Crop modes: how a thumbnail fills an exact box. Pure values and parsers, safe from any thread.
#pragma once

#include <string>

namespace thumbflow {

// `None` fits the picture inside the box (the default). Every other mode fills the box exactly:
// the picture is scaled to cover it and the part outside is cut away; the modes differ in where
// the window goes. `Centre`: the middle. `Attention`: the region of most edges, saturated colour
// and skin tones. `Entropy`: the window of highest histogram entropy. `Face`: all detected faces
// that fit (OpenCV's frontal-face cascade from Debian's opencv-data), else as `Attention`.
enum class CropMode { None, Centre, Attention, Entropy, Face };

// "none", "centre" (or "center"), "attention", "entropy", "face". Throws std::invalid_argument
// naming the text on anything else.
CropMode parse_crop_mode(const std::string& text);
// The name parse_crop_mode reads ("centre" for Centre). A static string.
const char* crop_mode_name(CropMode mode);

// A focal point as fractions of the upright picture's width and height.
struct Gravity {
  double x = -1, y = -1;  // -1,-1: none
  bool set() const { return x >= 0 && y >= 0; }
};

// Parses "X,Y" with each fraction 0..1 (e.g. "0.25,0.5"). Throws std::invalid_argument naming the
// text on anything else.
Gravity parse_gravity(const std::string& text);
// "X,Y" that parse_gravity reads back to the same values.
std::string format_gravity(Gravity gravity);

// The part of the picture a thumbnail shows, in pixels of the original upright picture (after
// EXIF orientation, before any scaling). w == 0: not cropped.
struct CropRect {
  int x = 0, y = 0, w = 0, h = 0;
};

}  // namespace thumbflow
