#include "net/http_get.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "core/text.hpp"
#include "net/curl_common.hpp"

namespace thumbflow::detail {
namespace {

struct Exchange {
  HttpResponse response;
  std::size_t max_bytes = 0;
  bool too_big = false;
  const std::atomic<bool>* cancel = nullptr;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  if (x.response.body.size() + size * n > x.max_bytes) {
    x.too_big = true;
    return 0;
  }
  x.response.body.append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) x.response.headers.clear();  // a new response (redirect, 100)
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    x.response.headers[ascii_lower(line.substr(0, colon))] = std::string(value);
  }
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& x = *static_cast<Exchange*>(user);
  return x.cancel != nullptr && x.cancel->load() ? 1 : 0;
}

}  // namespace

HttpResponse http_get(const std::string& url, const std::vector<std::string>& headers,
                      const std::string& user_agent, int timeout_s, std::size_t max_bytes,
                      const std::atomic<bool>* cancel, const AddressGuard* guard) {
  curl_global_init_once();
  Exchange x;
  x.max_bytes = max_bytes;
  x.cancel = cancel;
  const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) {
    x.response.error = "cannot create a libcurl handle";
    return x.response;
  }
  const RequestHeaders request_headers(user_agent, headers);
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* e = easy.get();
  GuardedTransfer guarded;
  guarded.guard = guard;
  configure_easy(e, url, error_buffer, guarded, request_headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, &x);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  // timeout_s is for the whole exchange, redirects included.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  CURLcode code = CURLE_OK;
  for (int redirects = 0;; ++redirects) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(std::max<long long>(1, left.count())));
    x.response.body.clear();
    guarded.refused.clear();
    code = curl_easy_perform(e);
    x.response.status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &x.response.status);
    const std::string next = code == CURLE_OK ? redirect_location(e, x.response.status) : "";
    if (next.empty()) break;
    if (redirects == kMaxRedirects) {
      x.response.error = "more than " + std::to_string(kMaxRedirects) + " redirects";
      x.response.status = 0;
      x.response.body.clear();
      return x.response;
    }
    aim_redirect(e, next, url, request_headers);
  }
  if (const auto it = x.response.headers.find("content-type"); it != x.response.headers.end())
    x.response.content_type = it->second;
  if (code != CURLE_OK) {
    const bool past_deadline = std::chrono::steady_clock::now() + kTimerSlack >= deadline;
    TransferFailure failure =
        transfer_failure(e, code, error_buffer, guarded, {0, 0, timeout_s}, past_deadline);
    if (x.too_big)
      failure = {"response larger than " + std::to_string(max_bytes) + " bytes", false};
    else if (code == CURLE_ABORTED_BY_CALLBACK)
      failure = {"cancelled", false};
    x.response.error = std::move(failure.reason);
    x.response.transient = failure.transient;
    x.response.too_big = x.too_big;
    x.response.status = 0;
    x.response.body.clear();
  }
  return x.response;
}

}  // namespace thumbflow::detail
