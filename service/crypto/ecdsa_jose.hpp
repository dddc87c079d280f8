// ECDSA signature encodings: OpenSSL speaks DER (SEQUENCE of two INTEGERs), JOSE speaks raw
// fixed-width r||s (RFC 7518 §3.4). Pure conversions; no signing or verifying here.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sa::crypto {

// coordinate_bytes is 32 for P-256, 48 for P-384. nullopt if the DER is malformed, has trailing
// bytes, or r/s do not fit the width.
std::optional<std::string> ecdsa_der_to_jose(std::string_view der, std::size_t coordinate_bytes);
// nullopt unless raw is exactly 2 * coordinate_bytes long.
std::optional<std::string> ecdsa_jose_to_der(std::string_view raw, std::size_t coordinate_bytes);

}  // namespace sa::crypto
