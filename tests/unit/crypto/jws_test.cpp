#include "crypto/jws.hpp"

#include <catch2/catch.hpp>

#include "test_keys.hpp"
#include "util/base64url.hpp"

using namespace sa::crypto;
using sa::crypto::test::raw_key;
using sa::crypto::test::key_for;
using sa::crypto::test::shared_key;

namespace {

std::string with_header(std::string_view header_json, std::string_view rest = ".e30.AAAA") {
  return sa::base64url_encode(header_json) + std::string(rest);
}
}  // namespace

TEST_CASE("a signed JWS verifies for every supported alg", "[jws]") {
  auto alg = GENERATE(JwsAlg::RS256, JwsAlg::RS384, JwsAlg::ES256, JwsAlg::ES384);
  const PKey& key = shared_key(key_for(alg));
  auto compact = sign_compact(key, {alg, "key-1", "JWT"}, R"({"sub":"alice"})");
  REQUIRE(compact.has_value());
  auto jws = parse_compact(*compact);
  REQUIRE(jws.has_value());
  CHECK(jws->header.alg == alg);
  CHECK(jws->header.kid == "key-1");
  CHECK(jws->header.typ == "JWT");
  CHECK_FALSE(jws->header.jku.has_value());
  CHECK(jws->header.json == std::string(R"({"alg":")") + std::string(to_string(alg)) +
                                R"(","kid":"key-1","typ":"JWT"})");
  CHECK(jws->payload == R"({"sub":"alice"})");
  CHECK(verify(*jws, key, alg) == JwsStatus::Ok);
}

TEST_CASE("ECDSA signatures are raw r||s of 64 or 96 bytes", "[jws]") {
  auto [alg, size] =
      GENERATE(table<JwsAlg, std::size_t>({{JwsAlg::ES256, 64}, {JwsAlg::ES384, 96}}));
  for (int i = 0; i < 20; ++i) {
    auto sig = sign_bytes(shared_key(key_for(alg)), alg, "input");
    REQUIRE(sig.has_value());
    CHECK(sig->size() == size);
  }
}

TEST_CASE("a key that does not fit the alg is rejected before any signature math", "[jws]") {
  auto [alg, key_type] = GENERATE(table<JwsAlg, KeyType>({
      {JwsAlg::RS256, KeyType::EC_P256},
      {JwsAlg::RS384, KeyType::EC_P384},
      {JwsAlg::ES256, KeyType::RSA},
      {JwsAlg::ES256, KeyType::EC_P384},
      {JwsAlg::ES384, KeyType::EC_P256},
  }));
  const PKey& key = shared_key(key_type);
  CHECK(sign_compact(key, {alg, "", ""}, "{}").error() == JwsStatus::KeyAlgMismatch);
  CHECK(verify_bytes(key, alg, "a.b", std::string(64, 'x')) == JwsStatus::KeyAlgMismatch);
}

TEST_CASE("RSA keys under 2048 bits neither sign nor verify", "[jws]") {
  PKey small = raw_key("RSA", "1024");
  CHECK(sign_bytes(small, JwsAlg::RS256, "x").error() == JwsStatus::KeyTooSmall);
  CHECK(verify_bytes(small, JwsAlg::RS256, "x", std::string(128, 'x')) == JwsStatus::KeyTooSmall);
  CHECK(check_key_for_alg(nullptr, JwsAlg::RS256) == JwsStatus::KeyAlgMismatch);
}

TEST_CASE("alg names are matched exactly and none or HMAC are refused", "[jws]") {
  CHECK(parse_alg("ES384").value() == JwsAlg::ES384);
  CHECK(parse_alg("none").error() == JwsStatus::AlgNone);
  auto name = GENERATE("HS256", "HS384", "HS512", "PS256", "ES512", "EdDSA", "rs256", "NONE",
                       "None", "", "RS256 ");
  CHECK(parse_alg(name).error() == JwsStatus::UnsupportedAlg);
}

