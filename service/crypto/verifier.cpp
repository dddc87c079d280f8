#include "crypto/verifier.hpp"

#include <openssl/err.h>

#include <string>
#include <utility>

#include "crypto/p384_verifier.hpp"
#include "crypto/signature_detail.hpp"

namespace sa::crypto {

Expected<std::shared_ptr<const Verifier>, JwsStatus> Verifier::create(const PKey& key,
                                                                      JwsAlg alg) {
  // RFC 8725 §3.1: the key must fit the alg before any signature math.
  if (JwsStatus s = check_key_for_alg(key.get(), alg); s != JwsStatus::Ok) return unexpected(s);
  PKey own = share_key(key);
  Md md{EVP_MD_fetch(nullptr, detail::digest_name(alg), nullptr)};
  PKeyCtx prepared{own ? EVP_PKEY_CTX_new_from_pkey(nullptr, own.get(), nullptr) : nullptr};
  if (!md || !prepared || EVP_PKEY_verify_init(prepared.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(prepared.get(), md.get()) != 1 ||
      !detail::force_pkcs1(prepared.get(), alg)) {
    ERR_clear_error();
    return unexpected(JwsStatus::BadSignature);
  }
  // check_key_for_alg has made sure an ES384 key is on P-384; should Nettle still refuse the
  // point, OpenSSL verifies as for every other alg.
  auto p384 = alg == JwsAlg::ES384 ? detail::P384Verifier::from(own.get()) : nullptr;
  return std::shared_ptr<const Verifier>(
      new Verifier(std::move(own), alg, std::move(md), std::move(prepared), std::move(p384)));
}

Verifier::Verifier(PKey key, JwsAlg alg, Md md, PKeyCtx prepared,
                   std::unique_ptr<const detail::P384Verifier> p384)
    : key_(std::move(key)),
      alg_(alg),
      md_(std::move(md)),
      prepared_(std::move(prepared)),
      p384_(std::move(p384)) {}

Verifier::~Verifier() = default;

JwsStatus Verifier::verify(const ParsedJws& jws) const {
  // RFC 8725 §3.1: the verifier decides the algorithm; the header only has to agree with it.
  if (jws.header.alg != alg_) return JwsStatus::AlgMismatch;
  return verify_bytes(jws.signing_input, jws.signature);
}

JwsStatus Verifier::verify_bytes(std::string_view signing_input,
                                 std::string_view signature) const {
  // The signature's length first: RFC 7518 §3.4, exactly 96 octets for Nettle's r || s (what
  // from_jose checks, and converts to DER, on the OpenSSL path).
  std::string converted;
  if (p384_) {
    if (signature.size() != 2 * detail::P384Verifier::kCoordinateBytes) {
      return JwsStatus::BadSignatureLength;
    }
  } else {
    auto jose = detail::from_jose(key_.get(), alg_, signature);
    if (!jose) return jose.error();
    converted = std::move(*jose);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(signing_input.data(), signing_input.size(), digest, &digest_len, md_.get(),
                 nullptr) != 1) {
    ERR_clear_error();
    return JwsStatus::BadSignature;
  }
  if (p384_) {
    return p384_->verify(digest, digest_len, signature) ? JwsStatus::Ok : JwsStatus::BadSignature;
  }
  // Each call verifies on its own copy: the prepared context is shared and never mutated.
  PKeyCtx ctx{EVP_PKEY_CTX_dup(prepared_.get())};
  const int rc = ctx ? EVP_PKEY_verify(ctx.get(),
                                       reinterpret_cast<const unsigned char*>(converted.data()),
                                       converted.size(), digest, digest_len)
                     : 0;
  ERR_clear_error();
  return rc == 1 ? JwsStatus::Ok : JwsStatus::BadSignature;
}

}  // namespace sa::crypto
