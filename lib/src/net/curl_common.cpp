#include "net/curl_common.hpp"

#include <memory>
#include <mutex>

#include "core/text.hpp"

namespace thumbflow::detail {
namespace {

// "scheme://host:port" of an absolute URL, lower case, or "" when it is not one.
std::string origin_of(const std::string& text) {
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  if (!url || curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return "";
  std::string parts[3];
  const CURLUPart which[3] = {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT};
  for (int i = 0; i < 3; ++i) {
    char* value = nullptr;
    if (curl_url_get(url.get(), which[i], &value, i == 2 ? CURLU_DEFAULT_PORT : 0) != CURLUE_OK) return "";
    parts[i] = ascii_lower(value);
    curl_free(value);
  }
  return parts[0] + "://" + parts[1] + ":" + parts[2];
}

// Transport failures worth trying again: timeouts, resets, refused connections.
bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

std::string seconds(int s) { return std::to_string(s) + " s"; }

}  // namespace

void curl_global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void configure_easy(CURL* easy, const std::string& url, char* error_buffer, GuardedTransfer& guarded,
                    const RequestHeaders& headers) {
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_USERAGENT, headers.user_agent().c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.list());
  install_address_guard(easy, guarded);
}

std::string redirect_location(CURL* easy, long status) {
  if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) return "";
  char* location = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location) != CURLE_OK || location == nullptr) return "";
  return location;
}

void aim_redirect(CURL* easy, const std::string& next, const std::string& first,
                  const RequestHeaders& headers) {
  curl_easy_setopt(easy, CURLOPT_URL, next.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, same_origin(next, first) ? headers.list() : nullptr);
}

bool same_origin(const std::string& a, const std::string& b) {
  const std::string origin = origin_of(a);
  return !origin.empty() && origin == origin_of(b);
}

std::string timed_out_after(int total_s) { return "timed out after " + seconds(total_s); }

TransferFailure transfer_failure(CURL* easy, CURLcode code, const char* error_buffer,
                                 const GuardedTransfer& guarded, const TransferLimits& limits,
                                 bool past_deadline) {
  // A refused address is refused again on every try.
  if (!guarded.refused.empty()) return {guarded.refused, false};
  const std::string curl_text = error_buffer != nullptr && error_buffer[0] != '\0' ? std::string(error_buffer)
                                                                                   : curl_easy_strerror(code);
  const auto said = [&curl_text](std::string_view start) { return curl_text.starts_with(start); };
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {"only http and https are allowed (also after redirects)", false};
    case CURLE_OPERATION_TIMEDOUT:
      // Worth trying again when the caller's limit is per try; a download's is not (its caller knows).
      if (past_deadline && limits.total_s > 0) return {timed_out_after(limits.total_s), true};
      if (said("Operation too slow") && limits.stall_s > 0)
        return {"stalled: slower than 1 KB/s for " + seconds(limits.stall_s), true};
      if ((said("Connection timed out") || said("Failed to connect")) && limits.connect_s > 0)
        return {"could not connect within " + seconds(limits.connect_s), true};
      break;
    case CURLE_OUT_OF_MEMORY: {
      // libcurl 7.x reports a header line over its 100 KB limit so, before any body byte; 8.x says
      // CURLE_TOO_LARGE.
      curl_off_t body = 0;
      curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &body);
      if (body == 0) return {"response header too large (a header line over 100 KB)", false};
      break;
    }
    case CURLE_RECV_ERROR:
      if (said("Too large response headers")) return {"response headers too large (over 300 KB)", false};
      break;
    default:
      break;
  }
  return {curl_text + " (curl error " + std::to_string(int(code)) + ")", is_transient(code)};
}

FailureKind download_failure_kind(DownloadEnd end, CURLcode code, long http_status) {
  switch (end) {
    case DownloadEnd::TooLarge:
    case DownloadEnd::Refused:
    case DownloadEnd::TooManyRedirects:
    case DownloadEnd::NotAnImage:
      return FailureKind::Permanent;
    case DownloadEnd::TimedOut:
    case DownloadEnd::Local:
      return FailureKind::Transient;
    case DownloadEnd::Response:
      break;
  }
  switch (code) {
    case CURLE_OK:
      return http_status >= 400 && http_status < 500 && http_status != 408 && http_status != 429
                 ? FailureKind::Permanent
                 : FailureKind::Transient;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_FILESIZE_EXCEEDED:
      return FailureKind::Permanent;
    default:
      return FailureKind::Transient;
  }
}

}  // namespace thumbflow::detail
