#include "tokens/access_token.hpp"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <set>

#include "crypto/jws.hpp"
#include "crypto/keys.hpp"
#include "keys/sqlite_key_store.hpp"
#include "unit/tokens/token_test_support.hpp"

namespace sa::tokens {
namespace {

struct IssuerFixture : test::TokenDatabase {
  keys::SqliteKeyStore key_store{*db};
  keys::KeyRing ring{key_store, config::KeySettings{}, clock};
  crypto::FakeRandom random{0};

  IssuerFixture() { REQUIRE_FALSE(ring.load_or_create()); }

  AccessTokenIssuer issuer(config::AccessTokenAlg alg) {
    return AccessTokenIssuer(
        ring,
        AccessTokenSettings{
            .issuer = "https://auth.example", .audience = "https://fhir.example/r4", .alg = alg},
        clock, random);
  }
};

AccessTokenRequest backend_request() {
  return AccessTokenRequest{.subject = "bulk-client",
                            .client_id = "bulk-client",
                            .scope = "system/*.read",
                            .lifetime_s = 300};
}

// The public half only, as a resource server would hold it from JWKS.
crypto::PKey public_half(const crypto::PKey& key) {
  auto pem = crypto::public_key_to_pem(key);
  REQUIRE(pem);
  auto pub = crypto::public_key_from_pem(*pem);
  REQUIRE(pub);
  return std::move(*pub);
}

TEST_CASE_METHOD(IssuerFixture, "an access token is an at+jwt signed by the current key",
                 "[tokens][jwt]") {
  auto [config_alg, jws_alg] = GENERATE(table<config::AccessTokenAlg, crypto::JwsAlg>(
      {{config::AccessTokenAlg::ES256, crypto::JwsAlg::ES256},
       {config::AccessTokenAlg::RS256, crypto::JwsAlg::RS256}}));
  auto issued = issuer(config_alg).issue(backend_request());
  REQUIRE(issued);
  auto signer = ring.current()->signer(jws_alg);
  REQUIRE(signer);

  auto jws = crypto::parse_compact(issued->jwt);
  REQUIRE(jws);
  // ATFMT-1 / RFC 9068 §2.1
  CHECK(jws->header.typ == std::optional<std::string>("at+jwt"));
  CHECK(jws->header.alg == jws_alg);
  CHECK(jws->header.kid == std::optional<std::string>(signer->kid));
  CHECK(crypto::verify(*jws, public_half(signer->key), jws_alg) == crypto::JwsStatus::Ok);

  // A flipped signature bit fails.
  std::string tampered = jws->signature;
  tampered[tampered.size() / 2] = static_cast<char>(tampered[tampered.size() / 2] ^ 0x01);
  CHECK(crypto::verify_bytes(public_half(signer->key), jws_alg, jws->signing_input, tampered) ==
        crypto::JwsStatus::BadSignature);
}

TEST_CASE_METHOD(IssuerFixture, "the claims are exactly the RFC 9068 set", "[tokens][jwt]") {
  // ATFMT-1: iss, sub, aud, client_id, scope, iat, exp, jti; jti = the ordered prefix (the
  // second in hex, 6553f100, then the microsecond) and 16 random bytes 00..0f.
  auto issued = issuer(config::AccessTokenAlg::ES256).issue(backend_request());
  REQUIRE(issued);
  auto jws = crypto::parse_compact(issued->jwt);
  REQUIRE(jws);
  REQUIRE(issued->jti.size() == 14 + 22);
  CHECK(issued->jti.starts_with("6553f100"));
  CHECK(issued->jti.ends_with("AAECAwQFBgcICQoLDA0ODw"));
  CHECK(jws->payload ==
        R"({"iss":"https://auth.example","sub":"bulk-client","aud":"https://fhir.example/r4",)"
        R"("client_id":"bulk-client","scope":"system/*.read","iat":1700000000,)"
        R"("exp":1700000300,"jti":")" +
            issued->jti + R"("})");
  CHECK(issued->issued_at == 1'700'000'000);
  CHECK(issued->expires_at == 1'700'000'300);
  CHECK(issued->scope == "system/*.read");
}

TEST_CASE_METHOD(IssuerFixture, "launch context claims are added when given", "[tokens][jwt]") {
  AccessTokenRequest request = backend_request();
  request.subject = "user-7";
  request.client_id = "app";
  request.scope = "launch/patient patient/*.rs";
  request.context =
      LaunchClaims{.patient = "123", .encounter = "enc-9", .fhir_user = "Practitioner/7"};
  auto issued = issuer(config::AccessTokenAlg::RS256).issue(request);
  REQUIRE(issued);
  auto jws = crypto::parse_compact(issued->jwt);
  REQUIRE(jws);
  rapidjson::Document claims;
  claims.Parse(jws->payload.c_str());
  REQUIRE(claims.IsObject());
  CHECK(claims.MemberCount() == 11);
  CHECK(std::string(claims["patient"].GetString()) == "123");
  CHECK(std::string(claims["encounter"].GetString()) == "enc-9");
  CHECK(std::string(claims["fhirUser"].GetString()) == "Practitioner/7");
  CHECK(std::string(claims["sub"].GetString()) == "user-7");
}

TEST_CASE_METHOD(IssuerFixture, "every token gets its own jti, in issue order", "[tokens][jwt]") {
  crypto::OpenSslRandom real;
  AccessTokenIssuer issuer(ring, AccessTokenSettings{.issuer = "i", .audience = "a"}, clock, real);
  std::set<std::string> jtis;
  std::string previous;
  for (int i = 0; i < 50; ++i) {
    if (i == 25) clock.advance(1);
    auto issued = issuer.issue(backend_request());
    REQUIRE(issued);
    CHECK(issued->jti.size() == 14 + 22);  // ordered prefix, then 128 bits as base64url
    // The jti keys access_tokens: each sorts after the one before, so inserts append.
    CHECK(issued->jti.substr(0, 14) >
          previous.substr(0, std::min<std::size_t>(14, previous.size())));
    previous = issued->jti;
    jtis.insert(issued->jti);
  }
  CHECK(jtis.size() == 50);
}

TEST_CASE_METHOD(IssuerFixture, "an unrecorded token's jti says so, and no other jti does",
                 "[tokens][jwt]") {
  AccessTokenRequest request = backend_request();
  auto recorded = issuer(config::AccessTokenAlg::ES256).issue(request);
  request.unrecorded = true;
  auto unrecorded = issuer(config::AccessTokenAlg::ES256).issue(request);
  REQUIRE(recorded);
  REQUIRE(unrecorded);
  CHECK(unrecorded->jti.size() == 1 + 14 + 22);
  CHECK(unrecorded->jti.front() == kUnrecordedJtiMarker);
  CHECK(is_unrecorded_jti(unrecorded->jti));
  CHECK_FALSE(is_unrecorded_jti(recorded->jti));
  CHECK_FALSE(is_unrecorded_jti(unrecorded->jti.substr(0, 36)));
  CHECK_FALSE(is_unrecorded_jti(unrecorded->jti + "x"));
  // A 22-character jti from before ordered prefixes, even one starting with the marker.
  CHECK_FALSE(is_unrecorded_jti("s0123456789abcdefABCDE"));
  CHECK_FALSE(is_unrecorded_jti("sX123456789abcd" + std::string(22, 'A')));  // not hex
}

TEST_CASE_METHOD(IssuerFixture, "a non-positive lifetime is refused", "[tokens][jwt]") {
  AccessTokenRequest request = backend_request();
  request.lifetime_s = 0;
  auto issued = issuer(config::AccessTokenAlg::ES256).issue(request);
  REQUIRE_FALSE(issued);
  CHECK(issued.error() == "access token lifetime must be > 0");
}

TEST_CASE_METHOD(test::TokenDatabase, "without loaded keys nothing is issued", "[tokens][jwt]") {
  keys::SqliteKeyStore key_store{*db};
  keys::KeyRing ring{key_store, config::KeySettings{}, clock};  // load_or_create() not called
  crypto::FakeRandom random;
  AccessTokenIssuer issuer(ring, AccessTokenSettings{.issuer = "i", .audience = "a"}, clock,
                           random);
  auto issued = issuer.issue(backend_request());
  REQUIRE_FALSE(issued);
  CHECK(issued.error() == "no active ES256 signing key");
}

}  // namespace
}  // namespace sa::tokens

namespace sa::tokens {
namespace {

TEST_CASE_METHOD(IssuerFixture, "an app's token is for the FHIR base it named at authorize",
                 "[tokens][jwt]") {
  // TOKEN-13, RFC 9068 §2.2: aud is the app's `aud`, one of the accepted FHIR bases.
  AccessTokenRequest request = backend_request();
  request.audience = "https://fhir.example/other";
  auto issued = issuer(config::AccessTokenAlg::ES256).issue(request);
  REQUIRE(issued);
  auto jws = crypto::parse_compact(issued->jwt);
  REQUIRE(jws);
  rapidjson::Document claims;
  claims.Parse(jws->payload.c_str());
  CHECK(std::string(claims["aud"].GetString()) == "https://fhir.example/other");
}

}  // namespace
}  // namespace sa::tokens
