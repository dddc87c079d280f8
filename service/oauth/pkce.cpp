#include "oauth/pkce.hpp"

#include "crypto/hash.hpp"

namespace sa::oauth {
namespace {

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

bool verifier_well_formed(std::string_view verifier) {
  // RFC 7636 §4.1: code-verifier = 43*128unreserved.
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  for (char c : verifier) {
    if (!unreserved(c)) return false;
  }
  return true;
}

bool verifier_matches(std::string_view verifier, std::string_view challenge) {
  if (challenge.empty() || !verifier_well_formed(verifier)) return false;
  // RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge, compared
  // without leaking where they differ.
  return crypto::constant_time_equals(crypto::sha256_b64url(verifier), challenge);
}

}  // namespace sa::oauth
