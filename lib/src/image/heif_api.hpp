// The libheif functions the HEIF/AVIF reader uses, from libheif opened on first use (see
// core/shared_library.hpp): a run without HEIC or AVIF files never loads libheif and its codecs.
#pragma once

#include <libheif/heif.h>

#include "core/shared_library.hpp"

namespace thumbflow::detail {

#define THUMBFLOW_HEIF_FUNCTIONS(X)               \
  X(heif_context_alloc)                           \
  X(heif_context_free)                            \
  X(heif_context_get_primary_image_handle)        \
  X(heif_context_read_from_memory_without_copy)   \
  X(heif_context_set_max_decoding_threads)        \
  X(heif_context_set_maximum_image_size_limit)    \
  X(heif_decode_image)                            \
  X(heif_decoding_options_alloc)                  \
  X(heif_decoding_options_free)                   \
  X(heif_image_get_height)                        \
  X(heif_image_get_nclx_color_profile)            \
  X(heif_image_get_plane_readonly)                \
  X(heif_image_get_width)                         \
  X(heif_image_handle_get_height)                 \
  X(heif_image_handle_get_list_of_thumbnail_IDs)  \
  X(heif_image_handle_get_nclx_color_profile)     \
  X(heif_image_handle_get_number_of_thumbnails)   \
  X(heif_image_handle_get_raw_color_profile)      \
  X(heif_image_handle_get_raw_color_profile_size) \
  X(heif_image_handle_get_thumbnail)              \
  X(heif_image_handle_get_width)                  \
  X(heif_image_handle_has_alpha_channel)          \
  X(heif_image_handle_is_premultiplied_alpha)     \
  X(heif_image_handle_is_primary_image)           \
  X(heif_image_handle_release)                    \
  X(heif_image_release)                           \
  X(heif_nclx_color_profile_free)

struct HeifApi {
  THUMBFLOW_HEIF_FUNCTIONS(THUMBFLOW_API_POINTER)
};

// libheif's functions; throws std::runtime_error naming the library when it cannot be loaded.
// Thread-safe.
const HeifApi& heif();

}  // namespace thumbflow::detail
