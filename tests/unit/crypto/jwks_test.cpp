#include "crypto/jwks.hpp"

#include <catch2/catch.hpp>

#include "rfc_vectors.hpp"
#include "test_keys.hpp"

using namespace sa::crypto;
using namespace sa::crypto::test;

TEST_CASE("a JWKS yields each key with its kid, alg and use", "[jwks]") {
  std::vector<PublishedKey> published;
  published.push_back({to_public_jwk(shared_key(KeyType::RSA)).value(), {"r1", "sig", "RS384"}});
  published.push_back({to_public_jwk(shared_key(KeyType::EC_P384)).value(), {"e1", "", ""}});
  auto set = parse_jwks(jwks_json(published));
  REQUIRE(set.has_value());
  REQUIRE(set->keys.size() == 2);
  CHECK(set->skipped.empty());
  CHECK(set->keys[0].kid == "r1");
  CHECK(set->keys[0].kty == "RSA");
  CHECK(set->keys[0].alg == "RS384");
  CHECK(set->keys[0].use == "sig");
  CHECK(EVP_PKEY_eq(set->keys[0].key.get(), shared_key(KeyType::RSA).get()) == 1);
  CHECK(set->keys[1].type == KeyType::EC_P384);
  CHECK_FALSE(set->keys[1].alg.has_value());
  CHECK_FALSE(set->keys[1].use.has_value());
}

TEST_CASE("unusable JWKS entries are skipped and reported by index", "[jwks]") {
  std::string doc =
      std::string(R"({"keys":[)") + R"({"kty":"oct","k":"AAAA"},)" + kRfc7515A3Jwk + "," +
      kRfc7515A3PrivateJwk + "," + R"({"kty":"EC","crv":"P-256","alg":"RS256",)" +
      R"("x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)" +
      R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},)" +
      R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},)" +
      R"({"kty":"EC","crv":"P-256","kid":5,"x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)" +
      R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})";
  auto set = parse_jwks(doc);
  REQUIRE(set.has_value());
  REQUIRE(set->keys.size() == 1);
  CHECK(set->keys[0].type == KeyType::EC_P256);
  REQUIRE(set->skipped.size() == 5);
  CHECK(set->skipped[0].index == 0);
  CHECK(set->skipped[0].error.status == JwkStatus::PrivateMaterialPresent);
  CHECK(describe(set->skipped[1]) == "keys[2]: private key member present \"d\"");
  CHECK(set->skipped[2].error.status == JwkStatus::AlgKeyMismatch);
  CHECK(set->skipped[3].error.status == JwkStatus::UnsupportedKty);
  CHECK(set->skipped[4].index == 5);
  CHECK(set->skipped[4].error.status == JwkStatus::WrongMemberType);
}

TEST_CASE("a document that is not a JWKS is refused", "[jwks]") {
  auto [json, status] = GENERATE(table<std::string, JwkStatus>({
      {"{", JwkStatus::BadJson},
      {"[]", JwkStatus::NotAnObject},
      {"{}", JwkStatus::MissingKeys},
      {R"({"keys":{}})", JwkStatus::MissingKeys},
      {R"({"keys":[],"keys":[]})", JwkStatus::DuplicateMember},
  }));
  CHECK(parse_jwks(json).error().status == status);
}

TEST_CASE("a JWKS with more than the allowed number of keys is refused", "[jwks]") {
  std::string doc = R"({"keys":[)";
  for (std::size_t i = 0; i <= kMaxJwksKeys; ++i) doc += (i ? ",{}" : "{}");
  doc += "]}";
  CHECK(parse_jwks(doc).error().status == JwkStatus::TooManyKeys);
}

TEST_CASE("an empty JWKS parses to no keys", "[jwks]") {
  auto set = parse_jwks(R"({"keys":[]})");
  REQUIRE(set.has_value());
  CHECK(set->keys.empty());
}

TEST_CASE("a JWK that repeats a member name is refused, and so is the JWKS holding it",
          "[jwks]") {  // REG-3; RFC 7517 §4 / RFC 8259 §4: names SHOULD be unique, we insist
  const std::string xy = R"("x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
                         R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")";
  auto [name, jwk] = GENERATE_COPY(table<std::string, std::string>({
      {"kid twice", R"({"kty":"EC","crv":"P-256","kid":"a","kid":"b",)" + xy + "}"},
      {"x twice", R"({"kty":"EC","crv":"P-256","x":"AAAA",)" + xy + "}"},
      {"kty twice", R"({"kty":"RSA","kty":"EC","crv":"P-256",)" + xy + "}"},
  }));
  INFO(name);
  const std::string good = R"({"kty":"EC","crv":"P-256","kid":"ok",)" + xy + "}";
  auto set = parse_jwks(R"({"keys":[)" + good + "," + jwk + "]}");
  REQUIRE_FALSE(set.has_value());
  CHECK(set.error().status == JwkStatus::DuplicateMember);
  CHECK(public_key_from_jwk(jwk).error().status == JwkStatus::DuplicateMember);
  REQUIRE(parse_jwks(R"({"keys":[)" + good + "]}").has_value());
}
