// CAUTH-2: what a per-address limit counts under.
#include "ratelimit/address_key.hpp"

#include <catch2/catch.hpp>

namespace sa::ratelimit {
namespace {

TEST_CASE("IPv4 addresses count alone and IPv6 addresses by their /64", "[ratelimit]") {
  auto [ip, key] = GENERATE(table<std::string, std::string>({
      {"192.0.2.7", "192.0.2.7"},
      {"::ffff:192.0.2.7", "192.0.2.7"},
      {"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
      {"2001:db8:1:2::1", "2001:db8:1:2::/64"},
      {"::1", "::/64"},
      {"unknown", "unknown"},
  }));
  CAPTURE(ip);
  CHECK(address_key(ip) == key);
}

}  // namespace
}  // namespace sa::ratelimit
