// JWK Set documents (RFC 7517 §5), as fetched from a client's jwks_uri or registered inline:
// parse {"keys":[...]} into usable public keys. Entries we cannot use are skipped and reported
// with their index, as RFC 7517 §5 asks; only a document that is not a JWKS at all fails.
// No fetching or caching here.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/jwk.hpp"
#include "crypto/verifier.hpp"

namespace sa::crypto {

struct JwksEntry {
  std::optional<std::string> kid;
  KeyType type = KeyType::RSA;
  std::string kty;                 // "RSA" or "EC"
  std::optional<std::string> alg;  // as published; checked against the key type if we know it
  std::optional<std::string> use;  // as published; "enc" keys are kept, callers filter
  PKey key;
  // `key` prepared once for each alg it can verify (RS256 and RS384, or the curve's ES*), so a
  // cached key set verifies without per-signature OpenSSL set-up (issue 6 §4).
  std::vector<std::shared_ptr<const Verifier>> verifiers;

  // The same answer as crypto::verify(jws, key, expected), through the prepared verifier.
  JwsStatus verify(const ParsedJws& jws, JwsAlg expected) const;
};

struct JwksProblem {
  std::size_t index;  // position in "keys"
  JwkError error;
};
// e.g. "keys[2]: private key member present \"d\""
std::string describe(const JwksProblem& p);

struct JwkSet {
  std::vector<JwksEntry> keys;
  std::vector<JwksProblem> skipped;
};

inline constexpr std::size_t kMaxJwksKeys = 100;

// Fails only for the document itself: BadJson, NotAnObject, MissingKeys, TooManyKeys.
Expected<JwkSet, JwkError> parse_jwks(std::string_view json);

}  // namespace sa::crypto
