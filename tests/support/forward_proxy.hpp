// A forward proxy for plain http on 127.0.0.1, for tests of http_proxy: it takes requests in
// absolute form ("GET http://host:port/path HTTP/1.1"), records each, and fetches its path and
// query from one loopback origin whatever host the URL names (so URLs may name hosts that do not
// exist or are not reachable from here), passing the request headers on (but the hop-by-hop
// ones and Host) and the origin's status, Content-Type, Location and body back. Anything else
// (origin-form requests, CONNECT) gets 400.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "http_server.hpp"

namespace thumbflow::test {

class ForwardProxy {
 public:
  explicit ForwardProxy(int origin_port);
  ForwardProxy(const ForwardProxy&) = delete;
  ForwardProxy& operator=(const ForwardProxy&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT", the value for http_proxy
  // Every request received, in order; Request::target is the absolute URL as sent.
  std::vector<Request> requests() const;
  // The absolute URLs requested, in order.
  std::vector<std::string> targets() const;

 private:
  Response forward(const Request& request);

  int origin_port_;
  mutable std::mutex mu_;
  std::vector<Request> requests_;  // guarded by mu_
  HttpServer server_;              // last: stops (joins its threads) before the rest goes
};

}  // namespace thumbflow::test
