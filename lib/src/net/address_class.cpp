#include "net/address_class.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace thumbflow::detail {
namespace {

struct Range4 {
  std::uint32_t base;
  int bits;
  const char* kind;
};

constexpr std::uint32_t v4(int a, int b, int c, int d) {
  return std::uint32_t(a) << 24 | std::uint32_t(b) << 16 | std::uint32_t(c) << 8 | std::uint32_t(d);
}

// Broadcast first: it lies inside the reserved block and has a name of its own.
constexpr std::array<Range4, 10> kInternal4 = {{
    {v4(255, 255, 255, 255), 32, "a broadcast address"},
    {v4(0, 0, 0, 0), 8, "an unspecified address"},
    {v4(127, 0, 0, 0), 8, "a loopback address"},
    {v4(10, 0, 0, 0), 8, "a private address"},
    {v4(172, 16, 0, 0), 12, "a private address"},
    {v4(192, 168, 0, 0), 16, "a private address"},
    {v4(100, 64, 0, 0), 10, "a shared (CGNAT) address"},
    {v4(169, 254, 0, 0), 16, "a link-local address"},
    {v4(224, 0, 0, 0), 4, "a multicast address"},
    {v4(240, 0, 0, 0), 4, "a reserved address"},
}};

std::optional<std::string> kind_of_v4(std::uint32_t a) {
  for (const Range4& r : kInternal4) {
    const std::uint32_t mask = ~std::uint32_t(0) << (32 - r.bits);
    if ((a & mask) == r.base) return std::string(r.kind);
  }
  return std::nullopt;
}

std::optional<std::string> kind_of_v6(const std::uint8_t* b) {
  static constexpr std::uint8_t kZero[12] = {};
  const bool first_ten_zero = std::memcmp(b, kZero, 10) == 0;
  const std::uint32_t last4 = std::uint32_t(b[12]) << 24 | std::uint32_t(b[13]) << 16 |
                              std::uint32_t(b[14]) << 8 | std::uint32_t(b[15]);
  if (first_ten_zero && b[10] == 0xFF && b[11] == 0xFF) return kind_of_v4(last4);  // ::ffff:a.b.c.d
  if (std::memcmp(b, kZero, 12) == 0) {
    if (last4 == 0) return "an unspecified address";
    if (last4 == 1) return "a loopback address";
    return kind_of_v4(last4);  // ::a.b.c.d, deprecated but still routed to IPv4 by some stacks
  }
  if (b[0] == 0xFF) return "a multicast address";
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "a link-local address";
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return "a private address";  // site-local, deprecated
  if ((b[0] & 0xFE) == 0xFC) return "a private address";                  // unique local
  return std::nullopt;
}

}  // namespace

std::optional<std::string> internal_address_kind(const sockaddr* address) {
  if (address != nullptr && address->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, address, sizeof in);
    return kind_of_v4(ntohl(in.sin_addr.s_addr));
  }
  if (address != nullptr && address->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, address, sizeof in6);
    return kind_of_v6(in6.sin6_addr.s6_addr);
  }
  return "not an IP address";
}

std::optional<std::string> internal_address_kind(std::string_view numeric_address) {
  const std::string text(numeric_address);
  in_addr a4{};
  if (::inet_pton(AF_INET, text.c_str(), &a4) == 1) return kind_of_v4(ntohl(a4.s_addr));
  in6_addr a6{};
  if (::inet_pton(AF_INET6, text.c_str(), &a6) == 1) return kind_of_v6(a6.s6_addr);
  return "not an IP address";
}

std::string endpoint_text(const sockaddr* address) {
  char host[INET6_ADDRSTRLEN] = {};
  if (address != nullptr && address->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, address, sizeof in);
    ::inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(in.sin_port));
  }
  if (address != nullptr && address->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, address, sizeof in6);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6.sin6_port));
  }
  return "(not an IP address)";
}

}  // namespace thumbflow::detail
