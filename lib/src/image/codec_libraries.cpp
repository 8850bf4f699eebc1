// libheif, libjxl and LibRaw, opened on first use by the sonames found at configure time.
#include <stdexcept>
#include <string>

#include "core/shared_library.hpp"
#include "image/heif_api.hpp"
#include "image/jxl_api.hpp"
#include "image/raw_api.hpp"

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

// The function `fn` returning `Api` filled from `soname` by the X-macro list `FUNCTIONS`.
#define THUMBFLOW_API_LOOKUP(name) api.name = library.function<decltype(&::name)>(#name);
#define THUMBFLOW_LOADED_API(fn, Api, FUNCTIONS, soname, label)                                      \
  const Api& fn() {                                                                                  \
    static const auto loaded =                                                                       \
        load<Api>(soname, [](SharedLibrary& library, Api& api) { FUNCTIONS(THUMBFLOW_API_LOOKUP) }); \
    return checked(label, loaded);                                                                   \
  }

THUMBFLOW_LOADED_API(heif, HeifApi, THUMBFLOW_HEIF_FUNCTIONS, THUMBFLOW_LIBHEIF, "libheif")
THUMBFLOW_LOADED_API(jxl, JxlApi, THUMBFLOW_JXL_FUNCTIONS, THUMBFLOW_LIBJXL, "libjxl")
THUMBFLOW_LOADED_API(libraw, RawApi, THUMBFLOW_RAW_FUNCTIONS, THUMBFLOW_LIBRAW, "LibRaw")

#undef THUMBFLOW_LOADED_API
#undef THUMBFLOW_API_LOOKUP

}  // namespace thumbflow::detail
