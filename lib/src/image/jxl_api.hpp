// The libjxl functions the JPEG XL reader uses, from libjxl opened on first use (see
// core/shared_library.hpp): a run without JPEG XL files never loads libjxl.
#pragma once

#include <jxl/decode.h>
#include <jxl/encode.h>  // JxlColorEncodingSetToSRGB

#include "core/shared_library.hpp"

namespace thumbflow::detail {

#define THUMBFLOW_JXL_FUNCTIONS(X)      \
  X(JxlColorEncodingSetToSRGB)          \
  X(JxlDecoderCreate)                   \
  X(JxlDecoderDestroy)                  \
  X(JxlDecoderGetBasicInfo)             \
  X(JxlDecoderGetColorAsEncodedProfile) \
  X(JxlDecoderGetColorAsICCProfile)     \
  X(JxlDecoderGetICCProfileSize)        \
  X(JxlDecoderImageOutBufferSize)       \
  X(JxlDecoderProcessInput)             \
  X(JxlDecoderSetImageOutBuffer)        \
  X(JxlDecoderSetInput)                 \
  X(JxlDecoderSetPreferredColorProfile) \
  X(JxlDecoderSubscribeEvents)

struct JxlApi {
  THUMBFLOW_JXL_FUNCTIONS(THUMBFLOW_API_POINTER)
};

// libjxl's functions; throws std::runtime_error naming the library when it cannot be loaded.
// Thread-safe.
const JxlApi& jxl();

}  // namespace thumbflow::detail
