// Published JWS examples verified with the published keys.
#include <catch2/catch.hpp>

#include "crypto/jwk.hpp"
#include "crypto/jws.hpp"
#include "rfc_vectors.hpp"

using namespace sa::crypto;
using namespace sa::crypto::test;

namespace {
PKey import(const char* jwk) {
  auto key = public_key_from_jwk(jwk);
  REQUIRE(key.has_value());
  return std::move(*key);
}
}  // namespace

TEST_CASE("the RFC 7515 A.2 RS256 example verifies with its published key", "[jws][rfc]") {
  auto jws = parse_compact(kRfc7515A2Jws);
  REQUIRE(jws.has_value());
  CHECK(jws->header.alg == JwsAlg::RS256);
  CHECK(jws->payload.find("\"iss\":\"joe\"") != std::string::npos);
  CHECK(verify(*jws, import(kRfc7515A2Jwk), JwsAlg::RS256) == JwsStatus::Ok);
}

TEST_CASE("the RFC 7515 A.3 ES256 example verifies with its published key", "[jws][rfc]") {
  auto jws = parse_compact(kRfc7515A3Jws);
  REQUIRE(jws.has_value());
  CHECK(jws->header.alg == JwsAlg::ES256);
  CHECK(jws->signature.size() == 64);
  CHECK(verify(*jws, import(kRfc7515A3Jwk), JwsAlg::ES256) == JwsStatus::Ok);
}

TEST_CASE("the RFC 7520 §4.1 RS256 example verifies and carries its kid", "[jws][rfc]") {
  auto jws = parse_compact(kRfc7520Jws);
  REQUIRE(jws.has_value());
  CHECK(jws->header.kid == "bilbo.baggins@hobbiton.example");
  CHECK(jws->payload.rfind("It\xe2\x80\x99s a dangerous business, Frodo", 0) == 0);
  CHECK(verify(*jws, import(kRfc7520RsaJwk), JwsAlg::RS256) == JwsStatus::Ok);
}

TEST_CASE("the published examples fail under the wrong key or alg", "[jws][rfc]") {
  auto a2 = parse_compact(kRfc7515A2Jws).value();
  auto a3 = parse_compact(kRfc7515A3Jws).value();
  CHECK(verify(a2, import(kRfc7520RsaJwk), JwsAlg::RS256) == JwsStatus::BadSignature);
  CHECK(verify(a2, import(kRfc7515A2Jwk), JwsAlg::RS384) == JwsStatus::AlgMismatch);
  CHECK(verify(a3, import(kRfc7515A2Jwk), JwsAlg::ES256) == JwsStatus::KeyAlgMismatch);
  CHECK(verify_bytes(import(kRfc7515A2Jwk), JwsAlg::RS384, a2.signing_input, a2.signature) ==
        JwsStatus::BadSignature);
}

TEST_CASE("flipping any bit of a published signature or signing input fails verification",
          "[jws][rfc]") {
  struct Case {
    const char* jws;
    const char* jwk;
    JwsAlg alg;
  };
  auto c = GENERATE(Case{kRfc7515A2Jws, kRfc7515A2Jwk, JwsAlg::RS256},
                    Case{kRfc7515A3Jws, kRfc7515A3Jwk, JwsAlg::ES256});
  auto jws = parse_compact(c.jws).value();
  PKey key = import(c.jwk);
  REQUIRE(verify(jws, key, c.alg) == JwsStatus::Ok);
  for (std::size_t i = 0; i < jws.signature.size() * 8; ++i) {
    ParsedJws bad = jws;
    bad.signature[i / 8] = static_cast<char>(bad.signature[i / 8] ^ (1 << (i % 8)));
    REQUIRE(verify(bad, key, c.alg) == JwsStatus::BadSignature);
  }
  for (std::size_t i = 0; i < jws.signing_input.size() * 8; ++i) {
    ParsedJws bad = jws;
    bad.signing_input[i / 8] = static_cast<char>(bad.signing_input[i / 8] ^ (1 << (i % 8)));
    REQUIRE(verify(bad, key, c.alg) == JwsStatus::BadSignature);
  }
}
