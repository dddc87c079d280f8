// The SSRF guard against the IANA IPv4 and IPv6 Special-Purpose Address Registries (issue 6,
// finding 2.4). CAUTH-8: the jwks_uri fetch must not be steerable to internal addresses.
// The expectations below are written out independently of service/net/special_purpose.cpp, from
// the registries' "Globally Reachable" column; one test below checks the two lists agree.
#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include <array>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/fetch_policy.hpp"
#include "net/special_purpose.hpp"

namespace sa::net {
namespace {

using Iana = Reachability;  // the registry's "Globally Reachable" column

struct Expectation {
  std::string_view prefix;
  Iana globally_reachable;
  AddressClass expected;  // for the first, last and an inside address
};

std::ostream& operator<<(std::ostream& os, const Expectation& e) { return os << e.prefix; }

constexpr auto kGlobal = AddressClass::global;
constexpr auto kLoopback = AddressClass::loopback;
constexpr auto kRefused = AddressClass::not_global;

// Every row of both registries, in registry order, plus the blocks they leave to other registries.
const std::vector<Expectation> kExpectations = {
    // IANA IPv4 Special-Purpose Address Registry
    {"0.0.0.0/8", Iana::no, kRefused},
    {"0.0.0.0/32", Iana::no, kRefused},
    {"10.0.0.0/8", Iana::no, kRefused},
    {"100.64.0.0/10", Iana::no, kRefused},
    {"127.0.0.0/8", Iana::no, kLoopback},
    {"169.254.0.0/16", Iana::no, kRefused},
    {"172.16.0.0/12", Iana::no, kRefused},
    {"192.0.0.0/24", Iana::no, kRefused},
    {"192.0.0.0/29", Iana::no, kRefused},
    {"192.0.0.8/32", Iana::no, kRefused},
    {"192.0.0.9/32", Iana::yes, kGlobal},
    {"192.0.0.10/32", Iana::yes, kGlobal},
    {"192.0.0.170/32", Iana::no, kRefused},
    {"192.0.0.171/32", Iana::no, kRefused},
    {"192.0.2.0/24", Iana::no, kRefused},
    {"192.31.196.0/24", Iana::yes, kGlobal},
    {"192.52.193.0/24", Iana::yes, kGlobal},
    {"192.88.99.0/24", Iana::not_applicable, kRefused},  // terminated 2015-03
    {"192.88.99.2/32", Iana::no, kRefused},
    {"192.168.0.0/16", Iana::no, kRefused},
    {"192.175.48.0/24", Iana::yes, kGlobal},
    {"198.18.0.0/15", Iana::no, kRefused},
    {"198.51.100.0/24", Iana::no, kRefused},
    {"203.0.113.0/24", Iana::no, kRefused},
    {"240.0.0.0/4", Iana::no, kRefused},
    {"255.255.255.255/32", Iana::no, kRefused},
    // IANA IPv4 Multicast Address Space Registry (RFC 5771): no TCP to a group address.
    {"224.0.0.0/4", Iana::no, kRefused},
    // IANA IPv6 Special-Purpose Address Registry
    {"::1/128", Iana::no, kLoopback},
    {"::/128", Iana::no, kRefused},
    {"::ffff:0:0/96", Iana::no, kRefused},
    {"64:ff9b::/96", Iana::yes, kRefused},  // reachable, but it embeds IPv4 and is outside 2000::/3
    {"64:ff9b:1::/48", Iana::no, kRefused},
    {"100::/64", Iana::no, kRefused},
    {"100:0:0:1::/64", Iana::no, kRefused},
    {"2001::/23", Iana::no, kRefused},
    {"2001::/32", Iana::not_applicable, kRefused},
    {"2001:1::1/128", Iana::yes, kGlobal},
    {"2001:1::2/128", Iana::yes, kGlobal},
    {"2001:1::3/128", Iana::yes, kGlobal},
    {"2001:2::/48", Iana::no, kRefused},
    {"2001:3::/32", Iana::yes, kGlobal},
    {"2001:4:112::/48", Iana::yes, kGlobal},
    {"2001:10::/28", Iana::not_applicable, kRefused},  // terminated 2014-03
    {"2001:20::/28", Iana::yes, kGlobal},
    {"2001:30::/28", Iana::yes, kGlobal},
    {"2001:db8::/32", Iana::no, kRefused},
    {"2002::/16", Iana::not_applicable, kRefused},
    {"2620:4f:8000::/48", Iana::yes, kGlobal},
    {"3fff::/20", Iana::no, kRefused},
    {"5f00::/16", Iana::no, kRefused},
    {"fc00::/7", Iana::no, kRefused},
    {"fe80::/10", Iana::no, kRefused},
    // Not in the IPv6 special-purpose registry, named for the reader (all outside 2000::/3).
    {"::/96", Iana::no, kRefused},      // deprecated IPv4-compatible (RFC 4291 §2.5.5.1)
    {"fec0::/10", Iana::no, kRefused},  // deprecated site-local (RFC 3879)
    {"ff00::/8", Iana::no, kRefused},   // multicast (RFC 4291 §2.7)
};

struct Address {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t size = 0;  // 4 or 16
  std::span<const std::uint8_t> span() const { return {bytes.data(), size}; }
};

std::string to_text(const Address& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(a.size == 4 ? AF_INET : AF_INET6, a.bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<Address> parse_address(const std::string& text) {
  Address a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.size = 4;
  } else if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.size = 16;
  } else {
    return std::nullopt;
  }
  return a;
}

// {first, last, inside}: the inside address sets the first host bit, so it sits mid-block.
std::vector<Address> probes(std::string_view cidr) {
  auto slash = cidr.find('/');
  auto first = parse_address(std::string(cidr.substr(0, slash)));
  REQUIRE(first);
  unsigned length = std::stoul(std::string(cidr.substr(slash + 1)));
  Address last = *first;
  Address inside = *first;
  for (unsigned bit = length; bit < first->size * 8; ++bit) {
    last.bytes[bit / 8] |= static_cast<std::uint8_t>(0x80u >> (bit % 8));
  }
  if (length < first->size * 8) {
    inside.bytes[length / 8] |= static_cast<std::uint8_t>(0x80u >> (length % 8));
  }
  return {*first, last, inside};
}

AddressClass classify(const std::string& text) {
  auto a = parse_address(text);
  REQUIRE(a);
  return classify_address(a->span());
}

TEST_CASE(
    "every special-purpose block is refused at its first, last and an inside address "
    "unless IANA marks it globally reachable",
    "[net][ssrf]") {
  auto row = GENERATE(from_range(kExpectations));
  CAPTURE(row);
  for (const auto& address : probes(row.prefix)) {
    INFO("address " << to_text(address));
    CHECK(classify_address(address.span()) == row.expected);
  }
}

TEST_CASE("addresses just outside a special-purpose block are fetched", "[net][ssrf]") {
  struct Case {
    std::string address;
    AddressClass expected;
  };
  auto c = GENERATE(values<Case>({
      // 198.18.0.0/15 benchmarking (RFC 2544), the finding's example
      {"198.17.255.255", kGlobal},
      {"198.18.0.0", kRefused},
      {"198.19.255.255", kRefused},
      {"198.20.0.0", kGlobal},
      // 100.64.0.0/10, 172.16.0.0/12, 127.0.0.0/8, 224.0.0.0/4, 0.0.0.0/8
      {"100.63.255.255", kGlobal},
      {"100.128.0.0", kGlobal},
      {"172.15.255.255", kGlobal},
      {"172.32.0.0", kGlobal},
      {"126.255.255.255", kGlobal},
      {"128.0.0.0", kGlobal},
      {"223.255.255.255", kGlobal},
      {"1.0.0.0", kGlobal},
      // 192.0.0.0/24 and its reachable /32s; TEST-NET-1; the 6to4 relay /24
      {"191.255.255.255", kGlobal},
      {"192.0.1.0", kGlobal},
      {"192.0.0.8", kRefused},
      {"192.0.0.11", kRefused},
      {"192.0.2.255", kRefused},
      {"192.0.3.0", kGlobal},
      {"192.88.98.255", kGlobal},
      {"192.88.100.0", kGlobal},
      // reachable blocks inside 2001::/23 end where they end; the /23 itself is refused
      {"2001:1::4", kRefused},
      {"2001:2:1::", kRefused},
      {"2001:4:111:ffff:ffff:ffff:ffff:ffff", kRefused},
      {"2001:4:113::", kRefused},
      {"2001:200::", kGlobal},
      // 2001:db8::/32 and 3fff::/20 documentation, 2002::/16 6to4, the AS112 /48
      {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", kGlobal},
      {"2001:db9::", kGlobal},
      {"2003::", kGlobal},
      {"2620:4f:7fff:ffff:ffff:ffff:ffff:ffff", kGlobal},
      {"2620:4f:8001::", kGlobal},
      {"3fff:1000::", kGlobal},
      // both ends of 2000::/3, and an ordinary public address
      {"2000::", kGlobal},
      {"3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kGlobal},
      {"2a00:1450:4001::1", kGlobal},
  }));
  CAPTURE(c.address);
  CHECK(classify(c.address) == c.expected);
}

TEST_CASE("IPv6 addresses embedding a public IPv4 address are refused all the same",
          "[net][ssrf]") {
  auto address = GENERATE(as<std::string>{}, "::ffff:8.8.8.8", "::8.8.8.8", "64:ff9b::808:808",
                          "64:ff9b:1::808:808", "2002:808:808::1", "2001:0:808:808::1",
                          "::ffff:0:808:808", "::ffff:127.0.0.1", "::127.0.0.1");
  CAPTURE(address);
  CHECK(classify(address) == kRefused);
}

TEST_CASE("IPv6 outside 2000::/3 global unicast is refused: that space is not reachable",
          "[net][ssrf]") {
  auto address = GENERATE(as<std::string>{}, "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "4000::1",
                          "6000::1", "8000::1", "a000::1", "c000::1", "e000::1", "f000::1",
                          "f800::1", "fe00::1", "200::1", "400::1", "800::1", "1000::1");
  CAPTURE(address);
  CHECK(classify(address) == kRefused);
}

TEST_CASE(
    "the service's table and this test's copy list the same blocks with the same reachability",
    "[net][ssrf]") {
  auto blocks = special_purpose_blocks();
  REQUIRE(blocks.size() == kExpectations.size());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto& block = blocks[i];
    CAPTURE(block.prefix, block.name);
    CHECK(block.prefix == kExpectations[i].prefix);
    CHECK(block.globally_reachable == kExpectations[i].globally_reachable);
    CHECK_FALSE(block.name.empty());
    CHECK(block.rfc.rfind("RFC ", 0) == 0);
    auto parsed = parse_prefix(block.prefix);
    REQUIRE(parsed);
    CHECK(find_special_purpose_block(std::span(parsed->bytes.data(), parsed->size)) != nullptr);
  }
}

TEST_CASE("prefixes parse only when well formed and without host bits", "[net][ssrf]") {
  auto p = parse_prefix("198.18.0.0/15");
  REQUIRE(p);
  CHECK(p->size == 4);
  CHECK(p->length == 15);
  std::array<std::uint8_t, 4> inside{198, 19, 1, 1};
  std::array<std::uint8_t, 4> outside{198, 20, 0, 0};
  CHECK(prefix_contains(*p, inside));
  CHECK_FALSE(prefix_contains(*p, outside));
  auto bad = GENERATE(as<std::string>{}, "198.18.0.0", "198.18.0.0/33", "198.18.0.1/15",
                      "2001:db8::/129", "2001:db8::1/32", "2001:db8::/x", "example.org/8", "/8");
  CAPTURE(bad);
  CHECK_FALSE(parse_prefix(bad));
}

}  // namespace
}  // namespace sa::net
