#include "clients/secrets.hpp"

#include "crypto/hash.hpp"

namespace sa::clients {

constexpr std::size_t kClientIdBytes = 16;  // 128 bits: unguessable, not a secret
constexpr std::size_t kSecretBytes = 32;    // 256 bits (issue 3; RFC 6819 §5.1.4.2.2)

std::string new_client_id(crypto::Random& random) {
  // One id in 64 would start with '-', which the operator's command line (`smart-auth client
  // show ID`) reads as a flag. Such a draw is redrawn: 0.02 bits of 128 lost.
  std::string id = crypto::random_token(random, kClientIdBytes);
  while (id.front() == '-') id = crypto::random_token(random, kClientIdBytes);
  return id;
}

std::string new_client_secret(crypto::Random& random) {
  return crypto::random_token(random, kSecretBytes);
}

std::string issue_client_secret(ClientRecord& record, crypto::Random& random, std::int64_t now,
                                std::uint32_t lifetime_s) {
  std::string secret = new_client_secret(random);
  record.secret_hash = hash_secret(secret);
  record.secret_expires_at = lifetime_s == 0 ? 0 : now + lifetime_s;
  return secret;
}

std::string new_registration_access_token(crypto::Random& random) {
  return crypto::random_token(random, kSecretBytes);
}

std::string hash_secret(std::string_view secret) { return crypto::sha256_b64url(secret); }

bool secret_matches(std::string_view presented, std::string_view stored_hash) {
  if (stored_hash.empty()) return false;
  // Compare hashes, never raw secrets: equal lengths, and timing says nothing about content.
  return crypto::constant_time_equals(crypto::sha256_b64url(presented), stored_hash);
}

}  // namespace sa::clients
