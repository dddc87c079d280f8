// The prepared Verifier and JwksEntry::verify (issue 6 §4: no per-signature context set-up when
// checking client assertions) must answer exactly as crypto::verify does.
#include "crypto/verifier.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
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

// The order n of P-384's base point (SEC 2 §2.5.1), big-endian.
std::string p384_order() {
  const std::string hex =
      "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc5"
      "2973";
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// a - b for big-endian numbers of equal length, a >= b.
std::string minus(const std::string& a, const std::string& b) {
  std::string out(a.size(), '\0');
  int borrow = 0;
  for (std::size_t i = a.size(); i-- > 0;) {
    int d = static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]) - borrow;
    borrow = d < 0;
    out[i] = static_cast<char>(d + (borrow ? 256 : 0));
  }
  return out;
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

// CAUTH-9: ES384 is verified by Nettle (P384Verifier); it must answer as OpenSSL does, also for
// the edge values of r and s that a forger would try.
TEST_CASE("the ES384 verifier agrees with OpenSSL on many signatures and on edge values of r, s",
          "[verifier][es384]") {
  const PKey& key = shared_key(KeyType::EC_P384);
  auto verifier = Verifier::create(key, JwsAlg::ES384).value();
  for (int i = 0; i < 64; ++i) {
    const std::string payload = R"({"jti":")" + std::to_string(i) + R"("})";
    auto jws =
        parse_compact(sign_compact(key, {JwsAlg::ES384, "k1", "JWT"}, payload).value()).value();
    REQUIRE(verify(jws, key, JwsAlg::ES384) == JwsStatus::Ok);
    CHECK(verifier->verify(jws) == JwsStatus::Ok);
    ParsedJws other = jws;
    other.signing_input[other.signing_input.size() / 2] ^= 0x20;
    CHECK(verifier->verify(other) == JwsStatus::BadSignature);
  }
  ParsedJws jws = signed_jws(JwsAlg::ES384);
  const std::string r = jws.signature.substr(0, 48);
  const std::string s = jws.signature.substr(48);
  const std::string n = p384_order();
  const std::string zero(48, '\0');
  std::string one = zero;
  one.back() = 1;
  const std::string n_plus_r = [&] {  // r + n overflows 48 octets only when r > 2^384 - n
    std::string out(48, '\0');
    int carry = 0;
    for (std::size_t i = 48; i-- > 0;) {
      int d = static_cast<unsigned char>(r[i]) + static_cast<unsigned char>(n[i]) + carry;
      carry = d > 255;
      out[i] = static_cast<char>(d & 0xff);
    }
    return carry ? n : out;
  }();
  // (r, n - s) is the other valid signature of the same message (ECDSA is malleable); both
  // implementations accept it. The rest must fail in both.
  const std::vector<std::pair<std::string, JwsStatus>> cases = {
      {r + minus(n, s), JwsStatus::Ok},       {zero + s, JwsStatus::BadSignature},
      {r + zero, JwsStatus::BadSignature},    {n + s, JwsStatus::BadSignature},
      {r + n, JwsStatus::BadSignature},       {n_plus_r + s, JwsStatus::BadSignature},
      {one + one, JwsStatus::BadSignature},   {std::string(96, '\xff'), JwsStatus::BadSignature},
      {zero + zero, JwsStatus::BadSignature}, {s + r, JwsStatus::BadSignature},
  };
  for (const auto& [signature, expected] : cases) {
    ParsedJws edited = jws;
    edited.signature = signature;
    CHECK(verify(edited, key, JwsAlg::ES384) == expected);
    CHECK(verifier->verify(edited) == expected);
  }
  CHECK(verifier->verify_bytes(jws.signing_input, r) == JwsStatus::BadSignatureLength);
  CHECK(verifier->verify_bytes(jws.signing_input, "") == JwsStatus::BadSignatureLength);
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
