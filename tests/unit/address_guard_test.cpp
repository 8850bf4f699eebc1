// The address guard behind a proxy: a connection to the proxy is judged by the request's target
// host (resolved by the guard), not by the proxy's own address. Numeric hosts only: no DNS.
#include "net/address_guard.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace thumbflow::detail {
namespace {

constexpr const char* kPrivate = "refused: 10.1.2.3 is a private address; --allow-private-urls to allow";

TEST(AddressGuard, ProxiesAreKnownByTheirAddressWhateverThePort) {
  const AddressGuard guard(false, {}, {"http://127.0.0.1:3128", "10.0.0.7:8080", "socks5h://[::1]:1080"});
  EXPECT_TRUE(guard.is_proxy("127.0.0.1"));
  EXPECT_TRUE(guard.is_proxy("10.0.0.7"));
  EXPECT_TRUE(guard.is_proxy("::1"));
  EXPECT_FALSE(guard.is_proxy("127.0.0.2"));
  EXPECT_FALSE(guard.is_proxy("192.0.2.1"));
  // Allowing everything checks nothing, proxies included.
  EXPECT_FALSE(AddressGuard(true, {}, {"http://127.0.0.1:3128"}).is_proxy("127.0.0.1"));
}

TEST(AddressGuard, TargetsAreJudgedByTheirOwnAddressAndPort) {
  const AddressGuard guard(false, {"http://127.0.0.1:8080"}, {"http://127.0.0.1:3128"});
  EXPECT_EQ(guard.target_refusal("http://10.1.2.3/i/a.jpg"), kPrivate);
  EXPECT_EQ(guard.target_refusal("http://192.0.2.10/i/a.jpg"), std::nullopt);
  EXPECT_EQ(guard.target_refusal("https://[2001:db8::1]:8443/a.jpg"), std::nullopt);
  EXPECT_EQ(guard.target_refusal("http://[::ffff:127.0.0.1]/a.jpg"),
            "refused: ::ffff:127.0.0.1 is a loopback address; --allow-private-urls to allow");
  // The trusted origin's host and port only; the proxy's own address is no pass for a target.
  EXPECT_EQ(guard.target_refusal("http://127.0.0.1:8080/i/a.jpg"), std::nullopt);
  EXPECT_NE(guard.target_refusal("http://127.0.0.1:8081/i/a.jpg"), std::nullopt);
  EXPECT_NE(guard.target_refusal("http://127.0.0.1:3128/"), std::nullopt);
  EXPECT_NE(guard.target_refusal("not a url"), std::nullopt);
  EXPECT_EQ(AddressGuard(true, {}, {}).target_refusal("http://10.1.2.3/"), std::nullopt);
}

TEST(AddressGuard, ProxiesComeFromLibcurlsVariables) {
  const char* saved = std::getenv("all_proxy");
  const std::string before = saved != nullptr ? saved : "";
  ::setenv("all_proxy", "socks5://10.9.8.7:1080", 1);
  const std::vector<std::string> found = environment_proxies();
  EXPECT_NE(std::find(found.begin(), found.end(), "socks5://10.9.8.7:1080"), found.end());
  EXPECT_TRUE(AddressGuard(false, {}).is_proxy("10.9.8.7"));
  if (saved != nullptr)
    ::setenv("all_proxy", before.c_str(), 1);
  else
    ::unsetenv("all_proxy");
}

}  // namespace
}  // namespace thumbflow::detail
