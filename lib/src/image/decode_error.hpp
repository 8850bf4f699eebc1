#pragma once

#include <stdexcept>

namespace thumbflow::detail {

// A per-item decoding problem. what() is one line, lower case, without the item's name:
// "truncated JPEG (premature end of data)", "declares 100000x100000 pixels, over the 100 MP limit".
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace thumbflow::detail
