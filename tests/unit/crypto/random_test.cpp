#include "crypto/random.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace sa::crypto;

TEST_CASE("a random token of n bytes is ceil(4n/3) base64url characters", "[random]") {
  OpenSslRandom random;
  auto [bytes, chars] =
      GENERATE(table<std::size_t, std::size_t>({{0, 0}, {1, 2}, {3, 4}, {16, 22}, {32, 43}}));
  CHECK(random_token(random, bytes).size() == chars);
}

TEST_CASE("random tokens use only the unreserved base64url alphabet", "[random]") {
  OpenSslRandom random;
  for (int i = 0; i < 50; ++i) {
    for (char c : random_token(random, 48)) {
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_';
      REQUIRE(ok);
    }
  }
}

TEST_CASE("random tokens from the OpenSSL generator do not repeat", "[random]") {
  OpenSslRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) CHECK(seen.insert(random_token(random, 32)).second);
}

TEST_CASE("the fake generator yields a predictable counter", "[random]") {
  FakeRandom random(0);
  CHECK(random_token(random, 3) == "AAEC");  // bytes 00 01 02
  CHECK(random_token(random, 3) == "AwQF");  // bytes 03 04 05
  FakeRandom wrapped(0xFF);
  std::array<std::uint8_t, 2> out{};
  wrapped.fill(out);
  CHECK(out == std::array<std::uint8_t, 2>{0xFF, 0x00});
}
