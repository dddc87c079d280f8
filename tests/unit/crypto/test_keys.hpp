// Keys generated once per test run and shared by the crypto tests (RSA generation is slow).
#pragma once

#include <catch2/catch.hpp>
#include <map>

#include "crypto/jws.hpp"
#include "crypto/keys.hpp"

namespace sa::crypto::test {

inline const PKey& shared_key(KeyType type) {
  static std::map<KeyType, PKey> cache;
  auto it = cache.find(type);
  if (it == cache.end()) {
    auto key = generate_key(type);
    REQUIRE(key.has_value());
    it = cache.emplace(type, std::move(*key)).first;
  }
  return it->second;
}

// The key type that can sign and verify alg.
inline KeyType key_for(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::RS256:
    case JwsAlg::RS384: return KeyType::RSA;
    case JwsAlg::ES256: return KeyType::EC_P256;
    case JwsAlg::ES384: return KeyType::EC_P384;
  }
  return KeyType::RSA;
}

// A key outside what generate_key allows (small RSA, other curves), built with raw EVP calls.
inline PKey raw_key(const char* type, const char* param) {
  PKeyCtx ctx{EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr)};
  REQUIRE(ctx);
  REQUIRE(EVP_PKEY_keygen_init(ctx.get()) == 1);
  if (std::string_view(type) == "RSA") {
    REQUIRE(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), std::stoi(param)) == 1);
  } else {
    REQUIRE(EVP_PKEY_CTX_set_group_name(ctx.get(), param) == 1);
  }
  EVP_PKEY* raw = nullptr;
  REQUIRE(EVP_PKEY_keygen(ctx.get(), &raw) == 1);
  return PKey{raw};
}

}  // namespace sa::crypto::test
