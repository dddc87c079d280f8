// Base64url without padding (RFC 4648 §5, as JOSE uses it: RFC 7515 §2) and standard base64
// (RFC 4648 §4, for HTTP Basic and PEM-free DER). Decoders reject any character outside the
// alphabet; they never skip whitespace.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sa {

std::string base64url_encode(std::span<const std::uint8_t> bytes);
std::string base64url_encode(std::string_view bytes);
// Accepts unpadded input only (JOSE forbids padding).
std::optional<std::string> base64url_decode(std::string_view text);

std::string base64_encode(std::span<const std::uint8_t> bytes);
std::string base64_encode(std::string_view bytes);
// Requires correct '=' padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sa
