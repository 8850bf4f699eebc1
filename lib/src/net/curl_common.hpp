// What the libcurl users of the library share.
#pragma once

#include <curl/curl.h>

namespace thumbflow::detail {

// curl_global_init, once per process, before the first handle.
void curl_global_init_once();

// True for transport failures worth trying again: timeouts, resets, refused connections.
bool is_transient(CURLcode code);

}  // namespace thumbflow::detail
