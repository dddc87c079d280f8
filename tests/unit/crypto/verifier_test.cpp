// The prepared Verifier and JwksEntry::verify (issue 6 §4: no per-signature context set-up when
// checking client assertions) must answer exactly as crypto::verify does.
#include "crypto/verifier.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "crypto/jwks.hpp"
#include "test_keys.hpp"

using namespace sa::crypto;
using sa::crypto::test::key_for;
using sa::crypto::test::shared_key;

namespace {

ParsedJws signed_jws(JwsAlg alg) {
  auto compact = sign_compact(shared_key(key_for(alg)), {alg, "k1", "JWT"}, R"({"sub":"c"})");
  return parse_compact(compact.value()).value();
}

std::vector<JwsAlg> prepared_algs(const JwksEntry& entry) {
  std::vector<JwsAlg> out;
  for (const auto& v : entry.verifiers) out.push_back(v->alg());
  return out;
}
}  // namespace

// CAUTH-5: the assertion's signature is checked with the client's key.
TEST_CASE("a prepared verifier agrees with crypto::verify on good and tampered signatures",
          "[verifier]") {
  auto alg = GENERATE(JwsAlg::RS256, JwsAlg::RS384, JwsAlg::ES256, JwsAlg::ES384);
  const PKey& key = shared_key(key_for(alg));
  auto verifier = Verifier::create(key, alg).value();
  ParsedJws jws = signed_jws(alg);
  CHECK(verifier->verify(jws) == JwsStatus::Ok);
  // Every bit of the signature matters (as in jwt_verify_lib's bit-flip test).
  for (std::size_t i = 0; i < jws.signature.size(); ++i) {
    ParsedJws tampered = jws;
    tampered.signature[i] = static_cast<char>(tampered.signature[i] ^ 0x01);
    const JwsStatus expected = verify(tampered, key, alg);
    REQUIRE(expected != JwsStatus::Ok);
    CHECK(verifier->verify(tampered) == expected);
  }
  ParsedJws other_input = jws;
  other_input.signing_input += "x";
  CHECK(verifier->verify(other_input) == JwsStatus::BadSignature);
  CHECK(verifier->verify_bytes(jws.signing_input, jws.signature + "x") ==
        JwsStatus::BadSignatureLength);
}

TEST_CASE("a prepared verifier refuses a header naming another alg", "[verifier]") {
  // RFC 8725 §3.1: the verifier decides the algorithm.
  auto verifier = Verifier::create(shared_key(KeyType::RSA), JwsAlg::RS384).value();
  CHECK(verifier->verify(signed_jws(JwsAlg::RS256)) == JwsStatus::AlgMismatch);
}

TEST_CASE("a verifier is not prepared for a key that does not fit the alg", "[verifier]") {
  CHECK(Verifier::create(shared_key(KeyType::EC_P256), JwsAlg::RS256).error() ==
        JwsStatus::KeyAlgMismatch);
  CHECK(Verifier::create(shared_key(KeyType::EC_P384), JwsAlg::ES256).error() ==
        JwsStatus::KeyAlgMismatch);
}

// CAUTH-8: kty consistent with alg (RSA <-> RS*, EC with the alg's curve <-> ES*).
TEST_CASE("a JWKS entry is prepared for exactly the algs its key can verify", "[verifier][jwks]") {
  auto [type, algs] = GENERATE(table<KeyType, std::vector<JwsAlg>>({
      {KeyType::RSA, {JwsAlg::RS256, JwsAlg::RS384}},
      {KeyType::EC_P256, {JwsAlg::ES256}},
      {KeyType::EC_P384, {JwsAlg::ES384}},
  }));
  auto jwk = to_public_jwk(shared_key(type)).value();
  std::vector<PublishedKey> published{{jwk, {"k1", "sig", ""}}};
  auto set = parse_jwks(jwks_json(published)).value();
  REQUIRE(set.keys.size() == 1);
  const JwksEntry& entry = set.keys[0];
  CHECK(prepared_algs(entry) == algs);
  for (JwsAlg alg : {JwsAlg::RS256, JwsAlg::RS384, JwsAlg::ES256, JwsAlg::ES384}) {
    ParsedJws jws = signed_jws(alg);
    const bool fits = std::find(algs.begin(), algs.end(), alg) != algs.end();
    // Through the prepared verifier when there is one, else as crypto::verify answers.
    CHECK(entry.verify(jws, alg) == verify(jws, entry.key, alg));
    CHECK((entry.verify(jws, alg) == JwsStatus::Ok) == fits);
  }
}
