#include "core/sizes.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace thumbflow {

std::vector<Dimensions> boxes_of(const ThumbnailOptions& options) {
  if (!options.sizes.empty()) return options.sizes;
  return {{options.box_width, options.box_height}};
}

ThumbnailOptions with_box(const ThumbnailOptions& options, Dimensions box) {
  ThumbnailOptions one = options;
  one.sizes.clear();
  one.box_width = box.width;
  one.box_height = box.height;
  return one;
}

}  // namespace thumbflow

namespace thumbflow::detail {

void check_sizes(const ThumbnailOptions& options) {
  if (options.sizes.size() > kMaxSizes)
    throw std::invalid_argument("at most " + std::to_string(kMaxSizes) + " sizes");
  const std::vector<Dimensions> boxes = boxes_of(options);
  for (auto it = boxes.begin(); it != boxes.end(); ++it) {
    const Dimensions b = *it;
    if (b.width < 0 || b.width > 65535 || b.height < 0 || b.height > 65535 || (b.width == 0 && b.height == 0))
      throw std::invalid_argument("box size must be 1..65535 on at least one side");
    if (std::find(boxes.begin(), it, b) != it)
      throw std::invalid_argument("size " + size_name(b) + " given twice");
  }
}

}  // namespace thumbflow::detail
