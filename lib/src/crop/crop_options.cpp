#include <stdexcept>

#include "crop/crop_plan.hpp"

namespace thumbflow::detail {

void check_crop_options(const ThumbnailOptions& t) {
  for (const Dimensions box : boxes_of(t))
    if (t.crop != CropMode::None && (box.width == 0 || box.height == 0))
      throw std::invalid_argument(std::string("--crop ") + crop_mode_name(t.crop) +
                                  " needs every box bounded on both sides (WxH or N)");
  const Gravity& g = t.gravity;
  if (g.x == -1 && g.y == -1) return;
  if (!(g.x >= 0 && g.x <= 1 && g.y >= 0 && g.y <= 1))
    throw std::invalid_argument("gravity must be two fractions 0..1");
  if (t.crop == CropMode::None) throw std::invalid_argument("--gravity needs a crop mode (--crop)");
}

}  // namespace thumbflow::detail
