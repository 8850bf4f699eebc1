#include "forward_proxy.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace thumbflow::test {
namespace {

// Headers of one connection (RFC 9110 section 7.6.1) and Host, which names the origin anew.
bool passed_on(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name != "host" && name != "connection" && name != "proxy-connection" && name != "keep-alive" &&
         name != "proxy-authorization" && name != "te" && name != "upgrade";
}

}  // namespace

ForwardProxy::ForwardProxy(int origin_port) : origin_port_(origin_port) {
  server_.set_handler("/", [this](const Request& r) { return forward(r); });
}

std::string ForwardProxy::url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

std::vector<Request> ForwardProxy::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<std::string> ForwardProxy::targets() const {
  std::vector<std::string> out;
  for (const Request& r : requests()) out.push_back(r.target);
  return out;
}

Response ForwardProxy::forward(const Request& request) {
  {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
  }
  if (request.target.rfind("http://", 0) != 0 || request.method != "GET")
    return Response{400, {}, "a forward proxy for plain http GET only"};
  httplib::Client origin("127.0.0.1", origin_port_);
  origin.set_connection_timeout(5);
  origin.set_read_timeout(10);
  httplib::Headers headers;
  for (const auto& [name, value] : request.headers)
    if (passed_on(name)) headers.emplace(name, value);
  const std::string path = request.query.empty() ? request.path : request.path + "?" + request.query;
  const httplib::Result got = origin.Get(path, headers);
  if (!got) return Response{502, {}, "origin: " + httplib::to_string(got.error())};
  Response response{got->status, {}, got->body};
  for (const char* name : {"Content-Type", "Location"})
    if (got->has_header(name)) response.headers.emplace_back(name, got->get_header_value(name));
  return response;
}

}  // namespace thumbflow::test
