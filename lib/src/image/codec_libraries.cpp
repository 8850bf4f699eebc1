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

// Opens `soname` and fills the Api by `lookup(library, api)`; remembers the first thing missing.
template <typename Api, typename Lookup>
Loaded<Api> load(const char* soname, Lookup lookup) {
  SharedLibrary library(soname);
  Loaded<Api> loaded;
  lookup(library, loaded.api);
  loaded.error = library.error();
  return loaded;
}

template <typename Api>
const Api& checked(const char* what, const Loaded<Api>& loaded) {
  if (!loaded.error.empty())
    throw std::runtime_error(std::string(what) + " could not be loaded (" + loaded.error + ")");
  return loaded.api;
}

}  // namespace

const HeifApi& heif() {
  static const auto loaded = load<HeifApi>(THUMBFLOW_LIBHEIF, [](SharedLibrary& library, HeifApi& api) {
#define THUMBFLOW_HEIF_LOOKUP(name) api.name = library.function<decltype(&::name)>(#name);
    THUMBFLOW_HEIF_FUNCTIONS(THUMBFLOW_HEIF_LOOKUP)
#undef THUMBFLOW_HEIF_LOOKUP
  });
  return checked("libheif", loaded);
}

const JxlApi& jxl() {
  static const auto loaded = load<JxlApi>(THUMBFLOW_LIBJXL, [](SharedLibrary& library, JxlApi& api) {
#define THUMBFLOW_JXL_LOOKUP(name) api.name = library.function<decltype(&::name)>(#name);
    THUMBFLOW_JXL_FUNCTIONS(THUMBFLOW_JXL_LOOKUP)
#undef THUMBFLOW_JXL_LOOKUP
  });
  return checked("libjxl", loaded);
}

}  // namespace thumbflow::detail
