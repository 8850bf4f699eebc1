// Serves a metrics registry's text at http://HOST:PORT/metrics (cpp-httplib, threads of its own),
// for Prometheus to scrape.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace thumbflow::detail {

struct ListenAddress {
  std::string host;  // as given, brackets of an IPv6 address removed
  int port = 0;      // 0: any free port
};

// "HOST:PORT" ("127.0.0.1:9100", "localhost:0", "[::1]:9100", "0.0.0.0:9100"). Throws
// std::invalid_argument naming what is wrong.
ListenAddress parse_listen_address(std::string_view text);

class MetricsServer {
 public:
  // Binds now and serves GET /metrics with render()'s text (called on a server thread, once per
  // scrape). Throws std::runtime_error naming the address when it cannot listen (in use, not an
  // address of this machine).
  MetricsServer(const ListenAddress& where, std::function<std::string()> render);
  ~MetricsServer();  // stops serving and joins
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // http://HOST:PORT/metrics with the port bound.
  std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace thumbflow::detail
