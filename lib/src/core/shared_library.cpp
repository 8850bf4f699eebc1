#include "core/shared_library.hpp"

#include <dlfcn.h>

namespace thumbflow::detail {

SharedLibrary::SharedLibrary(const char* soname) : soname_(soname) {
  handle_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* why = dlerror();
    error_ = why != nullptr ? why : soname_ + ": cannot be opened";
  }
}

void* SharedLibrary::symbol(const char* name) {
  if (handle_ == nullptr) return nullptr;
  void* found = dlsym(handle_, name);
  if (found == nullptr && error_.empty()) error_ = soname_ + " lacks " + name;
  return found;
}

}  // namespace thumbflow::detail
