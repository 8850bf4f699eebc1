// Which IP addresses are internal: the one classifier behind the private-address guard.
#pragma once

#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace thumbflow::detail {

// What makes an address internal, as the guard words it ("a loopback address"), or nullopt for a
// public one. Internal: unspecified / "this network" (0.0.0.0/8, ::), loopback (127/8, ::1),
// private (10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10), shared CGNAT (100.64/10),
// link-local (169.254/16, fe80::/10), multicast (224/4, ff00::/8), reserved (240/4) and broadcast
// (255.255.255.255). IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) IPv6 forms are
// judged by their IPv4 address. Anything that is not AF_INET/AF_INET6 is internal ("not an IP address").
std::optional<std::string> internal_address_kind(const sockaddr* address);

// The same for a numeric address ("10.1.2.3", "::ffff:127.0.0.1"); text that is not one is
// internal ("not an IP address"), so a caller never lets an unparsed name through.
std::optional<std::string> internal_address_kind(std::string_view numeric_address);

// "127.0.0.1:8080", "[::1]:443": how the guard names an endpoint (numeric, with its port).
std::string endpoint_text(const sockaddr* address);

}  // namespace thumbflow::detail
