#include "crypto/jwk.hpp"

#include <catch2/catch.hpp>

#include "rfc_vectors.hpp"
#include "test_keys.hpp"
#include "util/base64url.hpp"

using namespace sa::crypto;
using namespace sa::crypto::test;

TEST_CASE("the RFC 7638 §3.1 example key has the published thumbprint", "[jwk]") {
  auto key = public_key_from_jwk(kRfc7638Jwk);
  REQUIRE(key.has_value());
  CHECK(jwk_thumbprint(*key).value() == kRfc7638Thumbprint);
}

TEST_CASE("exported JWKs import back to the same key", "[jwk]") {
  auto type = GENERATE(KeyType::RSA, KeyType::EC_P256, KeyType::EC_P384);
  const PKey& key = shared_key(type);
  auto jwk = to_public_jwk(key);
  REQUIRE(jwk.has_value());
  std::string json = public_jwk_json(*jwk, {.kid = "k1", .use = "sig", .alg = ""});
  auto back = public_key_from_jwk(json);
  REQUIRE(back.has_value());
  CHECK(EVP_PKEY_eq(key.get(), back->get()) == 1);
  CHECK(json.find("\"kid\":\"k1\"") != std::string::npos);
  CHECK(json.find("\"alg\"") == std::string::npos);
  CHECK(json.find("\"d\"") == std::string::npos);
  CHECK(jwk_thumbprint(*jwk) == jwk_thumbprint(*back).value());
}

TEST_CASE("EC coordinates are exported at full width", "[jwk]") {
  // RFC 7518 §6.2.1.2: 32 octets for P-256, 48 for P-384, even when leading bytes are zero.
  for (int i = 0; i < 40; ++i) {
    auto p256 = to_public_jwk(generate_key(KeyType::EC_P256).value()).value();
    CHECK(sa::base64url_decode(p256.x)->size() == 32);
    CHECK(sa::base64url_decode(p256.y)->size() == 32);
    CHECK(p256.crv == "P-256");
  }
  auto p384 = to_public_jwk(shared_key(KeyType::EC_P384)).value();
  CHECK(sa::base64url_decode(p384.x)->size() == 48);
  CHECK(p384.crv == "P-384");
}

TEST_CASE("a JWK carrying private members is refused, naming the member", "[jwk]") {
  auto result = public_key_from_jwk(kRfc7515A3PrivateJwk);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().status == JwkStatus::PrivateMaterialPresent);
  CHECK(result.error().member == "d");
  auto member = GENERATE("p", "q", "dp", "dq", "qi", "oth", "k");
  std::string json = std::string(R"({"kty":"RSA","n":"AQAB","e":"AQAB",")") + member + R"(":"AA"})";
  CHECK(public_key_from_jwk(json).error().status == JwkStatus::PrivateMaterialPresent);
}

TEST_CASE("an RSA JWK under 2048 bits is refused", "[jwk]") {
  auto jwk = to_public_jwk(raw_key("RSA", "1024")).value();
  auto result = public_key_from_jwk(public_jwk_json(jwk));
  CHECK(result.error().status == JwkStatus::BadKeySize);
}

TEST_CASE("EC JWKs on other curves or with short coordinates are refused", "[jwk]") {
  auto jwk = to_public_jwk(shared_key(KeyType::EC_P256)).value();
  SECTION("P-521") {
    jwk.crv = "P-521";
    CHECK(public_key_from_jwk(public_jwk_json(jwk)).error().status == JwkStatus::BadCurve);
  }
  SECTION("a P-256 point labelled P-384") {
    jwk.crv = "P-384";
    CHECK(public_key_from_jwk(public_jwk_json(jwk)).error().status ==
          JwkStatus::BadCoordinateLength);
  }
  SECTION("x without its leading byte") {
    auto x = *sa::base64url_decode(jwk.x);
    jwk.x = sa::base64url_encode(x.substr(1));
    CHECK(public_key_from_jwk(public_jwk_json(jwk)).error().member == "x");
  }
  SECTION("a point that is not on the curve") {
    auto y = *sa::base64url_decode(jwk.y);
    y[31] = static_cast<char>(y[31] ^ 1);
    jwk.y = sa::base64url_encode(y);
    CHECK(public_key_from_jwk(public_jwk_json(jwk)).error().status == JwkStatus::InvalidKey);
  }
}

TEST_CASE("malformed JWKs name what is wrong", "[jwk]") {
  auto [json, status, member] = GENERATE(table<std::string, JwkStatus, std::string>({
      {"", JwkStatus::BadJson, ""},
      {"[1]", JwkStatus::NotAnObject, ""},
      {R"({"kty":"RSA","kty":"EC"})", JwkStatus::DuplicateMember, ""},
      {R"({"n":"AQAB"})", JwkStatus::MissingKty, "kty"},
      {R"({"kty":7})", JwkStatus::WrongMemberType, "kty"},
      {R"({"kty":"oct"})", JwkStatus::UnsupportedKty, "kty"},
      {R"({"kty":"OKP","crv":"Ed25519","x":"AA"})", JwkStatus::UnsupportedKty, "kty"},
      {R"({"kty":"RSA","e":"AQAB"})", JwkStatus::MissingMember, "n"},
      {R"({"kty":"RSA","n":"AQAB"})", JwkStatus::MissingMember, "e"},
      {R"({"kty":"RSA","n":"AQ+B","e":"AQAB"})", JwkStatus::BadBase64, "n"},
      {R"({"kty":"RSA","n":"AQAB=","e":"AQAB"})", JwkStatus::BadBase64, "n"},
      {R"({"kty":"RSA","n":["AQAB"],"e":"AQAB"})", JwkStatus::WrongMemberType, "n"},
      {R"({"kty":"EC","x":"AA","y":"AA"})", JwkStatus::MissingMember, "crv"},
  }));
  auto result = public_key_from_jwk(json);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().status == status);
  CHECK(result.error().member == member);
  CHECK_FALSE(describe(result.error()).empty());
}

TEST_CASE("a key of an unsupported type cannot be exported", "[jwk]") {
  CHECK(to_public_jwk(raw_key("EC", "secp256k1")).error() == JwkStatus::UnsupportedKeyType);
  CHECK(to_public_jwk(PKey{}).error() == JwkStatus::UnsupportedKeyType);
}

TEST_CASE("a JWKS document lists every published key", "[jwk]") {
  std::vector<PublishedKey> keys;
  keys.push_back({to_public_jwk(shared_key(KeyType::RSA)).value(), {"a", "sig", "RS256"}});
  keys.push_back({to_public_jwk(shared_key(KeyType::EC_P256)).value(), {"b", "sig", "ES256"}});
  std::string json = jwks_json(keys);
  CHECK(json.rfind(R"({"keys":[{"kty":"RSA","n":")", 0) == 0);
  CHECK(json.find(R"("kid":"b","use":"sig","alg":"ES256"})") != std::string::npos);
}
