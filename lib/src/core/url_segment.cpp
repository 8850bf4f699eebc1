#include "core/url_segment.hpp"

namespace thumbflow::detail {

std::string_view url_last_segment(std::string_view url) {
  std::string_view rest = url.substr(0, url.find_first_of("?#"));
  if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest.remove_prefix(scheme + 3);
    const auto slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  return rest.substr(rest.rfind('/') + 1);
}

}  // namespace thumbflow::detail
