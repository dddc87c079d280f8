#include "config/values.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "util/strings.hpp"

namespace sa::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Digits only, within [min, max]; overflow of 64 bits counts as out of range.
std::optional<std::uint64_t> parse_digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (!is_digit(c)) return std::nullopt;
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool is_hostname(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    if (!is_alnum(c) && c != '.' && c != '-' && c != '_') return false;
  }
  return true;
}

bool is_ipv6_literal(std::string_view inside_brackets) {
  if (inside_brackets.find(':') == std::string_view::npos) return false;
  for (char c : inside_brackets) {
    const bool hex = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != ':' && c != '.') return false;
  }
  return true;
}

struct HostPort {
  std::string_view host;  // brackets kept for IPv6, as in a URL
  std::optional<std::uint16_t> port;
};

// Splits "host", "host:port" or "[v6]:port". Returns a phrase on failure.
Expected<HostPort, std::string> split_host_port(std::string_view text, bool port_required) {
  std::string_view host;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || !is_ipv6_literal(text.substr(1, close - 1))) {
      return unexpected(std::string("has an invalid IPv6 address in brackets"));
    }
    host = text.substr(0, close + 1);
    rest = text.substr(close + 1);
  } else {
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) != std::string_view::npos) {
      return unexpected(std::string("needs brackets around an IPv6 address, as in [::1]:8443"));
    }
    host = text.substr(0, colon == std::string_view::npos ? text.size() : colon);
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
    if (host.empty()) return unexpected(std::string("has an empty host"));
    if (!is_hostname(host)) return unexpected(std::string("has an invalid host"));
  }
  HostPort out{host, std::nullopt};
  if (rest.empty()) {
    if (port_required) return unexpected(std::string("has no port"));
    return out;
  }
  if (rest.front() != ':') return unexpected(std::string("has text after the host"));
  const std::optional<std::uint64_t> port = parse_digits(rest.substr(1));
  if (!port) return unexpected(std::string("has an invalid port"));
  if (*port > 65535) return unexpected(std::string("has a port above 65535"));
  out.port = static_cast<std::uint16_t>(*port);
  return out;
}

}  // namespace

std::string describe(IntRange range) {
  if (range.max == std::numeric_limits<std::uint32_t>::max()) {
    return "an integer >= " + std::to_string(range.min);
  }
  return "an integer from " + std::to_string(range.min) + " to " + std::to_string(range.max);
}

Expected<std::uint32_t, std::string> parse_uint(std::string_view text, IntRange range) {
  const std::optional<std::uint64_t> value = parse_digits(text);
  if (!value || *value < range.min || *value > range.max) {
    return unexpected("expected " + describe(range));
  }
  return static_cast<std::uint32_t>(*value);
}

Expected<bool, std::string> parse_bool(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return unexpected(std::string("expected true or false"));
}

Expected<Endpoint, std::string> parse_endpoint(std::string_view text) {
  const bool looks_like_host_port = text.find(':') != std::string_view::npos;
  auto parts = split_host_port(text, true);
  if (!parts) {
    if (!looks_like_host_port) return unexpected(std::string("expected host:port"));
    return unexpected("expected host:port, but it " + parts.error());
  }
  std::string_view host = parts->host;
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  return Endpoint{std::string(host), *parts->port};
}

Expected<AccessTokenAlg, std::string> parse_access_token_alg(std::string_view text) {
  if (text == "ES256") return AccessTokenAlg::ES256;
  if (text == "RS256") return AccessTokenAlg::RS256;
  return unexpected(std::string("expected ES256 or RS256"));
}

Expected<LogLevel, std::string> parse_log_level(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, LogLevel>, 5> kLevels{{
      {"trace", LogLevel::trace},
      {"debug", LogLevel::debug},
      {"info", LogLevel::info},
      {"warn", LogLevel::warn},
      {"error", LogLevel::error},
  }};
  for (const auto& [name, level] : kLevels) {
    if (text == name) return level;
  }
  return unexpected(std::string("expected one of trace, debug, info, warn, error"));
}

std::optional<std::string> check_client_id(std::string_view text) {
  if (text.empty()) return "expected a non-empty client id";
  for (char c : text) {
    const bool unreserved = is_alnum(c) || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (!unreserved) return "expected only the characters A-Z a-z 0-9 - . _ ~";
  }
  return std::nullopt;
}

Expected<RegistrationMode, std::string> parse_registration_mode(std::string_view text) {
  if (text == "open") return RegistrationMode::open;
  if (text == "initial_access_token") return RegistrationMode::initial_access_token;
  if (text == "closed") return RegistrationMode::closed;
  return unexpected(std::string("expected open, initial_access_token or closed"));
}

std::optional<std::string> check_scope_token(std::string_view text) {
  if (text.empty()) return "expected a scope, not an empty string";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool nqchar = u == 0x21 || (u >= 0x23 && u <= 0x5b) || (u >= 0x5d && u <= 0x7e);
    if (!nqchar) return "expected one scope token (no spaces, quotes or backslashes)";
  }
  return std::nullopt;
}

}  // namespace sa::config
