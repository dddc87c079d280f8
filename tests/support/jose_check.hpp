// An independent JOSE check for end-to-end tests, written with OpenSSL directly and sharing no
// code with the service's crypto/: builds public keys from JWKS members, verifies and signs
// compact JWS (RS256/RS384/ES256/ES384). Used to prove that what the service publishes is what
// a standard verifier accepts.
#pragma once

#include <optional>
#include <string>

namespace sa::test {

std::string b64url(const std::string& bytes);
std::string b64(const std::string& bytes);  // standard alphabet with padding (HTTP Basic)
std::optional<std::string> unb64url(const std::string& text);

// Verifies `compact` against the JWK (JSON object text) with the alg named in its header.
// Returns an empty string on success, else what failed.
std::string verify_jws_with_jwk(const std::string& compact, const std::string& jwk_json);
// The JWK in `jwks_json` whose kid matches the JWS header's kid; nullopt if none.
std::optional<std::string> find_jwk_for(const std::string& compact, const std::string& jwks_json);
// Signs header.payload with a PEM private key. alg: RS256|RS384|ES256|ES384.
std::string sign_jws_with_pem(const std::string& private_pem, const std::string& alg,
                              const std::string& header_json, const std::string& payload_json);
// The decoded JSON of part 0 (header) or 1 (payload) of a compact JWS.
std::string jws_part_json(const std::string& compact, int part);

}  // namespace sa::test
