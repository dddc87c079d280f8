#include <catch2/catch.hpp>

#include "clientauth/assertion.hpp"
#include "unit/clientauth/clientauth_test_support.hpp"

namespace sa::clientauth {
namespace {

using crypto::JwsAlg;
using crypto::KeyType;
using namespace test;

const crypto::PKey& rsa_key() {
  static const crypto::PKey key = crypto::generate_key(KeyType::RSA).value();
  return key;
}
const crypto::PKey& ec384_key() {
  static const crypto::PKey key = crypto::generate_key(KeyType::EC_P384).value();
  return key;
}

const AssertionPolicy kPolicy{kTokenUrl, 300, 60};

clients::ClientRecord client(const std::string& jwks_uri = "") {
  clients::ClientRecord c;
  c.client_id = "app";
  c.token_endpoint_auth_method = "private_key_jwt";
  c.jwks_uri = jwks_uri;
  return c;
}

// Parses, checks claims and verifies against `jwks`: the first failure, or Ok.
AssertionFailure validate(const std::string& compact, const std::string& jwks,
                          const clients::ClientRecord& c = client()) {
  auto parsed = parse_assertion(compact);
  if (!parsed) return parsed.error();
  auto checked = check_assertion(*parsed, c, kPolicy, kNow);
  if (checked != AssertionFailure::Ok) return checked;
  return verify_assertion_signature(*parsed, crypto::parse_jwks(jwks).value());
}

TEST_CASE("valid RS384 and ES384 assertions pass, without iat or nbf", "[clientauth][assertion]") {
  CHECK(validate(sign(rsa_key(), JwsAlg::RS384, "r1", claims("app", kNow + 300)),
                 jwks_for(rsa_key(), "r1")) == AssertionFailure::Ok);
  CHECK(validate(sign(ec384_key(), JwsAlg::ES384, "e1", claims("app", kNow + 300)),
                 jwks_for(ec384_key(), "e1")) == AssertionFailure::Ok);
  CHECK(validate(sign(rsa_key(), JwsAlg::RS256, "r1", claims("app", kNow + 10)),
                 jwks_for(rsa_key(), "r1")) == AssertionFailure::Ok);
}

TEST_CASE("each claim problem is reported by name", "[clientauth][assertion]") {
  auto jwks = jwks_for(rsa_key(), "r1");
  auto with = [&](const std::string& payload) {
    return validate(sign(rsa_key(), JwsAlg::RS384, "r1", payload), jwks);
  };
  std::string exp = std::to_string(kNow + 100);
  CHECK(with(R"({"iss":"other","sub":"app","aud":")" + std::string(kTokenUrl) + R"(","exp":)" +
             exp + R"(,"jti":"j"})") == AssertionFailure::IssSubMismatch);
  CHECK(with(R"({"iss":"app","aud":")" + std::string(kTokenUrl) + R"(","exp":)" + exp +
             R"(,"jti":"j"})") == AssertionFailure::IssSubMismatch);
  CHECK(with(claims("app", kNow + 100, "j", "https://elsewhere/token")) ==
        AssertionFailure::AudMismatch);
  CHECK(with(R"({"iss":"app","sub":"app","aud":["x",")" + std::string(kTokenUrl) +
             R"("],"exp":)" + exp + R"(,"jti":"j"})") == AssertionFailure::Ok);
  CHECK(with(R"({"iss":"app","sub":"app","aud":")" + std::string(kTokenUrl) +
             R"(","jti":"j"})") == AssertionFailure::MissingExp);
  CHECK(with(claims("app", kNow - 61)) == AssertionFailure::Expired);
  CHECK(with(claims("app", kNow - 59)) == AssertionFailure::Ok);  // within the skew
  CHECK(with(claims("app", kNow + 361)) == AssertionFailure::ExpTooFar);
  CHECK(with(claims("app", kNow + 360)) == AssertionFailure::Ok);
  CHECK(with(R"({"iss":"app","sub":"app","aud":")" + std::string(kTokenUrl) + R"(","exp":)" +
             exp + R"(,"nbf":)" + std::to_string(kNow + 120) + R"(,"jti":"j"})") ==
        AssertionFailure::NotYetValid);
  CHECK(with(R"({"iss":"app","sub":"app","aud":")" + std::string(kTokenUrl) + R"(","exp":)" +
             exp + "}") == AssertionFailure::MissingJti);
  CHECK(with(R"({"iss":"app","sub":"app","aud":")" + std::string(kTokenUrl) + R"(","exp":")" +
             exp + R"(","jti":"j"})") == AssertionFailure::BadClaims);
  CHECK(with(R"({"iss":"app","iss":"app","sub":"app"})") == AssertionFailure::BadClaims);
  CHECK(with("not json") == AssertionFailure::BadClaims);
}

