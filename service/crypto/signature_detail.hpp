// Internal to crypto/: the pieces sign_bytes/verify_bytes (jws_signature.cpp) share with the
// prepared Signer (signer.cpp). Not for use outside this folder.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "crypto/jws.hpp"
#include "util/expected.hpp"

namespace sa::crypto::detail {

// "SHA256" for RS256/ES256, "SHA384" for RS384/ES384.
const char* digest_name(JwsAlg alg);
// 0 for RSA algs; the JOSE coordinate width for ECDSA (RFC 7518 §3.4).
std::size_t ec_coordinate_bytes(JwsAlg alg);
// RSA algs: PKCS#1 v1.5 padding set explicitly (RFC 7518 §3.3); a no-op for ECDSA.
bool force_pkcs1(EVP_PKEY_CTX* pctx, JwsAlg alg);
// OpenSSL's signature bytes -> JOSE form (DER ECDSA -> raw r||s; RSA unchanged).
Expected<std::string, JwsStatus> to_jose(std::string signature, JwsAlg alg);
// A JOSE signature -> the bytes OpenSSL verifies (raw r||s -> DER for ES*; RSA: exactly the
// modulus size). BadSignatureLength otherwise.
Expected<std::string, JwsStatus> from_jose(const EVP_PKEY* key, JwsAlg alg,
                                           std::string_view signature);
// header.payload.signature with the header of sign_compact(), signing through `sign`.
Expected<std::string, JwsStatus> sign_compact_with(
    const JwsSignParams& params, std::string_view payload,
    const std::function<Expected<std::string, JwsStatus>(std::string_view)>& sign);

}  // namespace sa::crypto::detail
