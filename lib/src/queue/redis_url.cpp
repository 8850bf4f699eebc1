// redis://[user:password@]host[:port][/db], as redis-cli -u and most clients take it.
#include <charconv>
#include <string>

#include "core/text.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Passwords often hold '@', ':' or '/': they must come percent-encoded.
std::string percent_decode(std::string_view s, std::string_view url) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    const int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) throw std::invalid_argument("bad percent escape in Redis URL " + std::string(url));
    out.push_back(char(hi * 16 + lo));
    i += 2;
  }
  return out;
}

int parse_number(std::string_view text, int low, int high, const char* what, std::string_view url) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < low || value > high)
    throw std::invalid_argument(std::string("bad ") + what + " in Redis URL " + std::string(url));
  return value;
}

}  // namespace

RedisAddress parse_redis_url(std::string_view url) {
  const std::string_view scheme = "redis://";
  if (detail::ascii_lower(url.substr(0, scheme.size())) != scheme)
    throw std::invalid_argument("Redis URL must start with redis:// (got '" + std::string(url) + "')");
  // The password is not repeated in messages.
  const std::string shown =
      "'redis://" +
      std::string(url.substr(url.find('@') == std::string_view::npos ? scheme.size() : url.rfind('@') + 1)) +
      "'";
  std::string_view rest = url.substr(scheme.size());
  RedisAddress a;
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      a.password = percent_decode(userinfo, shown);  // redis://secret@host, as redis-cli takes it
    } else {
      a.user = percent_decode(userinfo.substr(0, colon), shown);
      a.password = percent_decode(userinfo.substr(colon + 1), shown);
    }
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) a.db = parse_number(db, 0, 100000, "database number", shown);
    rest = rest.substr(0, slash);
  }
  std::string_view host = rest;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:6379
    const auto close = rest.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("bad IPv6 host in Redis URL " + shown);
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') throw std::invalid_argument("bad host in Redis URL " + shown);
    if (!rest.empty()) a.port = parse_number(rest.substr(1), 1, 65535, "port", shown);
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    a.port = parse_number(rest.substr(colon + 1), 1, 65535, "port", shown);
  }
  if (!host.empty()) a.host = std::string(host);
  return a;
}

std::string describe(const RedisAddress& a) {
  const bool v6 = a.host.find(':') != std::string::npos;
  std::string s = (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port);
  if (a.db != 0) s += "/" + std::to_string(a.db);
  return s;
}

}  // namespace thumbflow