TEST_CASE("tokens with alg none or HS256 never parse", "[jws]") {
  CHECK(parse_compact(with_header(R"({"alg":"none"})", ".e30.")).error() == JwsStatus::AlgNone);
  CHECK(parse_compact(with_header(R"({"alg":"HS256","typ":"JWT"})")).error() ==
        JwsStatus::UnsupportedAlg);
}

TEST_CASE("a JWS whose alg differs from the expected one is refused", "[jws]") {
  const PKey& key = shared_key(KeyType::RSA);
  auto jws = parse_compact(sign_compact(key, {JwsAlg::RS384, "", ""}, "{}").value()).value();
  CHECK(verify(jws, key, JwsAlg::RS256) == JwsStatus::AlgMismatch);
}

TEST_CASE("signatures of the wrong length are refused by length", "[jws]") {
  CHECK(verify_bytes(shared_key(KeyType::EC_P256), JwsAlg::ES256, "a.b", std::string(70, 'x')) ==
        JwsStatus::BadSignatureLength);
  CHECK(verify_bytes(shared_key(KeyType::EC_P384), JwsAlg::ES384, "a.b", "") ==
        JwsStatus::BadSignatureLength);
  CHECK(verify_bytes(shared_key(KeyType::RSA), JwsAlg::RS256, "a.b", std::string(255, 'x')) ==
        JwsStatus::BadSignatureLength);
}

TEST_CASE("malformed compact serializations name their failure", "[jws]") {
  auto [input, status] = GENERATE(table<std::string, JwsStatus>({
      {"", JwsStatus::Malformed},
      {"abc", JwsStatus::Malformed},
      {"a.b", JwsStatus::Malformed},
      {"a.b.c.d", JwsStatus::Malformed},
      {"a.b.c.d.e", JwsStatus::Malformed},
      {"eyJ!.e30.AAAA", JwsStatus::BadBase64},
      {"e30=.e30.AAAA", JwsStatus::BadBase64},
      {"e30.e3 0.AAAA", JwsStatus::BadBase64},
      {"..", JwsStatus::BadHeaderJson},
      {"e30.e30.AAAA", JwsStatus::MissingAlg},
      {with_header("[]"), JwsStatus::BadHeaderJson},
      {with_header("not json"), JwsStatus::BadHeaderJson},
      {with_header(R"({"alg":256})"), JwsStatus::BadHeaderJson},
      {with_header(R"({"alg":"ES256","alg":"none"})"), JwsStatus::BadHeaderJson},
      {with_header(R"({"alg":"ES256","kid":1})"), JwsStatus::BadHeaderJson},
      {with_header(R"({"alg":"ES256","crit":["exp"],"exp":1})"), JwsStatus::UnsupportedCrit},
      {std::string(kMaxCompactJwsBytes + 1, 'a'), JwsStatus::TooLarge},
  }));
  auto result = parse_compact(input);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == status);
  CHECK_FALSE(to_string(status).empty());
}

TEST_CASE("the jku header is reported but nothing else is taken from it", "[jws]") {
  auto jws = parse_compact(with_header(R"({"alg":"ES256","jku":"https://x.example/jwks"})"));
  REQUIRE(jws.has_value());
  CHECK(jws->header.jku == "https://x.example/jwks");
}

TEST_CASE("verification survives arbitrary garbage without crashing", "[jws]") {
  const PKey& ec = shared_key(KeyType::EC_P256);
  const PKey& rsa = shared_key(KeyType::RSA);
  std::string header = sa::base64url_encode(std::string_view(R"({"alg":"ES256"})"));
  for (int len = 0; len < 300; len += 7) {
    std::string junk;
    for (int i = 0; i < len; ++i) junk += static_cast<char>((i * 131 + len) & 0xFF);
    auto parsed = parse_compact(header + ".e30." + sa::base64url_encode(junk));
    REQUIRE(parsed.has_value());
    CHECK(verify(*parsed, ec, JwsAlg::ES256) != JwsStatus::Ok);
    CHECK(verify_bytes(rsa, JwsAlg::RS256, junk, junk) != JwsStatus::Ok);
    CHECK_FALSE(parse_compact(junk).has_value());
  }
}
