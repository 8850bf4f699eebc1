// The private-address guard: refuses connections to internal addresses (address_class.hpp) on the
// address libcurl is about to connect to, so that neither a redirect nor a DNS answer gets round it.
//
// Through a proxy (http_proxy, https_proxy, all_proxy, ... which libcurl reads from the
// environment) libcurl connects to the proxy, and the proxy to the target. The proxy is the
// user's own and may be internal; what the guard checks then is the target: it resolves the host
// of the URL being requested itself, and refuses the request when any of its addresses is
// internal (or when it does not resolve). The proxy resolves the name again, so a DNS answer that
// changes between the two lookups can get past the guard; a proxy that refuses internal
// addresses itself closes that gap.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

struct sockaddr;

namespace thumbflow::detail {

// The proxy URLs libcurl may take from the environment: http_proxy, HTTP_PROXY, https_proxy,
// HTTPS_PROXY, all_proxy and ALL_PROXY, those set and not empty.
std::vector<std::string> environment_proxies();

class AddressGuard {
 public:
  // allow_internal: let everything through (the user's own URL list, the embedded gallery).
  // trusted_origins: base URLs ("http://127.0.0.1:8080") whose host and port stay allowed, such as
  // a gallery API the user named. proxies: URLs or "host:port" of the proxies in use; a
  // connection to one of their addresses is a connection to a proxy (any port). Host names are
  // resolved here, once. `hint` ends every refusal: how the user may allow it.
  AddressGuard(bool allow_internal, const std::vector<std::string>& trusted_origins,
               const std::vector<std::string>& proxies = environment_proxies(),
               std::string hint = "; --allow-private-urls to allow");

  // nullopt when a connection to `address` is allowed; else the one-line reason:
  // "refused: 127.0.0.1 is a loopback address; --allow-private-urls to allow".
  std::optional<std::string> refusal(const sockaddr* address) const;

  // The same for a request for `url` sent through a proxy: judged on the addresses its host
  // resolves to here (with its port, for trusted origins). Blocks while the name resolves.
  std::optional<std::string> target_refusal(const std::string& url) const;

  // True when the guard checks something, and `numeric_host` ("10.0.0.1", "::1") is a proxy's.
  bool is_proxy(const std::string& numeric_host) const;

 private:
  bool allow_internal_;
  std::string hint_;
  std::set<std::string> trusted_endpoints_;  // endpoint_text of each address of each trusted origin
  std::set<std::string> proxy_hosts_;        // numeric address of each proxy
};

// One transfer's view of the guard: the last refusal, so that the transfer can report it (libcurl
// only says "could not connect") and not retry it. `guard` null: no checks.
struct GuardedTransfer {
  const AddressGuard* guard = nullptr;
  std::string refused;
  CURL* easy = nullptr;     // set by install_address_guard: what URL the transfer is at
  std::string checked_url;  // the last target judged through a proxy, and how
  std::optional<std::string> checked_refusal;
};

// Installs `transfer` as the open-socket and pre-request callbacks of `easy`: every connection it
// makes (also after redirects, and for each address a name resolves to) is checked first, and
// every request that goes through a proxy, on a new connection or a reused one, is checked for
// its target.
void install_address_guard(CURL* easy, GuardedTransfer& transfer);

}  // namespace thumbflow::detail
