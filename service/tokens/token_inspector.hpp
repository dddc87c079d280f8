// Which of this server's tokens a presented string is, and whether it is active at one instant:
// the one check behind introspection (RFC 7662), revocation (RFC 7009) and userinfo (OIDC Core
// §5.3). Access tokens are our JWTs: the payload's jti finds the record, whose stored SHA-256 of
// the token must match (constant time); records without one (issued before migration 0008) are
// checked by signature with the verification key named by kid, retired keys included. An
// unrecorded token (client_credentials; its jti says so, tokens::is_unrecorded_jti) with no row
// is judged by that signature, its own claims, and its client's state (TokenStore::
// client_bounds); a revoked one has a row. Refresh tokens are found by hash. Anything else, another
// issuer's token included, is simply unknown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/hash.hpp"
#include "keys/key_ring.hpp"
#include "tokens/grant_store.hpp"
#include "tokens/refresh_policy.hpp"
#include "tokens/token_store.hpp"
#include "tokens/verified_tokens.hpp"
#include "util/expected.hpp"

namespace sa::tokens {

struct Claimed;

// Why a token is not active; callers that must answer {"active":false} do not distinguish, the
// audit log does.
enum class Inactive { unknown, malformed, expired, revoked, store_error };
std::string_view to_string(Inactive reason);

// An access token as this server issued it: its record, and the two claims the record does not
// keep, read from the token once it is known to be ours.
struct InspectedAccessToken {
  AccessTokenRecord record;
  std::string audience;                  // the JWT's aud: the FHIR base (RFC 9068 §2.2)
  std::optional<std::string> fhir_user;  // the JWT's fhirUser claim, when it has one
};

class TokenInspector {
 public:
  TokenInspector(const keys::KeyRing& keys, std::string issuer, TokenStore& tokens,
                 GrantStore& grants, RefreshRules rules);

  // An access token this server issued (jti + hash, or signature by kid), unexpired and
  // unrevoked at now; the reason otherwise.
  Expected<InspectedAccessToken, Inactive> access_token(std::string_view token,
                                                        std::int64_t now) const;
  // An access token this server issued, whatever its state (revocation needs the owner of an
  // expired or revoked token too); unknown/malformed otherwise.
  Expected<InspectedAccessToken, Inactive> find_access_token(std::string_view token) const;
  // A refresh token that is current (not retired), unexpired, of an unrevoked grant, and for an
  // online family with its login session alive (RefreshRules), at now.
  Expected<RefreshLookup, Inactive> refresh_token(std::string_view token, std::int64_t now) const;
  // A refresh token this server issued, whatever its state.
  Expected<RefreshLookup, Inactive> find_refresh_token(std::string_view token) const;

 private:
  // Whether the token's signature verifies with the ring's key its header names. `remember_as`
  // (the token's SHA-256): an unrecorded token, whose verification verified_ keeps under it
  // (consulted only while the key is still in the ring).
  bool signed_here(std::string_view token,
                   const crypto::Sha256Digest* remember_as = nullptr) const;
  Expected<InspectedAccessToken, Inactive> unrecorded(std::string_view token,
                                                      Claimed claimed) const;

  const keys::KeyRing& keys_;
  std::string issuer_;
  TokenStore& tokens_;
  GrantStore& grants_;
  RefreshRules rules_;
  mutable VerifiedTokens verified_;
};

}  // namespace sa::tokens
