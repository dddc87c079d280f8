#include "crypto/keys.hpp"

#include <catch2/catch.hpp>

#include "test_keys.hpp"

using namespace sa::crypto;
using sa::crypto::test::raw_key;
using sa::crypto::test::shared_key;

TEST_CASE("generated keys have the requested type", "[keys]") {
  auto type = GENERATE(KeyType::RSA, KeyType::EC_P256, KeyType::EC_P384);
  const PKey& key = shared_key(type);
  CHECK(key_type_of(key) == type);
  if (type == KeyType::RSA) CHECK(EVP_PKEY_get_bits(key.get()) == 2048);
}

TEST_CASE("RSA keys below 2048 or above 8192 bits are not generated", "[keys]") {
  CHECK(generate_key(KeyType::RSA, 1024).error() == KeyError::RsaTooSmall);
  CHECK(generate_key(KeyType::RSA, 16384).error() == KeyError::RsaTooLarge);
}

TEST_CASE("a private key survives a PKCS#8 PEM round trip", "[keys]") {
  auto type = GENERATE(KeyType::RSA, KeyType::EC_P256, KeyType::EC_P384);
  const PKey& key = shared_key(type);
  auto pem = private_key_to_pem(key);
  REQUIRE(pem.has_value());
  CHECK(pem->rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  auto back = private_key_from_pem(*pem);
  REQUIRE(back.has_value());
  CHECK(EVP_PKEY_eq(key.get(), back->get()) == 1);
}

TEST_CASE("a public key PEM holds only the public half", "[keys]") {
  const PKey& key = shared_key(KeyType::EC_P256);
  auto pem = public_key_to_pem(key);
  REQUIRE(pem.has_value());
  CHECK(pem->rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  auto back = public_key_from_pem(*pem);
  REQUIRE(back.has_value());
  CHECK(EVP_PKEY_eq(key.get(), back->get()) == 1);
  CHECK_FALSE(private_key_from_pem(*pem).has_value());
}

TEST_CASE("garbage PEM is rejected without throwing", "[keys]") {
  CHECK(private_key_from_pem("").error() == KeyError::BadPem);
  CHECK(private_key_from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .error() == KeyError::BadPem);
  CHECK(public_key_from_pem("not pem").error() == KeyError::BadPem);
}

TEST_CASE("keys of unsupported types and sizes are refused on load", "[keys]") {
  SECTION("a 1024-bit RSA key") {
    auto pem = private_key_to_pem(raw_key("RSA", "1024"));
    REQUIRE(pem.has_value());
    CHECK(private_key_from_pem(*pem).error() == KeyError::RsaTooSmall);
  }
  SECTION("a secp256k1 key") {
    PKey k = raw_key("EC", "secp256k1");
    CHECK_FALSE(key_type_of(k).has_value());
    auto pem = private_key_to_pem(k);
    REQUIRE(pem.has_value());
    CHECK(private_key_from_pem(*pem).error() == KeyError::UnsupportedKeyType);
  }
}
