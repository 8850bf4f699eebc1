// What the libcurl users of the library share.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <string>

#include "net/address_guard.hpp"
#include "net/request_headers.hpp"
#include "thumbflow/report.hpp"

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

// The time limits a transfer ran under, so that a timeout names the one that ended it. 0: none.
struct TransferLimits {
  int connect_s = 0;  // to connect
  int stall_s = 0;    // below 1 KB/s for this long (CURLOPT_LOW_SPEED_*)
  int total_s = 0;    // the whole download
};

struct TransferFailure {
  std::string reason;      // one line: "timed out after 300 s", "response header too large (...)"
  bool transient = false;  // worth trying again: timeouts, resets, refused connections
};

// libcurl may end a transfer for its time limit a little before the deadline it was given (by a
// millisecond, seen): a deadline this close counts as reached.
inline constexpr std::chrono::milliseconds kTimerSlack{100};

// "timed out after 300 s": a download that ran out of its total time.
std::string timed_out_after(int total_s);

// Why the transfer of `easy` ended with `code` (not CURLE_OK): the one place where libcurl's codes
// become reasons for users, for image downloads and API requests alike. A refusal of the address
// guard (in `guarded`) comes first; `past_deadline` says the total limit ran out. Limits of the
// caller's own (body size) are the caller's to word.
TransferFailure transfer_failure(CURL* easy, CURLcode code, const char* error_buffer,
                                 const GuardedTransfer& guarded, const TransferLimits& limits,
                                 bool past_deadline);

// How an image download ended without its body.
enum class DownloadEnd {
  Response,          // the last try's HTTP status or libcurl code, once the retries are over
  TooLarge,          // larger than --max-bytes
  Refused,           // the address guard or the scheme refused it
  TooManyRedirects,  // more than kMaxRedirects
  NotAnImage,        // a 2xx body whose first bytes are no image format
  TimedOut,          // --timeout ran out
  Local,             // could not be started here (out of memory, ...)
};

// Whether the same download tried again later (another delivery of a queue job) could end
// otherwise: the one place download failures are sorted. Permanent: a refused address or scheme,
// a bad URL, too many redirects, too large, not an image, HTTP 4xx but 408 and 429. Transient: the
// rest (5xx, 408, 429, timeouts, resets, refused connections, unknown codes). `code` and
// `http_status` are read for DownloadEnd::Response only.
FailureKind download_failure_kind(DownloadEnd end, CURLcode code = CURLE_OK, long http_status = 0);

}  // namespace thumbflow::detail
