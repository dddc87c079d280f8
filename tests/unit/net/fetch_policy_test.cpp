#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

#include "net/fetch_policy.hpp"
#include "url/rules.hpp"

namespace sa::net {
namespace {

AddressClass v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  std::array<std::uint8_t, 4> bytes{a, b, c, d};
  return classify_address(bytes);
}

AddressClass v6(std::vector<std::uint8_t> prefix, std::uint8_t last = 0) {
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < prefix.size(); ++i) bytes[i] = prefix[i];
  bytes[15] = last;
  return classify_address(bytes);
}

TEST_CASE("internal IPv4 ranges are classified so the fetcher can refuse them", "[net]") {
  CHECK(v4(127, 0, 0, 1) == AddressClass::loopback);
  CHECK(v4(127, 9, 9, 9) == AddressClass::loopback);
  CHECK(v4(10, 0, 0, 1) == AddressClass::not_global);
  CHECK(v4(172, 16, 0, 1) == AddressClass::not_global);
  CHECK(v4(172, 31, 255, 255) == AddressClass::not_global);
  CHECK(v4(172, 32, 0, 1) == AddressClass::global);
  CHECK(v4(192, 168, 1, 1) == AddressClass::not_global);
  CHECK(v4(169, 254, 169, 254) == AddressClass::not_global);
  CHECK(v4(0, 0, 0, 0) == AddressClass::not_global);
  CHECK(v4(224, 0, 0, 1) == AddressClass::not_global);
  CHECK(v4(255, 255, 255, 255) == AddressClass::not_global);
  CHECK(v4(93, 184, 216, 34) == AddressClass::global);
}

TEST_CASE("internal IPv6 ranges, and IPv4-mapped addresses, are refused", "[net]") {
  CHECK(v6({}, 1) == AddressClass::loopback);
  CHECK(v6({}, 0) == AddressClass::not_global);
  CHECK(v6({0xfc}, 1) == AddressClass::not_global);
  CHECK(v6({0xfd, 0x12}, 1) == AddressClass::not_global);
  CHECK(v6({0xfe, 0x80}, 1) == AddressClass::not_global);
  CHECK(v6({0xff, 0x02}, 1) == AddressClass::not_global);
  CHECK(v6({0x20, 0x01, 0x0d, 0xb8}, 1) == AddressClass::not_global);  // RFC 3849 documentation
  CHECK(v6({0x2a, 0x00, 0x14, 0x50}, 1) == AddressClass::global);
  CHECK(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0}, 1) == AddressClass::not_global);
  // Only ::1 and 127.0.0.0/8 count as loopback: a mapped 127.0.0.1 is simply refused.
  CHECK(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0}, 1) == AddressClass::not_global);
}

TEST_CASE("the fetcher parses exactly the jwks_uri values registration accepts", "[net]") {
  // CAUTH-8, REG-2: a jwks_uri that registration accepts must be fetchable, and one it refuses
  // must not be fetched; both sides ask url/ for the jwks_uri rules.
  const std::string text = GENERATE(
      as<std::string>{}, "https://a_b.example/jwks", "https://keys.example.org/jwks.json?x=1",
      "HTTPS://KEYS.EXAMPLE.ORG/jwks", "http://127.0.0.1:8080", "http://localhost/k",
      "https://[::1]:9443/jwks", "https://[2001:db8::1]/jwks", "https://a.example/p@th?u@x",
      "https://a.example/x/../jwks",
      // Refused by both.
      "", "not a url", "ftp://example.org/", "https://", "https:///x", "https://[::1/",
      "https://user:pw@example.org/", "https://example.org/#frag", "https://example.org/#",
      "https://example.org:0/", "https://example.org:99999/", "https://example.org:/",
      "https://exa mple.org/", "https://%61.example/", "https://a!b.example/", "http://0x7f.1/",
      "http://127.1/", "http://2130706433/", "http://127.0.0.2/", "http://a.example/jwks",
      "https://a.example\\@evil.example/", "https://a.example/c\\b", "https://[fe80::1%25eth0]/");
  CAPTURE(text);
  const bool registration_accepts = !url::check_client_url(text, url::ClientUrlUse::jwks_uri);
  CHECK(static_cast<bool>(parse_url(text)) == registration_accepts);
}

TEST_CASE("a jwks_uri with an underscore in its host name is fetched from that host", "[net]") {
  // Host names with '_' exist in DNS (RFC 2181 §11); registration accepts them, so must we.
  auto u = parse_url("https://a_b.example/.well-known/jwks.json?x=1");
  REQUIRE(u);
  CHECK(u->https);
  CHECK(u->host == "a_b.example");
  CHECK(u->port == 443);
  CHECK(u->target == "/.well-known/jwks.json?x=1");
  auto p = parse_url("http://127.0.0.1:8080");
  REQUIRE(p);
  CHECK_FALSE(p->https);
  CHECK(p->port == 8080);
  CHECK(p->target == "/");
  auto six = parse_url("https://[::1]:9443/jwks");
  REQUIRE(six);
  CHECK(six->host == "::1");
  CHECK(six->port == 9443);
}

TEST_CASE("Cache-Control max-age is read, and no-store or no-cache mean zero", "[net]") {
  CHECK(parse_max_age("max-age=120") == 120u);
  CHECK(parse_max_age("public, max-age=60, must-revalidate") == 60u);
  CHECK(parse_max_age("Max-Age=\"30\"") == 30u);
  CHECK(parse_max_age("no-store") == 0u);
  CHECK(parse_max_age("max-age=600, no-cache") == 0u);
  CHECK(parse_max_age("max-age=abc") == 0u);
  CHECK(parse_max_age("max-age=99999999999") == 4294967295u);
  CHECK_FALSE(parse_max_age("public"));
  CHECK_FALSE(parse_max_age(""));
}

}  // namespace
}  // namespace sa::net
