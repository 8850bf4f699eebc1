#include "core/metrics_server.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "core/listen_socket.hpp"

namespace thumbflow::detail {

ListenAddress parse_listen_address(std::string_view text) {
  const std::string shown(text);
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    throw std::invalid_argument("metrics address '" + shown + "' is not HOST:PORT (e.g. 127.0.0.1:9100)");
  ListenAddress a;
  a.host = std::string(text.substr(0, colon));
  if (a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
  for (const char c : a.host)
    if (static_cast<unsigned char>(c) <= ' ' || c == '[' || c == ']' || c == '/')
      throw std::invalid_argument("metrics address '" + shown + "' has a bad host");
  const std::string_view port = text.substr(colon + 1);
  if (a.host.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoi(std::string(port)) > 65535)
    throw std::invalid_argument("metrics address '" + shown + "' needs a port 0..65535 after the host");
  a.port = std::stoi(std::string(port));
  return a;
}

struct MetricsServer::Impl {
  httplib::Server http;
  std::thread listener;
  std::atomic<bool> ended{false};
  std::string url;
};

MetricsServer::MetricsServer(const ListenAddress& where, std::function<std::string()> render)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  // Scrapes are rare and short: two threads, and idle connections closed soon.
  s.http.new_task_queue = [] { return new httplib::ThreadPool(2); };
  s.http.set_socket_options(reuse_address_only);
  s.http.set_keep_alive_timeout(2);
  s.http.Get("/metrics", [render](const httplib::Request&, httplib::Response& res) {
    res.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  s.http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("thumbflow: metrics at /metrics\n", "text/plain; charset=utf-8");
  });
  const int port = where.port == 0 ? s.http.bind_to_any_port(where.host)
                                   : (s.http.bind_to_port(where.host, where.port) ? where.port : -1);
  const bool v6 = where.host.find(':') != std::string::npos;
  const std::string host_port = (v6 ? "[" + where.host + "]" : where.host) + ":";
  if (port <= 0)
    throw std::runtime_error("metrics: cannot listen on " + host_port + std::to_string(where.port) +
                             " (port in use, or not an address of this machine)");
  s.url = "http://" + host_port + std::to_string(port) + "/metrics";
  s.listener = std::thread([&s] {
    s.http.listen_after_bind();
    s.ended = true;
  });
  // httplib's stop() does nothing until listening has begun.
  for (int i = 0; i < 10000 && !s.http.is_running() && !s.ended; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

MetricsServer::~MetricsServer() {
  impl_->http.stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

std::string MetricsServer::url() const { return impl_->url; }

}  // namespace thumbflow::detail
