// The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890, RFC 8190) as data, with
// the few blocks they leave to other registries (multicast, deprecated site-local), and a
// longest-prefix lookup over them. What the fetcher does with a block is decided in
// fetch_policy.cpp; nothing here connects or resolves.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace sa::net {

// The registry's "Globally Reachable" column. Terminated rows leave it empty: not_applicable.
enum class Reachability { yes, no, not_applicable };

struct SpecialPurposeBlock {
  std::string_view prefix;  // CIDR as the registry writes it: "192.0.0.0/24", "2001:db8::/32"
  std::string_view name;
  std::string_view rfc;
  Reachability globally_reachable;
};

// Every row of both registries, in registry order, then the blocks named from elsewhere.
std::span<const SpecialPurposeBlock> special_purpose_blocks();

struct IpPrefix {
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
  std::size_t size = 0;                  // 4 or 16
  unsigned length = 0;
};

// "a.b.c.d/n" or "x:y::z/n"; nullopt if malformed or if host bits are set.
std::optional<IpPrefix> parse_prefix(std::string_view cidr);

bool prefix_contains(const IpPrefix& prefix, std::span<const std::uint8_t> address);

// The most specific block holding address (4 or 16 bytes, network order), or nullptr.
const SpecialPurposeBlock* find_special_purpose_block(std::span<const std::uint8_t> address);

}  // namespace sa::net
