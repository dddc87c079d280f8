#include "oauth/pkce.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace sa::oauth {
namespace {

constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr const char* kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST_CASE("the RFC 7636 appendix B verifier matches its challenge", "[oauth][pkce]") {
  // PKCE-3: BASE64URL(SHA256(verifier)) == challenge.
  CHECK(verifier_matches(kVerifier, kChallenge));
}

TEST_CASE("a wrong verifier, or the challenge itself, does not match", "[oauth][pkce]") {
  // PKCE-3 (g10 invalid PKCE group): wrong verifier, verifier == challenge, blank.
  std::string wrong = kVerifier;
  wrong.back() = wrong.back() == 'k' ? 'j' : 'k';
  CHECK_FALSE(verifier_matches(wrong, kChallenge));
  CHECK_FALSE(verifier_matches(kChallenge, kChallenge));
  CHECK_FALSE(verifier_matches("", kChallenge));
  // PKCE-5: a code stored without a challenge matches nothing.
  CHECK_FALSE(verifier_matches(kVerifier, ""));
}

TEST_CASE("verifiers are 43 to 128 unreserved characters", "[oauth][pkce]") {
  // PKCE-4: Inferno's uuid-uuid (73 characters) is fine; so are the edges.
  CHECK(verifier_well_formed(
      "0f5c1b8e-7a0e-4d2b-9c3f-6e1d2a3b4c5d-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"));
  CHECK(verifier_well_formed(std::string(43, 'a')));
  CHECK(verifier_well_formed(std::string(128, '~')));
  CHECK(verifier_well_formed("AZaz09-._~" + std::string(33, 'x')));
  CHECK_FALSE(verifier_well_formed(std::string(42, 'a')));
  CHECK_FALSE(verifier_well_formed(std::string(129, 'a')));
  auto bad_char = GENERATE(as<std::string>{}, " ", "+", "/", "=", "%", "\xc3\xa9");
  CHECK_FALSE(verifier_well_formed(std::string(43, 'a') + bad_char));
  // An ill-formed verifier never matches, whatever it hashes to.
  CHECK_FALSE(verifier_matches(std::string(42, 'a'), kChallenge));
}

}  // namespace
}  // namespace sa::oauth
