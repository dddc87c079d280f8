// JWS compact serialization (RFC 7515 §7.1) with RS256/RS384/ES256/ES384 only: sign, parse, and
// verify against a key the caller chose. "none", HMAC and everything else are refused by name.
// This unit never picks a key from the token (jku, jwk, x5u are parsed or ignored, never
// trusted) and never looks at claims: JWT claim checks live with the code that needs them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/handles.hpp"
#include "crypto/keys.hpp"
#include "util/expected.hpp"

namespace sa::crypto {

enum class JwsAlg { RS256, RS384, ES256, ES384 };

enum class JwsStatus {
  Ok,
  TooLarge,       // over kMaxCompactJwsBytes
  Malformed,      // not three dot-separated parts
  BadBase64,      // a part is not unpadded base64url
  BadHeaderJson,  // header not a JSON object, duplicate names, or a member of the wrong type
  MissingAlg,
  AlgNone,             // "none": never accepted (RFC 8725 §3.1)
  UnsupportedAlg,      // HS*, PS*, ES512, EdDSA, unknown
  UnsupportedCrit,     // "crit" present: we understand no extensions (RFC 7515 §4.1.11)
  AlgMismatch,         // header alg is not the one the caller expected
  KeyAlgMismatch,      // key type cannot be used with the alg (RSA key for ES256, P-256 for ES384)
  KeyTooSmall,         // RSA key under 2048 bits
  BadSignatureLength,  // not 64/96 bytes for ES256/ES384, not the modulus size for RS*
  BadSignature,
  SigningFailed,
};
std::string_view to_string(JwsStatus s);

inline constexpr std::size_t kMaxCompactJwsBytes = 64 * 1024;

std::string_view to_string(JwsAlg alg);
// Exact, case-sensitive match (RFC 7515 §4.1.1). "none" -> AlgNone, anything unknown ->
// UnsupportedAlg.
Expected<JwsAlg, JwsStatus> parse_alg(std::string_view name);
// Ok, KeyAlgMismatch or KeyTooSmall.
JwsStatus check_key_for_alg(const EVP_PKEY* key, JwsAlg alg);

struct JwsHeader {
  JwsAlg alg = JwsAlg::RS256;
  std::optional<std::string> kid;
  std::optional<std::string> typ;
  std::optional<std::string> jku;  // reported for policy checks; never fetched here
  std::string json;                // the decoded header, for callers that need more members
};

struct ParsedJws {
  JwsHeader header;
  std::string payload;        // decoded bytes
  std::string signature;      // decoded bytes (raw r||s for ES*)
  std::string signing_input;  // ASCII(BASE64URL(header) '.' BASE64URL(payload)), RFC 7515 §5.2
};

Expected<ParsedJws, JwsStatus> parse_compact(std::string_view compact);

// Checks header alg == expected, then the key against the alg, then the signature.
JwsStatus verify(const ParsedJws& jws, const PKey& key, JwsAlg expected);

// What the signer puts in the protected header; empty kid/typ are omitted.
struct JwsSignParams {
  JwsAlg alg = JwsAlg::RS256;
  std::string kid;
  std::string typ;  // e.g. "JWT", or "at+jwt" for access tokens (RFC 9068 §2.1)
};

// header.payload.signature with a header written by RapidJSON: {"alg":..,"kid":..,"typ":..}.
Expected<std::string, JwsStatus> sign_compact(const PKey& key, const JwsSignParams& params,
                                              std::string_view payload);

// The primitive under both: signature bytes in JOSE form (raw r||s for ES*).
Expected<std::string, JwsStatus> sign_bytes(const PKey& key, JwsAlg alg,
                                            std::string_view signing_input);
JwsStatus verify_bytes(const PKey& key, JwsAlg alg, std::string_view signing_input,
                       std::string_view signature);

}  // namespace sa::crypto
