#include "crypto/ecdsa_jose.hpp"

#include <openssl/err.h>

#include <vector>

#include "crypto/handles.hpp"

namespace sa::crypto {

std::optional<std::string> ecdsa_der_to_jose(std::string_view der, std::size_t coordinate_bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSig sig{d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()))};
  if (!sig || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    ERR_clear_error();
    return std::nullopt;
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  const int width = static_cast<int>(coordinate_bytes);
  // RFC 7518 §3.4: r and s each as a big-endian octet sequence of exactly the coordinate size,
  // leading zeros kept, concatenated r then s.
  std::vector<unsigned char> out(2 * coordinate_bytes);
  if (BN_bn2binpad(r, out.data(), width) != width ||
      BN_bn2binpad(s, out.data() + coordinate_bytes, width) != width) {
    return std::nullopt;
  }
  return std::string(out.begin(), out.end());
}

std::optional<std::string> ecdsa_jose_to_der(std::string_view raw, std::size_t coordinate_bytes) {
  // RFC 7518 §3.4: a JWS ECDSA signature is exactly 2 * coordinate size octets.
  if (raw.size() != 2 * coordinate_bytes) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  const int width = static_cast<int>(coordinate_bytes);
  BigNum r{BN_bin2bn(bytes, width, nullptr)};
  BigNum s{BN_bin2bn(bytes + coordinate_bytes, width, nullptr)};
  EcdsaSig sig{ECDSA_SIG_new()};
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  // ECDSA_SIG_set0 took ownership of r and s.
  (void)r.release();
  (void)s.release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  OpenSslBytes owned{der};
  if (len <= 0) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
}

}  // namespace sa::crypto
