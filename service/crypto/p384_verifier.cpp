#include "crypto/p384_verifier.hpp"

#include <gmp.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <openssl/core_names.h>
#include <openssl/err.h>

#include <array>
#include <cstring>

#include "crypto/handles.hpp"

namespace sa::crypto::detail {
namespace {

// A GMP integer that clears itself.
struct Mpz {
  Mpz() { mpz_init(value); }
  ~Mpz() { mpz_clear(value); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  // Big-endian unsigned octets (RFC 7518 §3.4 and SEC 1 §2.3.7 both write integers this way).
  void set(const unsigned char* bytes, std::size_t n) { mpz_import(value, n, 1, 1, 1, 0, bytes); }
  mpz_t value;
};

bool coordinate(const EVP_PKEY* key, const char* name, Mpz& out) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return false;
  BigNum bn{raw};
  std::array<unsigned char, P384Verifier::kCoordinateBytes> bytes{};
  if (BN_bn2binpad(bn.get(), bytes.data(), static_cast<int>(bytes.size())) < 0) return false;
  out.set(bytes.data(), bytes.size());
  return true;
}

}  // namespace

std::unique_ptr<const P384Verifier> P384Verifier::from(const EVP_PKEY* key) {
  char group[32] = {};
  std::size_t group_len = 0;
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
      EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &group_len) != 1 ||
      std::strcmp(group, SN_secp384r1) != 0) {
    ERR_clear_error();
    return nullptr;
  }
  Mpz x, y;
  if (!coordinate(key, OSSL_PKEY_PARAM_EC_PUB_X, x) ||
      !coordinate(key, OSSL_PKEY_PARAM_EC_PUB_Y, y)) {
    ERR_clear_error();
    return nullptr;
  }
  auto point = std::make_unique<ecc_point>();
  ecc_point_init(point.get(), nettle_get_secp_384r1());
  // ecc_point_set refuses a point that is not on the curve (OpenSSL has checked it already).
  if (ecc_point_set(point.get(), x.value, y.value) != 1) {
    ecc_point_clear(point.get());
    return nullptr;
  }
  return std::unique_ptr<const P384Verifier>(new P384Verifier(point.release()));
}

P384Verifier::~P384Verifier() {
  ecc_point_clear(point_);
  delete point_;
}

bool P384Verifier::verify(const unsigned char* digest, std::size_t digest_len,
                          std::string_view signature) const {
  const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
  struct dsa_signature sig;
  dsa_signature_init(&sig);
  mpz_import(sig.r, kCoordinateBytes, 1, 1, 1, 0, bytes);
  mpz_import(sig.s, kCoordinateBytes, 1, 1, 1, 0, bytes + kCoordinateBytes);
  // SEC 1 §4.1.4: ecdsa_verify refuses r or s outside [1, n-1] before any arithmetic.
  const int ok = ecdsa_verify(point_, digest_len, digest, &sig);
  dsa_signature_clear(&sig);
  return ok == 1;
}

}  // namespace sa::crypto::detail
