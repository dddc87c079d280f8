// The prepared Signer (issue 6 §4: no per-signature context set-up) must sign exactly as
// sign_compact does: same header, signatures that verify, the same refusals.
#include "crypto/signer.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "test_keys.hpp"

using namespace sa::crypto;
using sa::crypto::test::key_for;
using sa::crypto::test::shared_key;

// ATFMT-1: access tokens are JWS signed with the server's key.
TEST_CASE("a prepared signer's JWS verifies with its key, for every supported alg", "[signer]") {
  auto alg = GENERATE(JwsAlg::RS256, JwsAlg::RS384, JwsAlg::ES256, JwsAlg::ES384);
  const PKey& key = shared_key(key_for(alg));
  auto signer = Signer::create(key, alg);
  REQUIRE(signer.has_value());
  auto compact = (*signer)->sign_compact({alg, "key-1", "at+jwt"}, R"({"sub":"alice"})");
  REQUIRE(compact.has_value());
  auto jws = parse_compact(*compact);
  REQUIRE(jws.has_value());
  CHECK(jws->header.json == std::string(R"({"alg":")") + std::string(to_string(alg)) +
                                R"(","kid":"key-1","typ":"at+jwt"})");
  CHECK(jws->payload == R"({"sub":"alice"})");
  CHECK(verify(*jws, key, alg) == JwsStatus::Ok);
}

TEST_CASE("a prepared ECDSA signer gives raw r||s of 64 or 96 bytes every time", "[signer]") {
  auto [alg, size] =
      GENERATE(table<JwsAlg, std::size_t>({{JwsAlg::ES256, 64}, {JwsAlg::ES384, 96}}));
  auto signer = Signer::create(shared_key(key_for(alg)), alg).value();
  for (int i = 0; i < 20; ++i) {
    auto sig = signer->sign("input");
    REQUIRE(sig.has_value());
    CHECK(sig->size() == size);
    CHECK(verify_bytes(shared_key(key_for(alg)), alg, "input", *sig) == JwsStatus::Ok);
  }
}

TEST_CASE("a signer is not prepared for a key that does not fit the alg", "[signer]") {
  // RFC 8725 §3.1: the key must fit the alg before any signature math.
  CHECK(Signer::create(shared_key(KeyType::EC_P256), JwsAlg::RS256).error() ==
        JwsStatus::KeyAlgMismatch);
  CHECK(Signer::create(shared_key(KeyType::EC_P256), JwsAlg::ES384).error() ==
        JwsStatus::KeyAlgMismatch);
  CHECK(Signer::create(shared_key(KeyType::RSA), JwsAlg::ES256).error() ==
        JwsStatus::KeyAlgMismatch);
}

TEST_CASE("a prepared signer refuses a header that names another alg", "[signer]") {
  auto signer = Signer::create(shared_key(KeyType::EC_P256), JwsAlg::ES256).value();
  CHECK(signer->sign_compact({JwsAlg::RS256, "", ""}, "{}").error() == JwsStatus::AlgMismatch);
}

TEST_CASE("one prepared signer signs from several threads at once", "[signer]") {
  auto alg = GENERATE(JwsAlg::RS256, JwsAlg::ES256);
  auto signer = Signer::create(shared_key(key_for(alg)), alg).value();
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::vector<std::string>> sigs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto sig = signer->sign("input");
        sigs[t].push_back(sig ? *sig : std::string());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& per_thread : sigs) {
    REQUIRE(per_thread.size() == kEach);
    for (const auto& sig : per_thread) {
      CHECK(verify_bytes(shared_key(key_for(alg)), alg, "input", sig) == JwsStatus::Ok);
    }
  }
}
