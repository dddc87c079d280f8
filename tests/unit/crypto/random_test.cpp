#include "crypto/random.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <future>
#include <set>
#include <string>
#include <vector>

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

TEST_CASE("the OpenSSL generator hands out each pooled byte once, on every thread", "[random]") {
  // Small requests come from a per-thread pool of 512 bytes: across refills, across sizes that
  // do not divide it, and on two threads at once, no 16-byte value comes back twice.
  auto draw_all = [] {
    OpenSslRandom random;
    std::vector<std::string> out;
    for (int i = 0; i < 2000; ++i) {
      std::string value(i % 3 == 0 ? 16 : 24, '\0');
      random.fill(std::span(reinterpret_cast<std::uint8_t*>(value.data()), value.size()));
      out.push_back(value.substr(0, 16));
    }
    return out;
  };
  auto other = std::async(std::launch::async, draw_all);
  auto mine = draw_all();
  auto theirs = other.get();
  std::set<std::string> seen;
  for (const auto* values : {&mine, &theirs}) {
    for (const auto& value : *values) CHECK(seen.insert(value).second);
  }
  // Larger than a quarter of the pool: drawn directly, and still filled.
  OpenSslRandom random;
  std::vector<std::uint8_t> big(4096, 0);
  random.fill(big);
  CHECK(std::count(big.begin(), big.end(), 0) < 64);
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

TEST_CASE("ordered tokens sort in issue order and end in the random part", "[random]") {
  FakeRandom random(0);
  const std::string first = ordered_token(random, 1'700'000'000'000'001, 3);
  // 8 hex digits of the second (1700000000 = 0x6553f100), 6 of the microsecond within it, then
  // the random bytes 00 01 02 as base64url.
  CHECK(first == "6553f100000001AAEC");
  CHECK(has_ordered_prefix(first));
  std::string previous = first;
  for (std::int64_t now_us : {1'700'000'000'000'002, 1'700'000'000'999'999, 1'700'000'001'000'000,
                              1'700'000'002'000'000}) {
    const std::string next = ordered_token(random, now_us, 3);
    // Within a second by the microsecond, across seconds by the second: never out of order.
    CHECK(next.substr(0, kOrderedPrefixChars) > previous.substr(0, kOrderedPrefixChars));
    previous = next;
  }
  CHECK(ordered_token(random, -5, 3).starts_with("00000000000000"));  // a clock before 1970
  for (std::size_t bytes : {1, 2, 3, 16, 32}) {
    CHECK(ordered_token(random, 1, bytes).size() == ordered_token_chars(bytes));
  }
  static_assert(ordered_token_chars(32) == 14 + 43);
}

TEST_CASE("an ordered prefix is exactly 14 lowercase hex digits", "[random]") {
  CHECK(has_ordered_prefix("0123456789abcdXYZ"));
  CHECK_FALSE(has_ordered_prefix("0123456789abc"));      // too short
  CHECK_FALSE(has_ordered_prefix("0123456789ABCDxyz"));  // upper case
  CHECK_FALSE(has_ordered_prefix("0123456789abc-xyz"));
}
