#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace thumbflow::detail {

// A per-item decoding problem. what() is one line, lower case, without the item's name:
// "truncated JPEG (premature end of data)", "declares 100000x100000 pixels, over the 100 MP limit".
// library_messages: what the decoding library printed on stderr meanwhile (library_messages.hpp),
// for the item's report.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  std::vector<std::string> library_messages;
};

}  // namespace thumbflow::detail
