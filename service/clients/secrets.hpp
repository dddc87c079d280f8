// Client identifiers, client secrets and registration access tokens: random strings from the
// unreserved base64url alphabet (so HTTP Basic works without form-encoding, RFC 6749 §2.3.1),
// stored only as base64url SHA-256 and compared in constant time. High-entropy secrets need no
// slow password hash. No storage here.
#pragma once

#include <string>
#include <string_view>

#include "crypto/random.hpp"

namespace sa::clients {

std::string new_client_id(crypto::Random& random);                  // 128 bits
std::string new_client_secret(crypto::Random& random);              // 256 bits
std::string new_registration_access_token(crypto::Random& random);  // 256 bits

std::string hash_secret(std::string_view secret);
// False when stored_hash is empty (the client has no such secret).
bool secret_matches(std::string_view presented, std::string_view stored_hash);

}  // namespace sa::clients
