// RFC 7591 metadata validation: defaults, every error case with its RFC 7591 §3.2.2 code and the
// field named in the description (IDs from SPEC-CHECKLIST §3), and the JSON written back.
#include <catch2/catch.hpp>
#include <string>

#include "clients/client_information.hpp"
#include "clients/metadata.hpp"
#include "clients/secrets.hpp"
#include "crypto/jwk.hpp"
#include "crypto/keys.hpp"
#include "crypto/random.hpp"

namespace sa::clients {
namespace {

using oauth::ErrorCode;

std::string ec_jwk(const std::string& kid, const std::string& extra = "") {
  auto key = crypto::generate_key(crypto::KeyType::EC_P256);
  REQUIRE(key);
  auto jwk = crypto::to_public_jwk(*key);
  REQUIRE(jwk);
  std::string json = crypto::public_jwk_json(*jwk, {.kid = kid});
  if (!extra.empty()) json.insert(json.size() - 1, "," + extra);
  return json;
}

const std::string kRedirect = R"("redirect_uris":["https://app.example.org/cb"])";

TEST_CASE("an empty object gets the RFC 7591 defaults", "[clients][metadata]") {
  auto parsed = parse_client_metadata(R"({"redirect_uris":["https://a.example/cb"]})");
  REQUIRE(parsed);
  const ClientMetadata& m = parsed->metadata;
  CHECK(m.grant_types == std::vector<std::string>{"authorization_code"});    // DCR-2
  CHECK(m.response_types == std::vector<std::string>{"code"});
  CHECK(m.token_endpoint_auth_method == "client_secret_basic");  // DCR-3 default
}

TEST_CASE("every client kind the server supports is accepted", "[clients][metadata]") {
  const std::string jwks = R"({"keys":[)" + ec_jwk("k1", R"("alg":"ES256","use":"sig")") + "]}";
  auto body = GENERATE_COPY(
      std::string(R"({"token_endpoint_auth_method":"none",)" + kRedirect + "}"),
      std::string(R"({"token_endpoint_auth_method":"client_secret_post",)" + kRedirect + "}"),
      std::string(R"({"redirect_uris":["http://127.0.0.1:9000/cb","http://[::1]/cb",)"
                  R"("http://localhost/cb?x=1"]})"),
      std::string(R"({"token_endpoint_auth_method":"private_key_jwt",)"
                  R"("grant_types":["client_credentials"],"jwks":)" + jwks + "}"),
      std::string(R"({"token_endpoint_auth_method":"private_key_jwt",)"
                  R"("grant_types":["client_credentials"],)"
                  R"("jwks_uri":"https://bulk.example.org/jwks.json","scope":"system/*.rs"})"),
      std::string(R"({"grant_types":["client_credentials"],"scope":"system/Observation.read"})"),
      std::string(R"({"grant_types":["authorization_code","refresh_token"],)" + kRedirect +
                  R"(,"client_name":"App","launch_uri":"https://app.example.org/launch",)"
                  R"("logo_uri":"https://app.example.org/logo.png","contacts":["a@b.example"],)"
                  R"("software_id":"x","software_version":"1","unknown_member":{"a":1}})"));
  CAPTURE(body);
  auto parsed = parse_client_metadata(body);
  INFO((parsed ? std::string() : parsed.error().description));
  CHECK(parsed);
}

TEST_CASE("each invalid metadata case gets its RFC 7591 error naming the field",
          "[clients][metadata]") {
  const std::string ec = ec_jwk("k1");
  const std::string pkjwt =
      R"({"token_endpoint_auth_method":"private_key_jwt","grant_types":["client_credentials"],)";
  auto [body, code, names] = GENERATE_COPY(table<std::string, ErrorCode, std::string>({
      // Malformed requests (issue 3: 400 invalid request).
      {"{", ErrorCode::invalid_request, "JSON"},
      {"[]", ErrorCode::invalid_request, "object"},
      {R"({"scope":"a","scope":"b"})", ErrorCode::invalid_request, "repeats"},
      // DCR-3 / RFC 6749 §3.1.2: redirect URIs.
      {"{}", ErrorCode::invalid_redirect_uri, "redirect_uris"},
      {R"({"redirect_uris":["/cb"]})", ErrorCode::invalid_redirect_uri, "redirect_uris[0]"},
      {R"({"redirect_uris":["https://a.example/cb#f"]})", ErrorCode::invalid_redirect_uri,
       "fragment"},
      {R"({"redirect_uris":["http://a.example/cb"]})", ErrorCode::invalid_redirect_uri, "https"},
      {R"({"redirect_uris":["https://a.example/ok","https://u@a.example/"]})",
       ErrorCode::invalid_redirect_uri, "redirect_uris[1]"},
      {R"({"redirect_uris":["https:///cb"]})", ErrorCode::invalid_redirect_uri, "host"},
      {R"({"redirect_uris":["https://a.example/c b"]})", ErrorCode::invalid_redirect_uri,
       "spaces"},
      // DCR-3: grant and response types.
      {R"({"grant_types":["implicit"],)" + kRedirect + "}", ErrorCode::invalid_client_metadata,
       "grant_types"},
      {R"({"grant_types":[],)" + kRedirect + "}", ErrorCode::invalid_client_metadata,
       "grant_types"},
      {R"({"response_types":["token"],)" + kRedirect + "}", ErrorCode::invalid_client_metadata,
       "response_types"},
      {R"({"grant_types":["client_credentials"],"response_types":["code"]})",
       ErrorCode::invalid_client_metadata, "response_types"},
      {R"({"token_endpoint_auth_method":"tls_client_auth",)" + kRedirect + "}",
       ErrorCode::invalid_client_metadata, "token_endpoint_auth_method"},
      // SMART Backend Services: client_credentials is for confidential clients.
      {R"({"token_endpoint_auth_method":"none","grant_types":["client_credentials"]})",
       ErrorCode::invalid_client_metadata, "client_credentials"},
      // DCR-3 / REG-2 / REG-3: keys.
      {pkjwt + "\"scope\":\"system/*.rs\"}", ErrorCode::invalid_client_metadata, "jwks"},
      {pkjwt + R"("jwks":{"keys":[)" + ec + R"(]},"jwks_uri":"https://a.example/j"})",
       ErrorCode::invalid_client_metadata, "jwks and jwks_uri"},
      {pkjwt + R"("jwks":{"keys":[]}})", ErrorCode::invalid_client_metadata, "jwks"},
      {pkjwt + R"("jwks":"not an object"})", ErrorCode::invalid_client_metadata, "jwks"},
      {pkjwt + R"("jwks":{"keys":[)" + ec_jwk("") + "]}}", ErrorCode::invalid_client_metadata,
       "kid"},
      {pkjwt + R"("jwks":{"keys":[)" + ec_jwk("k", R"("d":"AAAA")") + "]}}",
       ErrorCode::invalid_client_metadata, "private"},
      {pkjwt + R"("jwks":{"keys":[)" + ec_jwk("k", R"("alg":"HS256")") + "]}}",
       ErrorCode::invalid_client_metadata, "alg"},
      {pkjwt + R"("jwks":{"keys":[)" + ec_jwk("k", R"("alg":"RS256")") + "]}}",
       ErrorCode::invalid_client_metadata, "alg"},
      {pkjwt + R"("jwks":{"keys":[)" + ec_jwk("k", R"("use":"enc")") + "]}}",
       ErrorCode::invalid_client_metadata, "use"},
      {pkjwt + R"("jwks":{"keys":[{"kty":"oct","kid":"h","k":"AAAA"}]}})",
       ErrorCode::invalid_client_metadata, "jwks"},
      {pkjwt + R"("jwks":{"keys":[)" + ec + "," + ec + "]}}", ErrorCode::invalid_client_metadata,
       "kid"},
      {pkjwt + R"("jwks_uri":"http://keys.example.org/jwks"})",
       ErrorCode::invalid_client_metadata, "jwks_uri"},
      {R"({"jwks_uri":"https://a.example/j",)" + kRedirect + "}",
       ErrorCode::invalid_client_metadata, "jwks_uri"},
      // Types and values of the other members.
      {R"({"redirect_uris":"https://a.example/cb"})", ErrorCode::invalid_client_metadata,
       "redirect_uris"},
      {R"({"client_name":7,)" + kRedirect + "}", ErrorCode::invalid_client_metadata,
       "client_name"},
      {R"({"contacts":[1],)" + kRedirect + "}", ErrorCode::invalid_client_metadata, "contacts"},
      {R"({"scope":["a"],)" + kRedirect + "}", ErrorCode::invalid_client_metadata, "scope"},
      {R"({"scope":"a  b",)" + kRedirect + "}", ErrorCode::invalid_client_metadata, "scope"},
      {R"({"scope":"a\u0001",)" + kRedirect + "}", ErrorCode::invalid_client_metadata, "scope"},
      {R"({"logo_uri":"logo.png",)" + kRedirect + "}", ErrorCode::invalid_client_metadata,
       "logo_uri"},
      {R"({"launch_uri":"http://app.example.org/launch",)" + kRedirect + "}",
       ErrorCode::invalid_client_metadata, "launch_uri"},
  }));
  CAPTURE(body);
  auto parsed = parse_client_metadata(body);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == code);
  CHECK_THAT(parsed.error().description, Catch::Contains(names));
}

TEST_CASE("management members are reported, not treated as metadata", "[clients][metadata]") {
  auto parsed = parse_client_metadata(
      R"({"client_id":"abc","client_secret":"s","registration_access_token":"t",)"
      R"("client_id_issued_at":1,)" + kRedirect + "}");
  REQUIRE(parsed);
  CHECK(parsed->management.client_id == "abc");
  CHECK(parsed->management.client_secret == "s");
  CHECK(parsed->management.server_assigned ==
        std::vector<std::string>{"registration_access_token", "client_id_issued_at"});
}

TEST_CASE("the client information response carries metadata and issued fields but never "
          "unknown members", "[clients][metadata]") {
  auto parsed = parse_client_metadata(R"({"client_name":"A","junk":1,)" + kRedirect + "}");
  REQUIRE(parsed);
  const std::string json = client_information_json(
      "id1", metadata_json(parsed->metadata),
      {.client_id_issued_at = 5, .client_secret = "sec", .client_secret_expires_at = 0,
       .registration_access_token = "rat", .registration_client_uri = "https://x/auth/register/id1"});
  CHECK(json ==
        R"({"client_id":"id1","redirect_uris":["https://app.example.org/cb"],)"
        R"("grant_types":["authorization_code"],"response_types":["code"],)"
        R"("token_endpoint_auth_method":"client_secret_basic","client_name":"A",)"
        R"("client_id_issued_at":5,"client_secret":"sec","client_secret_expires_at":0,)"
        R"("registration_access_token":"rat",)"
        R"("registration_client_uri":"https://x/auth/register/id1"})");
}

TEST_CASE("issued secrets are long, unreserved, and verified only against their hash",
          "[clients][secrets]") {
  crypto::OpenSslRandom random;
  const std::string id = new_client_id(random);
  const std::string secret = new_client_secret(random);
  CHECK(id.size() >= 22);       // 128 bits
  CHECK(secret.size() >= 43);   // 256 bits
  CHECK(secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                 "0123456789-_") == std::string::npos);
  const std::string hash = hash_secret(secret);
  CHECK(hash != secret);
  CHECK(secret_matches(secret, hash));
  CHECK_FALSE(secret_matches(secret + "x", hash));
  CHECK_FALSE(secret_matches(secret, ""));
}

TEST_CASE("a client id never starts with '-', which a command line reads as a flag",
          "[clients][secrets]") {
  crypto::FakeRandom random(0xF8);  // first byte 111110..: base64url '-'
  CHECK(crypto::random_token(random, 1).front() == '-');
  crypto::FakeRandom again(0xF8);
  const std::string id = new_client_id(again);
  CHECK(id.front() != '-');
  CHECK(id.size() == 22);
}

}  // namespace
}  // namespace sa::clients
