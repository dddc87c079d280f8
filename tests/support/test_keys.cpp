#include "support/test_keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "support/jose_check.hpp"

namespace sa::test {
namespace {

std::string bn_param(EVP_PKEY* key, const char* name, int width) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("no key param");
  int len = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(len), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len);
  BN_free(bn);
  return b64url(out);
}

}  // namespace

TestKey make_test_key(const std::string& alg, const std::string& kid) {
  EVP_PKEY* key = nullptr;
  std::string jwk;
  if (alg[0] == 'R') {
    key = EVP_RSA_gen(2048);
    jwk = R"({"kty":"RSA","n":")" + bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0) + R"(","e":")" +
          bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0) + "\"";
  } else {
    const bool p384 = alg == "ES384";
    key = EVP_EC_gen(p384 ? "P-384" : "P-256");
    int width = p384 ? 48 : 32;
    jwk = R"({"kty":"EC","crv":")" + std::string(p384 ? "P-384" : "P-256") + R"(","x":")" +
          bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, width) + R"(","y":")" +
          bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, width) + "\"";
  }
  if (!key) throw std::runtime_error("key generation failed");
  jwk += R"(,"kid":")" + kid + R"(","alg":")" + alg + R"(","use":"sig"})";
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return {alg, kid, pem, jwk};
}

std::string jwks_of(const TestKey& a) { return R"({"keys":[)" + a.public_jwk + "]}"; }
std::string jwks_of(const TestKey& a, const TestKey& b) {
  return R"({"keys":[)" + a.public_jwk + "," + b.public_jwk + "]}";
}

}  // namespace sa::test
