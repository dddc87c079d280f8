// Client identifiers, client secrets and registration access tokens: random strings from the
// unreserved base64url alphabet (so HTTP Basic works without form-encoding, RFC 6749 §2.3.1),
// stored only as base64url SHA-256 and compared in constant time. High-entropy secrets need no
// slow password hash. No storage here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "clients/client_store.hpp"
#include "crypto/random.hpp"

namespace sa::clients {

std::string new_client_id(crypto::Random& random);                  // 128 bits, never "-..."
std::string new_client_secret(crypto::Random& random);              // 256 bits
std::string new_registration_access_token(crypto::Random& random);  // 256 bits

std::string hash_secret(std::string_view secret);

// Gives `record` a new client_secret: stores its hash and expiry (now + lifetime_s, or 0 = never
// when lifetime_s is 0: RFC 7591 §3.2.1 client_secret_expires_at) and returns the plain secret,
// to be shown once. Registration, RFC 7592 updates and the operator's `client` commands.
std::string issue_client_secret(ClientRecord& record, crypto::Random& random, std::int64_t now,
                                std::uint32_t lifetime_s);
// False when stored_hash is empty (the client has no such secret).
bool secret_matches(std::string_view presented, std::string_view stored_hash);

}  // namespace sa::clients
