#include "tokens/id_token.hpp"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include "crypto/jws.hpp"
#include "crypto/keys.hpp"
#include "keys/sqlite_key_store.hpp"
#include "unit/tokens/token_test_support.hpp"

namespace sa::tokens {
namespace {

constexpr const char* kBase = "https://fhir.example/r4";

struct IdTokenFixture : test::TokenDatabase {
  keys::SqliteKeyStore key_store{*db};
  keys::KeyRing ring{key_store, config::KeySettings{}, clock};
  IdTokenIssuer issuer{ring, "https://auth.example", clock};

  IdTokenFixture() { REQUIRE_FALSE(ring.load_or_create()); }

  IdTokenRequest request(std::optional<std::string> nonce = std::nullopt) const {
    IdTokenRequest r;
    r.user = user_claims("openid fhirUser profile", "user-7", "Practitioner/7", "Dr Smith", kBase);
    r.client_id = "app-1";
    r.auth_time = 1'699'999'000;
    r.nonce = std::move(nonce);
    r.lifetime_s = 600;
    return r;
  }
};

rapidjson::Document payload_of(const crypto::ParsedJws& jws) {
  rapidjson::Document claims;
  claims.Parse(jws.payload.c_str());
  REQUIRE(claims.IsObject());
  return claims;
}

crypto::PKey public_half(const crypto::PKey& key) {
  auto pem = crypto::public_key_to_pem(key);
  REQUIRE(pem);
  auto pub = crypto::public_key_from_pem(*pem);
  REQUIRE(pub);
  return std::move(*pub);
}

TEST_CASE("fhirUser is a claim only when the fhirUser scope was granted, and made absolute",
          "[tokens][oidc]") {
  // OIDC-6: a relative directory reference becomes {FHIR base}/{Type}/{id}.
  auto claims = user_claims("openid fhirUser", "u1", "Patient/123", "Pat", kBase);
  CHECK(claims.sub == "u1");
  CHECK(claims.fhir_user == std::optional<std::string>("https://fhir.example/r4/Patient/123"));
  CHECK_FALSE(claims.name);
  // A base with a trailing slash and an absolute reference are both kept sane.
  CHECK(user_claims("fhirUser", "u1", "Patient/1", "", "https://f.example/r4/").fhir_user ==
        std::optional<std::string>("https://f.example/r4/Patient/1"));
  CHECK(
      user_claims("fhirUser", "u1", "https://other.example/Practitioner/9", "", kBase).fhir_user ==
      std::optional<std::string>("https://other.example/Practitioner/9"));
  // Without the scope (a prefix of it does not count) there is no fhirUser.
  CHECK_FALSE(user_claims("openid profile", "u1", "Patient/123", "Pat", kBase).fhir_user);
  CHECK_FALSE(user_claims("openid fhirUsers", "u1", "Patient/123", "Pat", kBase).fhir_user);
}

TEST_CASE("name is a claim only when profile was granted", "[tokens][oidc]") {
  CHECK(user_claims("openid profile", "u1", "", "Dr Smith", kBase).name ==
        std::optional<std::string>("Dr Smith"));
  CHECK_FALSE(user_claims("openid fhirUser", "u1", "", "Dr Smith", kBase).name);
  // A user with no name in the directory gets no empty claim.
  CHECK_FALSE(user_claims("openid profile", "u1", "", "", kBase).name);
}

TEST_CASE_METHOD(IdTokenFixture, "an id_token is RS256 with the kid of the current RSA key",
                 "[tokens][oidc]") {
  auto issued = issuer.issue(request());
  REQUIRE(issued);
  auto jws = crypto::parse_compact(*issued);
  REQUIRE(jws);
  auto rsa = ring.current()->signer(crypto::JwsAlg::RS256);
  REQUIRE(rsa);
  CHECK(jws->header.alg == crypto::JwsAlg::RS256);                 // OIDC-2
  CHECK(jws->header.kid == std::optional<std::string>(rsa->kid));  // OIDC-4
  CHECK(crypto::verify(*jws, public_half(rsa->key), crypto::JwsAlg::RS256) ==
        crypto::JwsStatus::Ok);
}

TEST_CASE_METHOD(IdTokenFixture, "an id_token carries the OIDC claims, aud = client_id",
                 "[tokens][oidc]") {
  auto issued = issuer.issue(request());
  REQUIRE(issued);
  auto jws = crypto::parse_compact(*issued);
  REQUIRE(jws);
  auto claims = payload_of(*jws);
  // OIDC-5: iss, sub, aud (= client_id), exp, iat; auth_time always.
  CHECK(std::string(claims["iss"].GetString()) == "https://auth.example");
  CHECK(std::string(claims["sub"].GetString()) == "user-7");
  CHECK(std::string(claims["aud"].GetString()) == "app-1");
  CHECK(claims["iat"].GetInt64() == 1'700'000'000);
  CHECK(claims["exp"].GetInt64() == 1'700'000'600);
  CHECK(claims["auth_time"].GetInt64() == 1'699'999'000);
  // OIDC-6: fhirUser absolute; profile: name.
  CHECK(std::string(claims["fhirUser"].GetString()) == "https://fhir.example/r4/Practitioner/7");
  CHECK(std::string(claims["name"].GetString()) == "Dr Smith");
  // OIDC-7: no nonce when none was sent.
  CHECK_FALSE(claims.HasMember("nonce"));
}

TEST_CASE_METHOD(IdTokenFixture, "the nonce of the authorization request is echoed unchanged",
                 "[tokens][oidc]") {
  auto issued = issuer.issue(request("n-0S6_WzA2Mj"));  // OIDC-7
  REQUIRE(issued);
  auto jws = crypto::parse_compact(*issued);
  REQUIRE(jws);
  CHECK(std::string(payload_of(*jws)["nonce"].GetString()) == "n-0S6_WzA2Mj");
}

TEST_CASE_METHOD(IdTokenFixture, "claims the scope did not grant stay out of the id_token",
                 "[tokens][oidc]") {
  auto r = request();
  r.user = user_claims("openid", "user-7", "Practitioner/7", "Dr Smith", kBase);
  auto issued = issuer.issue(r);
  REQUIRE(issued);
  auto jws = crypto::parse_compact(*issued);
  REQUIRE(jws);
  auto claims = payload_of(*jws);
  CHECK_FALSE(claims.HasMember("fhirUser"));
  CHECK_FALSE(claims.HasMember("name"));
  CHECK(claims.MemberCount() == 6);  // iss sub aud iat exp auth_time
}

TEST_CASE_METHOD(test::TokenDatabase, "without an RSA key no id_token is issued",
                 "[tokens][oidc]") {
  keys::SqliteKeyStore key_store{*db};
  keys::KeyRing ring{key_store, config::KeySettings{}, clock};  // load_or_create() not called
  IdTokenIssuer issuer{ring, "https://auth.example", clock};
  auto issued = issuer.issue(IdTokenRequest{});
  REQUIRE_FALSE(issued);
  CHECK(issued.error() == "no active RS256 signing key");
}

}  // namespace
}  // namespace sa::tokens
