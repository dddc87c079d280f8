// PKCE at the token endpoint (RFC 7636 §4.1, §4.6): is a code_verifier well formed, and does
// BASE64URL(SHA256(verifier)) equal the challenge stored with the code. S256 only: the
// authorization endpoint refuses `plain` (SMART App Launch 2.2), so no other method is stored.
#pragma once

#include <string_view>

namespace sa::oauth {

// RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
bool verifier_well_formed(std::string_view verifier);

// RFC 7636 §4.6 with S256, compared in constant time; false for an ill-formed verifier or an
// empty challenge.
bool verifier_matches(std::string_view verifier, std::string_view challenge);

}  // namespace sa::oauth
