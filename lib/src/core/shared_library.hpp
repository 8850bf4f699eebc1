// A C library opened with dlopen by its soname on first use, so that it (and what it links: for
// libheif its HEVC and AV1 codecs) stays out of every process that does not need it. Never
// closed. Its functions are looked up by name, with the type of their declaration in the
// library's header (decltype(&name): nothing is linked).
#pragma once

#include <string>

namespace thumbflow::detail {

// A member of a library's API struct: a pointer of `name`'s type, for X-macro lists of functions.
#define THUMBFLOW_API_POINTER(name) decltype(&::name) name = nullptr;

class SharedLibrary {
 public:
  explicit SharedLibrary(const char* soname);
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  // The function `name`, or nullptr when the library or the function is missing (error() says
  // which: the first one missing).
  template <typename Function>
  Function function(const char* name) {
    return reinterpret_cast<Function>(symbol(name));
  }
  // Empty when the library and every function asked for were found.
  const std::string& error() const { return error_; }

 private:
  void* symbol(const char* name);

  void* handle_ = nullptr;
  std::string soname_, error_;
};

}  // namespace thumbflow::detail
