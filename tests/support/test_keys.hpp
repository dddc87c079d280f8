// Client key pairs for tests, made with OpenSSL directly: the private key as PEM (to sign
// assertions with jose_check) and the public key as a JWK (to register).
#pragma once

#include <string>

namespace sa::test {

struct TestKey {
  std::string alg;  // RS384 | ES384 | RS256 | ES256
  std::string kid;
  std::string private_pem;
  std::string public_jwk;  // {"kty":..,"kid":..,"alg":.., ...}
};

TestKey make_test_key(const std::string& alg, const std::string& kid);
std::string jwks_of(const TestKey& a);
std::string jwks_of(const TestKey& a, const TestKey& b);

}  // namespace sa::test
