// What the libcurl users of the library share.
#pragma once

#include <curl/curl.h>

#include <string>

#include "net/address_guard.hpp"
#include "net/request_headers.hpp"

namespace thumbflow::detail {

// Redirects followed per request, as curl's default of 50 would be too many for an image.
inline constexpr int kMaxRedirects = 5;

// curl_global_init, once per process, before the first handle.
void curl_global_init_once();

// What every thumbflow transfer has: `url`, http/https only, no signals, the User-Agent and extra
// headers of `headers` (which must outlive the handle), `error_buffer` (CURL_ERROR_SIZE bytes),
// and the address guard of `guarded` (whose guard may be null: no checks). libcurl does not follow
// redirects itself (it would send the extra headers to any host): callers ask redirect_location
// after each exchange and go on with aim_redirect, at most kMaxRedirects times.
void configure_easy(CURL* easy, const std::string& url, char* error_buffer, GuardedTransfer& guarded,
                    const RequestHeaders& headers);

// The absolute URL a finished exchange with HTTP `status` redirects to (301, 302, 303, 307 or
// 308 with a Location), or "" when it is not a redirect.
std::string redirect_location(CURL* easy, long status);

// Points `easy` at `next`, a redirect of a request first made to `first`. The extra headers go
// along only while `next` has the scheme, host and port of `first` (as libcurl does for
// Authorization and Cookie, but for every header the user gave).
void aim_redirect(CURL* easy, const std::string& next, const std::string& first,
                  const RequestHeaders& headers);

// True when `a` and `b` are URLs of the same scheme, host (case-insensitive) and port (the
// scheme's default when not given).
bool same_origin(const std::string& a, const std::string& b);

// True for transport failures worth trying again: timeouts, resets, refused connections.
bool is_transient(CURLcode code);

}  // namespace thumbflow::detail
