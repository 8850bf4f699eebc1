#include "image/opencv_codecs.hpp"

#include <dlfcn.h>

#include <opencv2/imgcodecs.hpp>  // declarations only: the library is not linked
#include <stdexcept>
#include <type_traits>

namespace thumbflow::detail {
namespace {

using HaveWriter = bool (*)(const cv::String&);
using Imdecode = cv::Mat (*)(cv::InputArray, int);
using Imencode = bool (*)(const cv::String&, cv::InputArray, std::vector<uchar>&, const std::vector<int>&);

// The pointer types must be those of the declarations in the header: the symbol names below are
// their Itanium C++ mangling. (decltype does not odr-use the functions, so nothing is linked.)
static_assert(std::is_same_v<decltype(&cv::haveImageWriter), HaveWriter>);
static_assert(std::is_same_v<decltype(static_cast<Imdecode>(&cv::imdecode)), Imdecode>);
static_assert(std::is_same_v<decltype(static_cast<Imencode>(&cv::imencode)), Imencode>);
constexpr const char* kHaveWriterSymbol =
    "_ZN2cv15haveImageWriterERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE";
constexpr const char* kImdecodeSymbol = "_ZN2cv8imdecodeERKNS_11_InputArrayEi";
constexpr const char* kImencodeSymbol =
    "_ZN2cv8imencodeERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERKNS_11_"
    "InputArrayERSt6vectorIhSaIhEERKSB_IiSaIiEE";

struct Codecs {
  Imdecode imdecode = nullptr;
  Imencode imencode = nullptr;
  std::string error;  // why loading failed; empty when both functions were found
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
  codecs.imencode = reinterpret_cast<Imencode>(dlsym(library, kImencodeSymbol));
  const auto have_writer = reinterpret_cast<HaveWriter>(dlsym(library, kHaveWriterSymbol));
  if (codecs.imdecode == nullptr || codecs.imencode == nullptr || have_writer == nullptr) {
    codecs.error =
        std::string(THUMBFLOW_OPENCV_IMGCODECS) + " lacks cv::imdecode, cv::imencode or cv::haveImageWriter";
    return codecs;
  }
  // OpenCV builds its codec table on first use, behind a function-local static inside the library.
  // Building it here, inside codecs()'s own static initialisation, orders that one-off write before
  // every later use on any thread in a way ThreadSanitizer can see (it cannot see the guard inside
  // uninstrumented OpenCV: a worker decoding after another worker's first encode was flagged).
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

bool opencv_imencode(const std::string& ext, const cv::Mat& image, std::vector<std::uint8_t>& out,
                     const std::vector<int>& params) {
  return codecs().imencode(ext, image, out, params);
}

}  // namespace thumbflow::detail
