// Parsers and checks for the kinds of scalar the config holds: bounded integers, strict
// booleans, host:port, client ids, scope tokens and the enums (URLs are url/rules.hpp's). Pure
// functions over text with no YAML in sight. Each failure is a short phrase ("expected host:port",
// "must not end with a slash"); the loader adds the key path and the offending value.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "util/expected.hpp"

namespace sa::config {

struct IntRange {
  std::uint32_t min = 0;
  std::uint32_t max = std::numeric_limits<std::uint32_t>::max();
};
// "an integer from 0 to 1024", or "an integer >= 1" when there is no upper bound.
std::string describe(IntRange range);

// Decimal digits only: no sign, no spaces, no exponent, no hex.
Expected<std::uint32_t, std::string> parse_uint(std::string_view text, IntRange range);
// Exactly "true" or "false": YAML 1.1's yes/no/on/off are rejected as too easy to misread.
Expected<bool, std::string> parse_bool(std::string_view text);
// "host:port" or "[ipv6]:port"; the host is stored without brackets. Port 0 means ephemeral.
Expected<Endpoint, std::string> parse_endpoint(std::string_view text);
Expected<AccessTokenAlg, std::string> parse_access_token_alg(std::string_view text);
Expected<LogLevel, std::string> parse_log_level(std::string_view text);

// A static client_id: non-empty, only the unreserved characters A-Z a-z 0-9 - . _ ~ (RFC 3986
// §2.3), so HTTP Basic works without form-encoding (RFC 6749 §2.3.1).
std::optional<std::string> check_client_id(std::string_view text);
Expected<RegistrationMode, std::string> parse_registration_mode(std::string_view text);
// One scope token (RFC 6749 §3.3: 1*NQCHAR).
std::optional<std::string> check_scope_token(std::string_view text);

}  // namespace sa::config
