// The LibRaw functions the camera RAW reader uses, from libraw_r opened on first use (see
// core/shared_library.hpp): a run without RAW files never loads it.
#pragma once

#include <libraw/libraw.h>

#include "core/shared_library.hpp"

namespace thumbflow::detail {

#define THUMBFLOW_RAW_FUNCTIONS(X) \
  X(libraw_init)                   \
  X(libraw_open_buffer)            \
  X(libraw_unpack)                 \
  X(libraw_unpack_thumb)           \
  X(libraw_dcraw_process)          \
  X(libraw_dcraw_make_mem_image)   \
  X(libraw_dcraw_clear_mem)        \
  X(libraw_close)                  \
  X(libraw_strerror)

struct RawApi {
  THUMBFLOW_RAW_FUNCTIONS(THUMBFLOW_API_POINTER)
};

// LibRaw's functions; throws std::runtime_error naming the library when it cannot be loaded.
// Thread-safe.
const RawApi& libraw();

}  // namespace thumbflow::detail
