// The argon2id hashes `smart-auth hash-password` prints and the builtin directory checks.
#include "directory/password_hash.hpp"

#include <argon2.h>

#include <catch2/catch.hpp>

#include "crypto/random.hpp"

using namespace sa::directory;

TEST_CASE("a hash built for a password verifies with libargon2 and carries the default parameters",
          "[directory][password]") {
  sa::crypto::OpenSslRandom random;
  auto hash = hash_password("demo-doctor-1", kDefaultArgon2Params, random);
  REQUIRE(hash);
  CHECK(hash->starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
  // AUTHZ-12: the same check libargon2 itself makes, independent of verify_password.
  CHECK(argon2id_verify(hash->c_str(), "demo-doctor-1", 13) == ARGON2_OK);
  CHECK(argon2id_verify(hash->c_str(), "demo-doctor-2", 13) == ARGON2_VERIFY_MISMATCH);
  auto params = parse_argon2id(*hash);
  REQUIRE(params);
  CHECK(params->passes == 2);
  CHECK(params->memory_kib == 19456);
  CHECK(params->parallelism == 1);
}

TEST_CASE("two hashes of one password differ by their random salt", "[directory][password]") {
  sa::crypto::OpenSslRandom random;
  const Argon2Params cheap{1, 8, 1};
  CHECK(hash_password("same", cheap, random).value() !=
        hash_password("same", cheap, random).value());
}

TEST_CASE("verify_password tells a match, a mismatch and a hash libargon2 cannot use apart",
          "[directory][password]") {
  sa::crypto::FakeRandom random;
  const std::string hash = hash_password("right", {1, 8, 1}, random).value();
  CHECK(verify_password(hash, "right") == PasswordCheck::match);
  CHECK(verify_password(hash, "wrong") == PasswordCheck::mismatch);
  CHECK(verify_password(hash, "") == PasswordCheck::mismatch);
  CHECK(verify_password("$argon2id$v=19$garbage", "right") == PasswordCheck::failed);
}

TEST_CASE("parse_argon2id refuses what is not a bounded argon2id version 19 hash",
          "[directory][password]") {
  const std::string salt_and_hash =
      "$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
  CHECK(parse_argon2id("$argon2id$v=19$m=19456,t=2,p=1" + salt_and_hash));
  const auto refused = GENERATE_COPY(
      std::string("plain-text-password"),
      "$argon2i$v=19$m=19456,t=2,p=1" + salt_and_hash,     // argon2i, not argon2id
      "$argon2id$v=16$m=19456,t=2,p=1" + salt_and_hash,    // old version
      "$argon2id$v=19$m=19456,p=1,t=2" + salt_and_hash,    // parameters out of order
      "$argon2id$v=19$m=4,t=2,p=1" + salt_and_hash,        // under 8 KiB per lane
      "$argon2id$v=19$m=4194304,t=2,p=1" + salt_and_hash,  // 4 GiB
      "$argon2id$v=19$m=19456,t=0,p=1" + salt_and_hash,
      "$argon2id$v=19$m=19456,t=99,p=1" + salt_and_hash,
      "$argon2id$v=19$m=19456,t=2,p=0" + salt_and_hash,
      std::string("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA"),  // short salt
      std::string("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21l$aGFzaA"),        // short hash
      std::string("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21l$not base64!!!!!!!!!!!!"));
  INFO(refused);
  auto parsed = parse_argon2id(refused);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().find(refused) == std::string::npos);  // never quotes the hash
}
