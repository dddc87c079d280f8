#include "util/base64url.hpp"

#include <catch2/catch.hpp>

using namespace std::string_view_literals;

TEST_CASE("base64 matches the RFC 4648 §10 test vectors", "[base64]") {
  auto [plain, encoded] = GENERATE(table<std::string, std::string>({
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  }));
  CHECK(sa::base64_encode(plain) == encoded);
  CHECK(sa::base64_decode(encoded) == plain);
}

TEST_CASE("base64url is the RFC 4648 §5 alphabet without padding", "[base64]") {
  CHECK(sa::base64url_encode("f"sv) == "Zg");
  CHECK(sa::base64url_encode("fo"sv) == "Zm8");
  CHECK(sa::base64url_encode("foobar"sv) == "Zm9vYmFy");
  CHECK(sa::base64url_encode("\xfb\xff\xbf"sv) == "-_-_");
  CHECK(sa::base64_encode("\xfb\xff\xbf"sv) == "+/+/");
  CHECK(sa::base64url_decode("-_-_") == "\xfb\xff\xbf");
}

TEST_CASE("base64url round-trips every byte value", "[base64]") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t len = 0; len <= all.size(); len += 17) {
    std::string_view part(all.data(), len);
    CHECK(sa::base64url_decode(sa::base64url_encode(part)) == std::string(part));
    CHECK(sa::base64_decode(sa::base64_encode(part)) == std::string(part));
  }
}

TEST_CASE("base64url rejects padding and characters outside its alphabet", "[base64]") {
  auto bad = GENERATE("Zg==", "Zg=", "Zm8=", "Zm9v+", "Zm9v/", "Zm 9v", "Zm9v\n", "Z", "Zm9vY",
                      "Zm9v.", "\xc3\xa9");
  CHECK_FALSE(sa::base64url_decode(bad).has_value());
}

TEST_CASE("base64url rejects non-canonical trailing bits", "[base64]") {
  CHECK(sa::base64url_decode("Zg").has_value());
  CHECK_FALSE(sa::base64url_decode("Zh").has_value());
  CHECK_FALSE(sa::base64url_decode("Zm9").has_value());
}

TEST_CASE("standard base64 requires exact padding and its own alphabet", "[base64]") {
  auto bad = GENERATE("Zg", "Zg=", "Zg===", "Z===", "Zm9v====", "Zg=A", "-_-_", "Zm9v\r\n", "Zh==");
  CHECK_FALSE(sa::base64_decode(bad).has_value());
}
