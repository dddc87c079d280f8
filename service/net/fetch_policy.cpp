#include "net/fetch_policy.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "net/special_purpose.hpp"
#include "util/strings.hpp"

namespace sa::net {

Expected<Url, std::string> parse_url(std::string_view text) {
  return url::split_client_url(text, url::ClientUrlUse::jwks_uri);
}

AddressClass classify_address(std::span<const std::uint8_t> b) {
  if (b.size() != 4 && b.size() != 16) return AddressClass::not_global;
  // RFC 1122 §3.2.1.3 (127.0.0.0/8) and RFC 4291 §2.5.3 (::1): the only addresses the
  // allow-loopback setting may open. IPv4-mapped ::ffff:127.0.0.1 is not among them.
  if (b.size() == 4 && b[0] == 127) return AddressClass::loopback;
  bool v6_loopback = b.size() == 16 && b[15] == 1 &&
                     std::all_of(b.begin(), b.end() - 1, [](std::uint8_t x) { return x == 0; });
  if (v6_loopback) return AddressClass::loopback;
  // RFC 4291 §2.4 and the IANA IPv6 Address Space registry: only 2000::/3 is global unicast; the
  // rest is unallocated, reserved, or addresses that embed IPv4 (mapped, compatible, NAT64's
  // 64:ff9b::/96). We refuse them all rather than reason about the IPv4 address inside.
  if (b.size() == 16 && (b[0] & 0xE0) != 0x20) return AddressClass::not_global;
  // RFC 6890 §2.2: fetch only what the Special-Purpose Address Registries call globally
  // reachable; the most specific block decides (2001:3::/32 AMT inside 2001::/23 is reachable).
  const SpecialPurposeBlock* block = find_special_purpose_block(b);
  if (block != nullptr && block->globally_reachable != Reachability::yes) {
    return AddressClass::not_global;
  }
  return AddressClass::global;
}

bool is_private_address(std::span<const std::uint8_t> b) {
  if (b.size() == 4) {
    return b[0] == 10 ||                            // RFC 1918 §3: 10/8
           (b[0] == 172 && (b[1] & 0xF0) == 16) ||  // RFC 1918 §3: 172.16/12
           (b[0] == 192 && b[1] == 168) ||          // RFC 1918 §3: 192.168/16
           (b[0] == 100 && (b[1] & 0xC0) == 64);    // RFC 6598 §7: 100.64/10
  }
  return b.size() == 16 && (b[0] & 0xFE) == 0xFC;  // RFC 4193 §3.1: fc00::/7
}

bool may_connect(std::span<const std::uint8_t> bytes, AddressPolicy policy) {
  switch (classify_address(bytes)) {
    case AddressClass::global:
      return true;
    case AddressClass::loopback:
      return policy.allow_loopback;
    case AddressClass::not_global:
      return policy.allow_private && is_private_address(bytes);
  }
  return false;
}

std::optional<std::uint32_t> parse_max_age(std::string_view cache_control) {
  std::optional<std::uint32_t> max_age;
  for (auto directive : split(cache_control, ',')) {
    directive = trim(directive);
    // RFC 9111 §5.2.2.4/§5.2.2.5: neither may be reused without revalidation: treat as 0.
    if (iequals(directive, "no-store") || iequals(directive, "no-cache")) return 0;
    if (directive.size() > 8 && iequals(directive.substr(0, 8), "max-age=")) {
      auto value = directive.substr(8);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      std::uint64_t seconds = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec == std::errc::result_out_of_range) {
        seconds = std::numeric_limits<std::uint32_t>::max();
      } else if (ec != std::errc{} || end != value.data() + value.size()) {
        return 0;  // RFC 9111 §4.2.1: an invalid max-age is treated as stale
      }
      max_age = static_cast<std::uint32_t>(
          std::min<std::uint64_t>(seconds, std::numeric_limits<std::uint32_t>::max()));
    }
  }
  return max_age;
}

}  // namespace sa::net
