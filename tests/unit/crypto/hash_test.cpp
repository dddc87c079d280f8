#include "crypto/hash.hpp"

#include <catch2/catch.hpp>

using namespace sa::crypto;

TEST_CASE("sha256 matches the FIPS 180-2 test vectors", "[hash]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256("abc")[0] == 0xba);
  CHECK(sha256("abc")[31] == 0xad);
}

TEST_CASE("sha256_b64url matches the RFC 7636 Appendix B code challenge", "[hash]") {
  CHECK(sha256_b64url("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_CASE("sha256 hashes embedded NUL bytes", "[hash]") {
  using namespace std::string_view_literals;
  CHECK(sha256_hex("a\0b"sv) != sha256_hex("a"sv));
}

TEST_CASE("constant_time_equals compares contents and lengths", "[hash]") {
  CHECK(constant_time_equals("secret", "secret"));
  CHECK(constant_time_equals("", ""));
  CHECK_FALSE(constant_time_equals("secret", "secreT"));
  CHECK_FALSE(constant_time_equals("Secret", "secret"));
  CHECK_FALSE(constant_time_equals("secret", "secret1"));
  CHECK_FALSE(constant_time_equals("", "x"));
  CHECK_FALSE(constant_time_equals("prefix", "pre"));
}
