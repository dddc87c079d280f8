// SHA-256 in the three spellings the server needs (raw, base64url, hex) and a constant-time
// comparison for secrets. Stored secrets are hashes; compare hashes, never raw tokens, with
// constant_time_equals. No HMAC or password hashing here (passwords use argon2 elsewhere).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sa::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::string_view data);
std::string sha256_b64url(std::string_view data);
std::string sha256_hex(std::string_view data);  // lowercase

// True iff equal. Time depends only on the lengths, never on where the contents differ; a length
// mismatch returns false at once (lengths of hashes and tokens are not secret).
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace sa::crypto
