// One synchronous HTTP GET for small API responses (gallery pages), with its response headers.
// Images go through CurlDownloader instead.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace thumbflow::detail {

class AddressGuard;

struct HttpResponse {
  long status = 0;  // 0 when no response came
  std::string body;
  std::string content_type;
  std::map<std::string, std::string> headers;  // names in lower case; the last value of a repeated name
  std::string error;                           // transport failure, one line; "" when a response came
  bool transient = false;                      // the failure is worth trying again (timeout, reset, refused)
  bool too_big = false;                        // the failure is a body over max_bytes
};

// GETs `url` (http/https only, at most 5 redirects) with `headers` ("Name: value", checked:
// std::invalid_argument) and `user_agent` ("" = thumbflow's), within timeout_s for the whole
// exchange. The headers follow a redirect only to the scheme, host and port of `url`. A body over
// max_bytes ends the transfer with an error. Ends early, with an error, when *cancel becomes true.
// Every connection, the first and those of redirects, goes through `guard` as image downloads do
// (null: no checks); a refused one ends the exchange with the guard's reason, not retried.
// Thread-safe.
HttpResponse http_get(const std::string& url, const std::vector<std::string>& headers,
                      const std::string& user_agent, int timeout_s, std::size_t max_bytes,
                      const std::atomic<bool>* cancel, const AddressGuard* guard);

}  // namespace thumbflow::detail
