#include "net/fetch_policy.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "net/special_purpose.hpp"
#include "util/strings.hpp"

namespace sa::net {

std::optional<Url> parse_url(std::string_view url) {
  Url out;
  std::string_view rest;
  if (url.size() > 8 && iequals(url.substr(0, 8), "https://")) {
    rest = url.substr(8);
  } else if (url.size() > 7 && iequals(url.substr(0, 7), "http://")) {
    out.https = false;
    out.port = 80;
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  if (rest.find('#') != std::string_view::npos) return std::nullopt;
  auto path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  out.target = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
  if (out.target.front() == '?') out.target.insert(0, "/");
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view port_text;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return std::nullopt;
  for (char c : out.host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':';
    if (!ok) return std::nullopt;
  }
  if (!port_text.empty() || (authority.back() == ':')) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return std::nullopt;
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  return out;
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
