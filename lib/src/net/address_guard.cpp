#include "net/address_guard.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <utility>

#include "net/address_class.hpp"

namespace thumbflow::detail {
namespace {

struct UrlParts {
  std::string host, port;  // host without IPv6 brackets; port numeric, the scheme's default if none
};

std::string url_part(CURLU* url, CURLUPart part, unsigned flags) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

// Host and port of `text`; a proxy may be given as "host:port" without a scheme (guessed).
UrlParts url_parts(const std::string& text) {
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  if (!url || curl_url_set(url.get(), CURLUPART_URL, text.c_str(),
                           CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return {};
  UrlParts parts{url_part(url.get(), CURLUPART_HOST, 0),
                 url_part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT)};
  if (parts.host.size() > 2 && parts.host.front() == '[')
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  return parts;
}

// The addresses `parts` resolves to; false when it does not.
bool resolve(const UrlParts& parts, const std::function<void(const sockaddr*)>& each) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (parts.host.empty() ||
      ::getaddrinfo(parts.host.c_str(), parts.port.empty() ? nullptr : parts.port.c_str(), &hints, &found) !=
          0)
    return false;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) each(a->ai_addr);
  ::freeaddrinfo(found);
  return true;
}

std::string host_text(const sockaddr* address) {
  const std::string endpoint = endpoint_text(address);
  const std::size_t colon = endpoint.rfind(':');
  std::string host = colon == std::string::npos ? endpoint : endpoint.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return host;
}

// The target of the request `transfer` is about to make through a proxy, judged once per URL.
std::optional<std::string> target_check(GuardedTransfer& transfer) {
  char* url = nullptr;
  curl_easy_getinfo(transfer.easy, CURLINFO_EFFECTIVE_URL, &url);
  const std::string current = url != nullptr ? url : "";
  if (current != transfer.checked_url || transfer.checked_url.empty()) {
    transfer.checked_url = current;
    transfer.checked_refusal = transfer.guard->target_refusal(current);
  }
  return transfer.checked_refusal;
}

curl_socket_t open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto& transfer = *static_cast<GuardedTransfer*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && transfer.guard != nullptr) {
    const bool proxy = transfer.guard->is_proxy(host_text(&address->addr));
    if (auto why = proxy ? target_check(transfer) : transfer.guard->refusal(&address->addr)) {
      transfer.refused = std::move(*why);
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// Called before each request, also on a reused connection: a kept-alive proxy connection carries
// requests for any host.
int before_request(void* user, char* primary_ip, char*, int, int) {
  auto& transfer = *static_cast<GuardedTransfer*>(user);
  if (transfer.guard == nullptr || primary_ip == nullptr || !transfer.guard->is_proxy(primary_ip))
    return CURL_PREREQFUNC_OK;
  if (auto why = target_check(transfer)) {
    transfer.refused = std::move(*why);
    return CURL_PREREQFUNC_ABORT;
  }
  return CURL_PREREQFUNC_OK;
}

}  // namespace

std::vector<std::string> environment_proxies() {
  std::vector<std::string> out;
  for (const char* name :
       {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') out.emplace_back(value);
  return out;
}

AddressGuard::AddressGuard(bool allow_internal, const std::vector<std::string>& trusted_origins,
                           const std::vector<std::string>& proxies, std::string hint)
    : allow_internal_(allow_internal), hint_(std::move(hint)) {
  if (allow_internal_) return;
  for (const std::string& origin : trusted_origins)
    resolve(url_parts(origin), [&](const sockaddr* a) { trusted_endpoints_.insert(endpoint_text(a)); });
  for (const std::string& proxy : proxies)
    resolve({url_parts(proxy).host, ""}, [&](const sockaddr* a) { proxy_hosts_.insert(host_text(a)); });
}

std::optional<std::string> AddressGuard::refusal(const sockaddr* address) const {
  if (allow_internal_) return std::nullopt;
  const std::optional<std::string> kind = internal_address_kind(address);
  if (!kind || trusted_endpoints_.count(endpoint_text(address)) != 0) return std::nullopt;
  return "refused: " + host_text(address) + " is " + *kind + hint_;
}

std::optional<std::string> AddressGuard::target_refusal(const std::string& url) const {
  if (allow_internal_) return std::nullopt;
  const UrlParts parts = url_parts(url);
  std::optional<std::string> why;
  const bool resolved = resolve(parts, [&](const sockaddr* a) {
    if (!why) why = refusal(a);
  });
  if (!resolved)
    return "refused: " + (parts.host.empty() ? url : parts.host) +
           " does not resolve here, and through a proxy its address must be checked" + hint_;
  return why;
}

bool AddressGuard::is_proxy(const std::string& numeric_host) const {
  return !allow_internal_ && proxy_hosts_.count(numeric_host) != 0;
}

void install_address_guard(CURL* easy, GuardedTransfer& transfer) {
  transfer.easy = easy;
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &before_request);
  curl_easy_setopt(easy, CURLOPT_PREREQDATA, &transfer);
}

}  // namespace thumbflow::detail