TEST_CASE("header problems: none, HMAC, kid, typ, jku", "[clientauth][assertion]") {
  auto jwks = jwks_for(rsa_key(), "r1");
  auto body = claims("app", kNow + 100);
  auto b64 = [](const std::string& s) { return base64url_encode(s); };
  CHECK(validate(b64(R"({"alg":"none","kid":"r1"})") + "." + b64(body) + ".", jwks) ==
        AssertionFailure::AlgNone);
  CHECK(validate(b64(R"({"alg":"HS256","kid":"r1"})") + "." + b64(body) + ".c2ln", jwks) ==
        AssertionFailure::UnsupportedAlg);
  CHECK(validate(sign(rsa_key(), JwsAlg::RS384, "", body), jwks) == AssertionFailure::MissingKid);
  CHECK(validate(sign(rsa_key(), JwsAlg::RS384, "r1", body, "at+jwt"), jwks) ==
        AssertionFailure::BadTyp);
  CHECK(validate(sign(rsa_key(), JwsAlg::RS384, "r1", body, ""), jwks) == AssertionFailure::Ok);
  CHECK(validate("garbage", jwks) == AssertionFailure::Malformed);

  // A jku the client did not register is never trusted; the registered one is fine.
  std::string header_jku = R"({"alg":"RS384","kid":"r1","jku":"https://evil.example/jwks"})";
  auto signing_input = b64(header_jku) + "." + b64(body);
  auto sig = crypto::sign_bytes(rsa_key(), JwsAlg::RS384, signing_input).value();
  auto with_jku = signing_input + "." + b64(sig);
  CHECK(validate(with_jku, jwks) == AssertionFailure::JkuMismatch);
  CHECK(validate(with_jku, jwks, client("https://evil.example/jwks")) == AssertionFailure::Ok);
  CHECK(validate(with_jku, jwks, client("https://app.example/jwks")) ==
        AssertionFailure::JkuMismatch);
}

TEST_CASE("the key is chosen by kid and must fit the alg", "[clientauth][assertion]") {
  auto body = claims("app", kNow + 100);
  auto rs = sign(rsa_key(), JwsAlg::RS384, "k", body);
  CHECK(validate(rs, jwks_for(rsa_key(), "other")) == AssertionFailure::UnknownKid);
  CHECK(validate(rs, jwks_for(ec384_key(), "k")) == AssertionFailure::KeyAlgMismatch);
  CHECK(validate(rs, jwks_for(rsa_key(), "k", "RS256")) == AssertionFailure::KeyAlgMismatch);
  auto p256 = crypto::generate_key(KeyType::EC_P256).value();
  CHECK(validate(sign(ec384_key(), JwsAlg::ES384, "k", body), jwks_for(p256, "k")) ==
        AssertionFailure::KeyAlgMismatch);
  auto other_rsa = crypto::generate_key(KeyType::RSA).value();
  CHECK(validate(rs, jwks_for(other_rsa, "k")) == AssertionFailure::BadSignature);

  crypto::PublishedKey a{crypto::to_public_jwk(rsa_key()).value(), {"k", "", ""}};
  crypto::PublishedKey b{crypto::to_public_jwk(other_rsa).value(), {"k", "", ""}};
  std::vector<crypto::PublishedKey> both{a, b};
  CHECK(validate(rs, crypto::jwks_json(both)) == AssertionFailure::AmbiguousKid);
}

TEST_CASE("every flipped signature bit fails verification", "[clientauth][assertion]") {
  auto compact = sign(ec384_key(), JwsAlg::ES384, "e", claims("app", kNow + 100));
  auto parsed = parse_assertion(compact).value();
  auto keys = crypto::parse_jwks(jwks_for(ec384_key(), "e")).value();
  REQUIRE(verify_assertion_signature(parsed, keys) == AssertionFailure::Ok);
  for (std::size_t bit = 0; bit < parsed.jws.signature.size() * 8; bit += 7) {
    auto tampered = parsed;
    tampered.jws.signature[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    CHECK(verify_assertion_signature(tampered, keys) == AssertionFailure::BadSignature);
  }
}

}  // namespace
}  // namespace sa::clientauth
