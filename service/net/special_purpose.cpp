#include "net/special_purpose.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>
#include <string>
#include <vector>

namespace sa::net {
namespace {

using R = Reachability;

// Transcribed from https://www.iana.org/assignments/iana-ipv4-special-registry and
// https://www.iana.org/assignments/iana-ipv6-special-registry (RFC 6890 §2.2.1 defines
// the columns; RFC 8190 updated the IPv6 one). Keep the registry order so a diff against the
// registry reads row by row; tests/unit/net/special_purpose_test.cpp holds an independent copy.
constexpr std::array kBlocks = {
    // IANA IPv4 Special-Purpose Address Registry
    SpecialPurposeBlock{"0.0.0.0/8", "\"This network\"", "RFC 791 §3.2", R::no},
    SpecialPurposeBlock{"0.0.0.0/32", "\"This host on this network\"", "RFC 1122 §3.2.1.3", R::no},
    SpecialPurposeBlock{"10.0.0.0/8", "Private-Use", "RFC 1918", R::no},
    SpecialPurposeBlock{"100.64.0.0/10", "Shared Address Space", "RFC 6598", R::no},
    SpecialPurposeBlock{"127.0.0.0/8", "Loopback", "RFC 1122 §3.2.1.3", R::no},
    SpecialPurposeBlock{"169.254.0.0/16", "Link Local", "RFC 3927", R::no},  // cloud metadata
    SpecialPurposeBlock{"172.16.0.0/12", "Private-Use", "RFC 1918", R::no},
    SpecialPurposeBlock{"192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 §2.1", R::no},
    SpecialPurposeBlock{"192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", R::no},
    SpecialPurposeBlock{"192.0.0.8/32", "IPv4 dummy address", "RFC 7600", R::no},
    SpecialPurposeBlock{"192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", R::yes},
    SpecialPurposeBlock{"192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155",
                        R::yes},
    SpecialPurposeBlock{"192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2",
                        R::no},
    SpecialPurposeBlock{"192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2",
                        R::no},
    SpecialPurposeBlock{"192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", R::no},
    SpecialPurposeBlock{"192.31.196.0/24", "AS112-v4", "RFC 7535", R::yes},
    SpecialPurposeBlock{"192.52.193.0/24", "AMT", "RFC 7450", R::yes},
    SpecialPurposeBlock{"192.88.99.0/24", "Deprecated (6to4 Relay Anycast), terminated 2015-03",
                        "RFC 7526", R::not_applicable},
    SpecialPurposeBlock{"192.88.99.2/32", "6a44-relay anycast address", "RFC 6751", R::no},
    SpecialPurposeBlock{"192.168.0.0/16", "Private-Use", "RFC 1918", R::no},
    SpecialPurposeBlock{"192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", R::yes},
    SpecialPurposeBlock{"198.18.0.0/15", "Benchmarking", "RFC 2544", R::no},
    SpecialPurposeBlock{"198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", R::no},
    SpecialPurposeBlock{"203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", R::no},
    SpecialPurposeBlock{"240.0.0.0/4", "Reserved", "RFC 1112 §4", R::no},
    SpecialPurposeBlock{"255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 §7", R::no},
    // Not in that registry: IANA IPv4 Multicast Address Space Registry. TCP has no group peer.
    SpecialPurposeBlock{"224.0.0.0/4", "Multicast", "RFC 5771", R::no},

    // IANA IPv6 Special-Purpose Address Registry
    SpecialPurposeBlock{"::1/128", "Loopback Address", "RFC 4291", R::no},
    SpecialPurposeBlock{"::/128", "Unspecified Address", "RFC 4291", R::no},
    SpecialPurposeBlock{"::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", R::no},
    SpecialPurposeBlock{"64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", R::yes},
    SpecialPurposeBlock{"64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", R::no},
    SpecialPurposeBlock{"100::/64", "Discard-Only Address Block", "RFC 6666", R::no},
    SpecialPurposeBlock{"100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", R::no},
    SpecialPurposeBlock{"2001::/23", "IETF Protocol Assignments", "RFC 2928", R::no},
    SpecialPurposeBlock{"2001::/32", "TEREDO", "RFC 4380, RFC 8190", R::not_applicable},
    SpecialPurposeBlock{"2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", R::yes},
    SpecialPurposeBlock{"2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155",
                        R::yes},
    SpecialPurposeBlock{"2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665",
                        R::yes},
    SpecialPurposeBlock{"2001:2::/48", "Benchmarking", "RFC 5180, RFC Errata 1752", R::no},
    SpecialPurposeBlock{"2001:3::/32", "AMT", "RFC 7450", R::yes},
    SpecialPurposeBlock{"2001:4:112::/48", "AS112-v6", "RFC 7535", R::yes},
    SpecialPurposeBlock{"2001:10::/28", "Deprecated (previously ORCHID), terminated 2014-03",
                        "RFC 4843", R::not_applicable},
    SpecialPurposeBlock{"2001:20::/28", "ORCHIDv2", "RFC 7343", R::yes},
    SpecialPurposeBlock{"2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
                        "RFC 9374", R::yes},
    SpecialPurposeBlock{"2001:db8::/32", "Documentation", "RFC 3849", R::no},
    SpecialPurposeBlock{"2002::/16", "6to4", "RFC 3056", R::not_applicable},
    SpecialPurposeBlock{"2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", R::yes},
    SpecialPurposeBlock{"3fff::/20", "Documentation", "RFC 9637", R::no},
    SpecialPurposeBlock{"5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", R::no},
    SpecialPurposeBlock{"fc00::/7", "Unique-Local", "RFC 4193, RFC 8190", R::no},
    SpecialPurposeBlock{"fe80::/10", "Link-Local Unicast", "RFC 4291", R::no},
    // Not in that registry; named so a refusal can say why. All lie outside 2000::/3 anyway.
    SpecialPurposeBlock{"::/96", "Deprecated IPv4-compatible", "RFC 4291 §2.5.5.1", R::no},
    SpecialPurposeBlock{"fec0::/10", "Deprecated site-local", "RFC 3879", R::no},
    SpecialPurposeBlock{"ff00::/8", "Multicast", "RFC 4291 §2.7", R::no},
};

struct ParsedBlock {
  IpPrefix prefix;
  const SpecialPurposeBlock* block;
};

const std::vector<ParsedBlock>& parsed_blocks() {
  static const std::vector<ParsedBlock> parsed = [] {
    std::vector<ParsedBlock> out;
    for (const auto& block : kBlocks) {
      auto prefix = parse_prefix(block.prefix);
      // The table is constant and unit-tested; a typo must not silently shrink the guard.
      if (!prefix) {
        throw std::logic_error("bad special-purpose prefix: " + std::string(block.prefix));
      }
      out.push_back({*prefix, &block});
    }
    return out;
  }();
  return parsed;
}

}  // namespace

std::span<const SpecialPurposeBlock> special_purpose_blocks() { return kBlocks; }

std::optional<IpPrefix> parse_prefix(std::string_view cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string address(cidr.substr(0, slash));
  auto length_text = cidr.substr(slash + 1);
  IpPrefix out;
  if (inet_pton(AF_INET, address.c_str(), out.bytes.data()) == 1) {
    out.size = 4;
  } else if (inet_pton(AF_INET6, address.c_str(), out.bytes.data()) == 1) {
    out.size = 16;
  } else {
    return std::nullopt;
  }
  auto [end, ec] =
      std::from_chars(length_text.data(), length_text.data() + length_text.size(), out.length);
  if (ec != std::errc{} || end != length_text.data() + length_text.size() ||
      out.length > out.size * 8) {
    return std::nullopt;
  }
  for (unsigned bit = out.length; bit < out.size * 8; ++bit) {
    if ((out.bytes[bit / 8] & (0x80u >> (bit % 8))) != 0) return std::nullopt;  // host bits set
  }
  return out;
}

bool prefix_contains(const IpPrefix& prefix, std::span<const std::uint8_t> address) {
  if (address.size() != prefix.size) return false;
  unsigned full = prefix.length / 8;
  for (unsigned i = 0; i < full; ++i) {
    if (address[i] != prefix.bytes[i]) return false;
  }
  unsigned rest = prefix.length % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xFFu << (8 - rest));
  return (address[full] & mask) == prefix.bytes[full];
}

const SpecialPurposeBlock* find_special_purpose_block(std::span<const std::uint8_t> address) {
  const ParsedBlock* best = nullptr;
  for (const auto& entry : parsed_blocks()) {
    if (!prefix_contains(entry.prefix, address)) continue;
    if (best == nullptr || entry.prefix.length > best->prefix.length) best = &entry;
  }
  return best == nullptr ? nullptr : best->block;
}

}  // namespace sa::net
