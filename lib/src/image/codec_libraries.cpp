// libheif and libjxl, opened on first use by the sonames found at configure time.
#include <stdexcept>
#include <string>

#include "core/shared_library.hpp"
#include "image/heif_api.hpp"
#include "image/jxl_api.hpp"

namespace thumbflow::detail {
namespace {

template <typename Api>
struct Loaded {
  Api api;
  std::string error;
};

[[noreturn]] void unavailable(const char* what, const std::string& error) {
  throw std::runtime_error(std::string(what) + " could not be loaded (" + error + ")");
}

}  // namespace

const HeifApi& heif() {
  static const Loaded<HeifApi> loaded = [] {
    SharedLibrary library(THUMBFLOW_LIBHEIF);
    Loaded<HeifApi> l;
#define THUMBFLOW_HEIF_LOOKUP(name) l.api.name = library.function<decltype(&::name)>(#name);
    THUMBFLOW_HEIF_FUNCTIONS(THUMBFLOW_HEIF_LOOKUP)
#undef THUMBFLOW_HEIF_LOOKUP
    l.error = library.error();
    return l;
  }();
  if (!loaded.error.empty()) unavailable("libheif", loaded.error);
  return loaded.api;
}

const JxlApi& jxl() {
  static const Loaded<JxlApi> loaded = [] {
    SharedLibrary library(THUMBFLOW_LIBJXL);
    Loaded<JxlApi> l;
#define THUMBFLOW_JXL_LOOKUP(name) l.api.name = library.function<decltype(&::name)>(#name);
    THUMBFLOW_JXL_FUNCTIONS(THUMBFLOW_JXL_LOOKUP)
#undef THUMBFLOW_JXL_LOOKUP
    l.error = library.error();
    return l;
  }();
  if (!loaded.error.empty()) unavailable("libjxl", loaded.error);
  return loaded.api;
}

}  // namespace thumbflow::detail
