// The pure rules behind outbound fetches: which URLs we fetch, which resolved addresses we refuse
// to connect to (the SSRF guard of issue 3), and how long a response may be cached. No sockets
// here, so every rule is unit-tested without a network.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "url/rules.hpp"
#include "util/expected.hpp"

namespace sa::net {

// The fetcher's view of a URL: url/'s jwks_uri rules, the very ones registration and the config
// apply, split into scheme, host, port and target. A jwks_uri fetched is one a client could
// register; there is no second URL grammar here. The error is url/'s phrase.
using Url = url::UrlParts;
Expected<Url, std::string> parse_url(std::string_view text);

// global: may be fetched; loopback: only when configured; not_global: never.
enum class AddressClass { global, loopback, not_global };

// bytes is 4 (IPv4) or 16 (IPv6) bytes in network order. global only if the IANA Special-Purpose
// Address Registries call it globally reachable and, for IPv6, it lies in 2000::/3; loopback for
// 127.0.0.0/8 and ::1 alone. IPv6 forms that embed IPv4 (mapped, compatible, NAT64) are refused.
AddressClass classify_address(std::span<const std::uint8_t> bytes);

// Private-use addresses an operator may open for one fetcher (the EHR directory's network):
// RFC 1918 (10/8, 172.16/12, 192.168/16), RFC 6598 shared space (100.64/10) and RFC 4193
// unique-local (fc00::/7). Link-local (169.254/16, fe80::/10, where cloud metadata services
// live), loopback and everything else not_global stay closed.
bool is_private_address(std::span<const std::uint8_t> bytes);

struct AddressPolicy {
  bool allow_loopback = false;
  bool allow_private = false;
};

// Whether a fetcher with this policy may connect to the address: global always, loopback and
// private-use only when allowed, the rest of not_global never.
bool may_connect(std::span<const std::uint8_t> bytes, AddressPolicy policy);

// Cache-Control (RFC 9111 §5.2.2): no-store / no-cache -> 0, max-age=N -> N, otherwise nullopt.
std::optional<std::uint32_t> parse_max_age(std::string_view cache_control);

}  // namespace sa::net
