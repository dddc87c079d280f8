// sign_bytes / verify_bytes: the EVP calls under jws.hpp, and the DER <-> r||s conversion for ES*.
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <vector>

#include "crypto/ecdsa_jose.hpp"
#include "crypto/jws.hpp"
#include "crypto/signature_detail.hpp"

namespace sa::crypto {
namespace detail {

const char* digest_name(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::RS256:
    case JwsAlg::ES256:
      return "SHA256";
    case JwsAlg::RS384:
    case JwsAlg::ES384:
      return "SHA384";
  }
  return "";
}

// 0 for RSA algs; the JOSE coordinate width for ECDSA (RFC 7518 §3.4).
std::size_t ec_coordinate_bytes(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::ES256:
      return 32;
    case JwsAlg::ES384:
      return 48;
    case JwsAlg::RS256:
    case JwsAlg::RS384:
      return 0;
  }
  return 0;
}

// RFC 7518 §3.3: RSASSA-PKCS1-v1_5. Set explicitly rather than trusting the provider default.
bool force_pkcs1(EVP_PKEY_CTX* pctx, JwsAlg alg) {
  if (ec_coordinate_bytes(alg) != 0) return true;
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
}

Expected<std::string, JwsStatus> to_jose(std::string signature, JwsAlg alg) {
  if (std::size_t width = ec_coordinate_bytes(alg); width != 0) {
    // RFC 7518 §3.4: OpenSSL emits DER; JOSE wants fixed-width r||s.
    auto raw = ecdsa_der_to_jose(signature, width);
    if (!raw) return unexpected(JwsStatus::SigningFailed);
    return std::move(*raw);
  }
  return signature;
}

Expected<std::string, JwsStatus> from_jose(const EVP_PKEY* key, JwsAlg alg,
                                           std::string_view signature) {
  if (std::size_t width = ec_coordinate_bytes(alg); width != 0) {
    // RFC 7518 §3.4: exactly 64 (ES256) or 96 (ES384) octets, converted to DER for OpenSSL.
    auto converted = ecdsa_jose_to_der(signature, width);
    if (!converted) return unexpected(JwsStatus::BadSignatureLength);
    return std::move(*converted);
  }
  if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key))) {
    // RFC 8017 §8.2.2 step 1: the signature is exactly k octets, k the modulus length.
    return unexpected(JwsStatus::BadSignatureLength);
  }
  return std::string(signature);
}

}  // namespace detail

using detail::digest_name;
using detail::ec_coordinate_bytes;
using detail::force_pkcs1;

Expected<std::string, JwsStatus> sign_bytes(const PKey& key, JwsAlg alg,
                                            std::string_view signing_input) {
  if (JwsStatus s = check_key_for_alg(key.get(), alg); s != JwsStatus::Ok) return unexpected(s);
  MdCtx ctx{EVP_MD_CTX_new()};
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  std::size_t len = 0;
  if (!ctx ||
      EVP_DigestSignInit_ex(ctx.get(), &pctx, digest_name(alg), nullptr, nullptr, key.get(),
                            nullptr) != 1 ||
      !force_pkcs1(pctx, alg) ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data, signing_input.size()) != 1) {
    ERR_clear_error();
    return unexpected(JwsStatus::SigningFailed);
  }
  std::vector<unsigned char> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data, signing_input.size()) != 1) {
    ERR_clear_error();
    return unexpected(JwsStatus::SigningFailed);
  }
  return detail::to_jose(std::string(reinterpret_cast<const char*>(sig.data()), len), alg);
}

JwsStatus verify_bytes(const PKey& key, JwsAlg alg, std::string_view signing_input,
                       std::string_view signature) {
  // The key must fit the alg before any signature math (RFC 8725 §3.1).
  if (JwsStatus s = check_key_for_alg(key.get(), alg); s != JwsStatus::Ok) return s;
  auto converted = detail::from_jose(key.get(), alg, signature);
  if (!converted) return converted.error();
  const std::string& to_check = *converted;
  MdCtx ctx{EVP_MD_CTX_new()};
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx ||
      EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest_name(alg), nullptr, nullptr, key.get(),
                              nullptr) != 1 ||
      !force_pkcs1(pctx, alg)) {
    ERR_clear_error();
    return JwsStatus::BadSignature;
  }
  int rc = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(to_check.data()), to_check.size(),
      reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  ERR_clear_error();
  return rc == 1 ? JwsStatus::Ok : JwsStatus::BadSignature;
}

}  // namespace sa::crypto
