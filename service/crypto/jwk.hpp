// JSON Web Keys (RFC 7517) for public RSA and EC P-256/P-384 keys: export a key as a JWK or JWKS,
// compute its RFC 7638 thumbprint, and import a public key from a JWK. Import refuses private
// members, RSA keys under 2048 bits and other curves. JWKS documents are parsed in jwks.hpp.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/handles.hpp"
#include "crypto/keys.hpp"
#include "util/expected.hpp"

namespace sa::crypto {

enum class JwkStatus {
  BadJson,  // not JSON
  DuplicateMember,  // a member name twice in the JWK or JWKS object (RFC 7517 §4: we refuse)
  NotAnObject,
  MissingKty,
  UnsupportedKty,   // anything but "RSA" and "EC" (e.g. "oct", "OKP")
  MissingMember,    // member() names it
  WrongMemberType,  // present but not a string
  BadBase64,
  BadCurve,                // crv other than P-256 / P-384
  BadCoordinateLength,     // x/y not the full field size (RFC 7518 §6.2.1.2)
  BadKeySize,              // RSA modulus < 2048 or > 8192 bits
  PrivateMaterialPresent,  // d, p, q, dp, dq, qi, oth or k
  InvalidKey,              // point not on the curve, bad exponent...
  UnsupportedKeyType,      // exporting a key that is not RSA / EC P-256 / EC P-384
  AlgKeyMismatch,          // JWKS entry whose "alg" cannot be used with its key type
  MissingKeys,             // JWKS without a "keys" array
  TooManyKeys,             // JWKS with more than kMaxJwksKeys entries
};
std::string_view to_string(JwkStatus s);

struct JwkError {
  JwkStatus status;
  std::string_view member;  // the offending member name when there is one (static storage)
};
// e.g. "missing member \"n\"" — safe for logs and for client-facing error descriptions.
std::string describe(const JwkError& e);

// Public members, base64url-encoded. RSA uses n/e; EC uses crv/x/y.
struct PublicJwk {
  KeyType type = KeyType::RSA;
  std::string n, e;
  std::string crv, x, y;
};

// Optional JWK parameters written after the key members; empty strings are omitted.
struct JwkMetadata {
  std::string kid;
  std::string use;
  std::string alg;
};

struct PublishedKey {
  PublicJwk jwk;
  JwkMetadata meta;
};

Expected<PublicJwk, JwkStatus> to_public_jwk(const EVP_PKEY* key);
inline Expected<PublicJwk, JwkStatus> to_public_jwk(const PKey& key) {
  return to_public_jwk(key.get());
}

std::string public_jwk_json(const PublicJwk& jwk, const JwkMetadata& meta = {});
// {"keys":[...]} for the jwks_uri endpoint.
std::string jwks_json(std::span<const PublishedKey> keys);

// RFC 7638: base64url(SHA-256(required members, lexicographic, no whitespace)).
std::string jwk_thumbprint(const PublicJwk& jwk);
Expected<std::string, JwkStatus> jwk_thumbprint(const PKey& key);

// Imports a public key from one JWK object. Metadata (kid, use, alg) is ignored here.
Expected<PKey, JwkError> public_key_from_jwk(std::string_view json);

}  // namespace sa::crypto
