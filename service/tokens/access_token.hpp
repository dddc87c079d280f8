// Issues signed JWT access tokens per RFC 9068 §2.1/§2.2: header typ "at+jwt", alg and kid of
// the KeyRing's current signer, claims iss, sub, aud, client_id, scope, iat, exp, jti, plus the
// SMART launch context claims when given. It neither decides the scope nor records the token:
// the grant does both (TokenStore). A token the grant does not record (client_credentials) is
// marked as such in its jti (is_unrecorded_jti), so introspection accepts it by its signature and
// never accepts a recorded token whose row is missing that way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "crypto/random.hpp"
#include "keys/key_ring.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace sa::tokens {

struct AccessTokenSettings {
  std::string issuer;    // the server's public base URL
  std::string audience;  // the FHIR base URL the token is for (RFC 9068 §2.2 aud)
  config::AccessTokenAlg alg = config::AccessTokenAlg::ES256;
};

// SMART launch context carried in the token for the resource server; each optional.
struct LaunchClaims {
  std::optional<std::string> patient;
  std::optional<std::string> encounter;
  std::optional<std::string> fhir_user;  // claim name "fhirUser"
};

struct AccessTokenRequest {
  std::string subject;  // the user; the client_id for client_credentials (RFC 9068 §2.2)
  std::string client_id;
  std::string scope;  // as granted, space-separated
  std::int64_t lifetime_s = 300;
  LaunchClaims context;
  // The FHIR base this token is for when it is not settings.audience: an app's `aud` at
  // authorize (RFC 9068 §2.2, SMART App Launch 2.2), one of the accepted FHIR bases.
  std::optional<std::string> audience;
  // The grant records no row for this token: its jti carries kUnrecordedJtiMarker.
  bool unrecorded = false;
};

struct IssuedAccessToken {
  std::string jwt;
  std::string jti;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::string scope;
};

// Random bytes in a jti after its ordered prefix (crypto::ordered_token): 128 bits, so ids are
// unguessable and never collide (RFC 6749 §10.10).
inline constexpr std::size_t kJtiBytes = 16;

// The first character of an unrecorded token's jti, before its ordered prefix (whose digits are
// lower-case hex, so a recorded jti never starts with it).
inline constexpr char kUnrecordedJtiMarker = 's';
// Whether `jti` is one AccessTokenIssuer gave a token it was told is unrecorded: the marker, then
// an ordered token of kJtiBytes. Jtis from before ordered tokens (22 characters) never match.
bool is_unrecorded_jti(std::string_view jti);

class AccessTokenIssuer {
 public:
  AccessTokenIssuer(const keys::KeyRing& keys, AccessTokenSettings settings, const Clock& clock,
                    crypto::Random& random);

  // The error is a sentence for the log (no active key for the alg, signing failed, bad
  // lifetime); a grant turns it into server_error.
  [[nodiscard]] Expected<IssuedAccessToken, std::string> issue(
      const AccessTokenRequest& request) const;

 private:
  const keys::KeyRing& keys_;
  AccessTokenSettings settings_;
  crypto::JwsAlg alg_;
  const Clock& clock_;
  crypto::Random& random_;
};

}  // namespace sa::tokens
