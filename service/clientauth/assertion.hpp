// Validation of a private_key_jwt client assertion (RFC 7523 §3, SMART App Launch 2.2 "Client
// Authentication: Asymmetric"): parse, check header and claims against the client and `now`,
// pick the key by kid and verify the signature. Pure: no I/O, no clock, no replay check (the
// caller remembers the jti in a ReplayStore after these pass).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/jwks.hpp"
#include "crypto/jws.hpp"
#include "clients/client_store.hpp"
#include "util/expected.hpp"

namespace sa::clientauth {

// Every algorithm a client assertion may use, in the order discovery lists them: SMART App Launch
// 2.2 (Client Confidential Asymmetric) requires RS384 and ES384; RS256 and ES256 are accepted
// too. crypto::parse_compact knows no others ("none" and HMAC are refused by name).
inline constexpr std::array<crypto::JwsAlg, 4> kAssertionAlgs = {
    crypto::JwsAlg::RS384, crypto::JwsAlg::ES384, crypto::JwsAlg::RS256, crypto::JwsAlg::ES256};

// RFC 7523 §2.2 / RFC 7521 §4.2.
inline constexpr std::string_view kJwtBearerAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

enum class AssertionFailure {
  Ok,
  BadType,           // client_assertion_type is not the jwt-bearer URN
  Malformed,         // not a compact JWS, bad base64, bad header, crit present, too large
  AlgNone,
  UnsupportedAlg,    // HS*, PS*, EdDSA...: only RS256/RS384/ES256/ES384
  MissingKid,
  BadTyp,            // typ present and not "JWT"
  JkuMismatch,       // jku present and not the registered jwks_uri
  BadClaims,         // payload not a JSON object, or a claim of the wrong type
  IssSubMismatch,    // iss or sub missing, or not both the client_id
  ClientIdMismatch,  // client_id in the body differs from iss
  UnknownClient,
  AudMismatch,
  MissingExp,
  Expired,
  ExpTooFar,
  NotYetValid,  // nbf in the future
  MissingJti,
  Replayed,
  NoKeysRegistered,  // neither jwks nor jwks_uri
  JwksUnavailable,   // jwks_uri fetch failed
  JwksInvalid,       // the JWKS document does not parse
  UnknownKid,
  AmbiguousKid,      // more than one usable key with this kid
  KeyAlgMismatch,    // the kid's key cannot verify this alg
  BadSignature,
};
std::string_view to_string(AssertionFailure failure);

struct AssertionClaims {
  std::optional<std::string> iss, sub, jti;
  std::vector<std::string> aud;
  std::optional<std::int64_t> exp, nbf;
};

struct ParsedAssertion {
  crypto::ParsedJws jws;
  AssertionClaims claims;
};

struct AssertionPolicy {
  std::string token_endpoint_url;  // the required aud
  std::uint32_t max_lifetime_s = 300;
  std::uint32_t clock_skew_s = 60;
};

// Header checks (alg, kid, typ) and claim decoding; nothing client-specific yet.
Expected<ParsedAssertion, AssertionFailure> parse_assertion(std::string_view compact);

// Claims and jku against the registered client, at `now` (seconds since the epoch).
AssertionFailure check_assertion(const ParsedAssertion& assertion, const clients::ClientRecord& client,
                                 const AssertionPolicy& policy, std::int64_t now);

// Exactly one key with the header's kid and a type fit for its alg, then the signature.
AssertionFailure verify_assertion_signature(const ParsedAssertion& assertion,
                                            const crypto::JwkSet& keys);

}  // namespace sa::clientauth
