// The classifier behind the private-address guard: a table over each range, its edges, IPv6
// and the IPv4-mapped forms.
#include "net/address_class.hpp"

#include <gtest/gtest.h>

#include <string>

namespace thumbflow::detail {
namespace {

struct AddressCase {
  const char* address;
  const char* kind;  // nullptr: public
};

const AddressCase kCases[] = {
    // IPv4, each range with the addresses just inside and just outside.
    {"0.0.0.0", "an unspecified address"},
    {"0.255.255.255", "an unspecified address"},
    {"1.0.0.0", nullptr},
    {"126.255.255.255", nullptr},
    {"127.0.0.1", "a loopback address"},
    {"127.255.255.254", "a loopback address"},
    {"128.0.0.0", nullptr},
    {"9.255.255.255", nullptr},
    {"10.0.0.0", "a private address"},
    {"10.255.255.255", "a private address"},
    {"11.0.0.0", nullptr},
    {"172.15.255.255", nullptr},
    {"172.16.0.0", "a private address"},
    {"172.31.255.255", "a private address"},
    {"172.32.0.0", nullptr},
    {"192.167.255.255", nullptr},
    {"192.168.0.0", "a private address"},
    {"192.168.255.255", "a private address"},
    {"192.169.0.0", nullptr},
    {"100.63.255.255", nullptr},
    {"100.64.0.0", "a shared (CGNAT) address"},
    {"100.127.255.255", "a shared (CGNAT) address"},
    {"100.128.0.0", nullptr},
    {"169.253.255.255", nullptr},
    {"169.254.0.0", "a link-local address"},
    {"169.254.169.254", "a link-local address"},  // the cloud metadata service
    {"169.255.0.0", nullptr},
    {"223.255.255.255", nullptr},
    {"224.0.0.0", "a multicast address"},
    {"239.255.255.255", "a multicast address"},
    {"240.0.0.0", "a reserved address"},
    {"255.255.255.254", "a reserved address"},
    {"255.255.255.255", "a broadcast address"},
    {"8.8.8.8", nullptr},
    {"93.184.216.34", nullptr},
    // IPv6.
    {"::", "an unspecified address"},
    {"::1", "a loopback address"},
    {"::2", "an unspecified address"},  // ::0.0.0.2, IPv4-compatible form of 0/8
    {"fe80::1", "a link-local address"},
    {"febf:ffff::1", "a link-local address"},
    {"fec0::1", "a private address"},
    {"fbff:ffff::1", nullptr},
    {"fc00::1", "a private address"},
    {"fdff:ffff::1", "a private address"},
    {"fe00::1", nullptr},
    {"ff02::1", "a multicast address"},
    {"2001:4860:4860::8888", nullptr},
    {"2606:4700::1111", nullptr},
    // IPv4 inside IPv6: judged by the IPv4 address.
    {"::ffff:127.0.0.1", "a loopback address"},
    {"::ffff:7f00:1", "a loopback address"},
    {"::ffff:169.254.169.254", "a link-local address"},
    {"::ffff:10.1.2.3", "a private address"},
    {"::ffff:0.0.0.0", "an unspecified address"},
    {"::ffff:8.8.8.8", nullptr},
    {"::127.0.0.1", "a loopback address"},
    {"::192.168.1.1", "a private address"},
    {"::8.8.8.8", nullptr},
    // Not an address: never passes.
    {"localhost", "not an IP address"},
    {"", "not an IP address"},
    {"127.1", "not an IP address"},
};

TEST(AddressClass, Table) {
  for (const AddressCase& c : kCases) {
    const auto kind = internal_address_kind(std::string(c.address));
    if (c.kind == nullptr)
      EXPECT_FALSE(kind.has_value()) << c.address << " is " << kind.value_or("");
    else
      EXPECT_EQ(kind.value_or("public"), c.kind) << c.address;
  }
}

}  // namespace
}  // namespace thumbflow::detail
