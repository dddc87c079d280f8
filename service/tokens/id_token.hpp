// OpenID Connect id_tokens (OIDC Core §2): always RS256 with the KeyRing's current RSA key and
// its kid (SMART App Launch 2.2 "Scopes for requesting identity data": RS256). Claims iss, sub,
// aud = client_id, exp, iat, auth_time, nonce when sent, fhirUser when granted, and name when
// `profile` was granted. The same user claims feed userinfo (user_claims()).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "keys/key_ring.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace sa::tokens {

// The claims about the user an id_token and userinfo share (OIDC Core §5.1, §5.3.2), decided by
// the granted scope.
struct UserClaims {
  std::string sub;
  std::optional<std::string> fhir_user;  // granted fhirUser: an absolute FHIR reference
  std::optional<std::string> name;       // granted profile
};

// Every claim an id_token (and userinfo) can carry, for discovery's claims_supported (OIDC
// Discovery 1.0 §3): the OIDC Core §2 ID Token claims, fhirUser (SMART) and name (OIDC Core §5.1).
inline constexpr std::array<std::string_view, 9> kIdTokenClaims = {
    "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "fhirUser", "name"};

// The claims the scope allows: fhirUser with `fhirUser` (made absolute against fhir_base when
// the directory gave a relative reference), name with `profile`.
UserClaims user_claims(std::string_view granted_scope, std::string sub, std::string_view fhir_user,
                       std::string_view user_name, std::string_view fhir_base);

struct IdTokenRequest {
  UserClaims user;
  std::string client_id;  // aud
  std::int64_t auth_time = 0;
  std::optional<std::string> nonce;
  std::int64_t lifetime_s = 3'600;
};

class IdTokenIssuer {
 public:
  IdTokenIssuer(const keys::KeyRing& keys, std::string issuer, const Clock& clock);
  // The error is a sentence for the log (no RSA key, signing failed); the grant turns it into
  // server_error.
  [[nodiscard]] Expected<std::string, std::string> issue(const IdTokenRequest& request) const;

 private:
  const keys::KeyRing& keys_;
  std::string issuer_;
  const Clock& clock_;
};

}  // namespace sa::tokens
