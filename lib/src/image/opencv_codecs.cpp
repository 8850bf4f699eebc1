#include "image/opencv_codecs.hpp"

#include <dlfcn.h>

#include <opencv2/imgcodecs.hpp>  // declarations only: the library is not linked
#include <stdexcept>
#include <type_traits>

namespace thumbflow::detail {
namespace {

using HaveWriter = bool (*)(const cv::String&);
using Imdecode = cv::Mat (*)(cv::InputArray, int);

// The pointer types must be those of the declarations in the header: the symbol names below are
// their Itanium C++ mangling. (decltype does not odr-use the functions, so nothing is linked.)
static_assert(std::is_same_v<decltype(&cv::haveImageWriter), HaveWriter>);
static_assert(std::is_same_v<decltype(static_cast<Imdecode>(&cv::imdecode)), Imdecode>);
constexpr const char* kHaveWriterSymbol =
    "_ZN2cv15haveImageWriterERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE";
constexpr const char* kImdecodeSymbol = "_ZN2cv8imdecodeERKNS_11_InputArrayEi";

struct Codecs {
  Imdecode imdecode = nullptr;
  std::string error;  // why loading failed; empty when the functions were found
};

Codecs load() {
  Codecs codecs;
  // The library stays loaded for the life of the process (never dlclose'd): OpenCV keeps
  // codec registries in it.
  void* library = dlopen(THUMBFLOW_OPENCV_IMGCODECS, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    codecs.error = why != nullptr ? why : THUMBFLOW_OPENCV_IMGCODECS;
    return codecs;
  }
  codecs.imdecode = reinterpret_cast<Imdecode>(dlsym(library, kImdecodeSymbol));
  const auto have_writer = reinterpret_cast<HaveWriter>(dlsym(library, kHaveWriterSymbol));
  if (codecs.imdecode == nullptr || have_writer == nullptr) {
    codecs.error = std::string(THUMBFLOW_OPENCV_IMGCODECS) + " lacks cv::imdecode or cv::haveImageWriter";
    return codecs;
  }
  // OpenCV builds its codec table on first use, behind a function-local static inside the library.
  // Building it here, inside codecs()'s own static initialisation, orders that one-off write before
  // every later use on any thread in a way ThreadSanitizer can see (it cannot see the guard inside
  // uninstrumented OpenCV: a worker decoding after another worker's first use was flagged).
  have_writer(".png");
  return codecs;
}

const Codecs& codecs() {
  static const Codecs loaded = load();  // C++ guarantees one thread-safe initialisation
  if (!loaded.error.empty())
    throw std::runtime_error("OpenCV's image codecs could not be loaded (" + loaded.error + ")");
  return loaded;
}

}  // namespace

cv::Mat opencv_imdecode(const cv::Mat& buffer, int flags) { return codecs().imdecode(buffer, flags); }

}  // namespace thumbflow::detail
