#include "crypto/ecdsa_jose.hpp"

#include <catch2/catch.hpp>

using namespace sa::crypto;

namespace {
std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s += static_cast<char>(b);
  return s;
}
}  // namespace

TEST_CASE("small r and s are left-padded to the JOSE width", "[ecdsa]") {
  // SEQUENCE { INTEGER 1, INTEGER 0x80 (DER needs a leading zero) }
  std::string der = bytes({0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80});
  auto raw = ecdsa_der_to_jose(der, 32);
  REQUIRE(raw.has_value());
  REQUIRE(raw->size() == 64);
  CHECK(raw->substr(0, 31) == std::string(31, '\0'));
  CHECK(static_cast<unsigned char>((*raw)[31]) == 0x01);
  CHECK(static_cast<unsigned char>((*raw)[63]) == 0x80);
  CHECK(ecdsa_jose_to_der(*raw, 32) == der);
}

TEST_CASE("raw signatures of the wrong length are refused", "[ecdsa]") {
  CHECK_FALSE(ecdsa_jose_to_der(std::string(63, '\1'), 32).has_value());
  CHECK_FALSE(ecdsa_jose_to_der(std::string(65, '\1'), 32).has_value());
  CHECK_FALSE(ecdsa_jose_to_der(std::string(64, '\1'), 48).has_value());
  CHECK_FALSE(ecdsa_jose_to_der("", 32).has_value());
  CHECK(ecdsa_jose_to_der(std::string(96, '\1'), 48).has_value());
}

TEST_CASE("DER that is malformed, trailed or too wide is refused", "[ecdsa]") {
  std::string good = bytes({0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02});
  CHECK(ecdsa_der_to_jose(good, 32).has_value());
  CHECK_FALSE(ecdsa_der_to_jose(good + '\0', 32).has_value());
  CHECK_FALSE(ecdsa_der_to_jose(good.substr(0, 5), 32).has_value());
  CHECK_FALSE(ecdsa_der_to_jose("", 32).has_value());
  // r of 33 significant bytes does not fit P-256.
  std::string wide = bytes({0x30, 0x26, 0x02, 0x21}) + std::string(1, '\x01') +
                     std::string(32, '\xff') + bytes({0x02, 0x01, 0x01});
  CHECK_FALSE(ecdsa_der_to_jose(wide, 32).has_value());
}
