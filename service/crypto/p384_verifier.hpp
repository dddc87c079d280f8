// Internal to crypto/: ECDSA verification on P-384 (ES384, RFC 7518 §3.4) through Nettle's
// hogweed. OpenSSL 3.0 (Debian 12) has no P-384-specific arithmetic and verifies with its
// generic bignum code; Nettle's P-384 field arithmetic is in assembly and verifies about twice as
// fast, and an ES384 assertion is a backend's whole token request (SMART Backend Services). Only
// public data passes through here: the client's public key, its signature and the digest.
// Immutable after from(): shared between threads.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string_view>

struct ecc_point;

namespace sa::crypto::detail {

class P384Verifier {
 public:
  // key's public point when key is an EC key on P-384; nullptr for any other key.
  static std::unique_ptr<const P384Verifier> from(const EVP_PKEY* key);
  ~P384Verifier();
  P384Verifier(const P384Verifier&) = delete;
  P384Verifier& operator=(const P384Verifier&) = delete;

  // The JOSE signature (r || s, 48 octets each) is valid for the digest (SHA-384 of the signing
  // input). The caller has checked the signature's length.
  bool verify(const unsigned char* digest, std::size_t digest_len,
              std::string_view signature) const;

  static constexpr std::size_t kCoordinateBytes = 48;

 private:
  explicit P384Verifier(ecc_point* point) : point_(point) {}
  ecc_point* point_;  // owned; cleared and freed by the destructor
};

}  // namespace sa::crypto::detail
