#include "crypto/signer.hpp"

#include <openssl/err.h>

#include <utility>

#include "crypto/signature_detail.hpp"

namespace sa::crypto {

Expected<std::shared_ptr<const Signer>, JwsStatus> Signer::create(const PKey& key, JwsAlg alg) {
  if (JwsStatus s = check_key_for_alg(key.get(), alg); s != JwsStatus::Ok) return unexpected(s);
  PKey own = share_key(key);
  // The digest is fetched once here, by name, for the life of the Signer.
  Md md{EVP_MD_fetch(nullptr, detail::digest_name(alg), nullptr)};
  PKeyCtx prepared{own ? EVP_PKEY_CTX_new_from_pkey(nullptr, own.get(), nullptr) : nullptr};
  if (!md || !prepared || EVP_PKEY_sign_init(prepared.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(prepared.get(), md.get()) != 1 ||
      !detail::force_pkcs1(prepared.get(), alg)) {
    ERR_clear_error();
    return unexpected(JwsStatus::SigningFailed);
  }
  return std::shared_ptr<const Signer>(new Signer(std::move(own), alg, std::move(md), std::move(prepared)));
}

Signer::Signer(PKey key, JwsAlg alg, Md md, PKeyCtx prepared)
    : key_(std::move(key)), alg_(alg), md_(std::move(md)), prepared_(std::move(prepared)) {}

Expected<std::string, JwsStatus> Signer::sign(std::string_view signing_input) const {
  // md_ is the digest the prepared context was told to expect (create()).
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  // Each call signs on its own copy: the prepared context is shared and never mutated.
  PKeyCtx ctx{EVP_PKEY_CTX_dup(prepared_.get())};
  std::string sig(static_cast<std::size_t>(EVP_PKEY_get_size(key_.get())), '\0');
  std::size_t len = sig.size();
  if (!ctx || EVP_Digest(signing_input.data(), signing_input.size(), digest, &digest_len,
                        md_.get(), nullptr) !=
          1 ||
      EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, digest,
                    digest_len) != 1) {
    ERR_clear_error();
    return unexpected(JwsStatus::SigningFailed);
  }
  sig.resize(len);
  return detail::to_jose(std::move(sig), alg_);
}

Expected<std::string, JwsStatus> Signer::sign_compact(const JwsSignParams& params,
                                                      std::string_view payload) const {
  // RFC 8725 §3.1: the header names the alg the key was prepared for, nothing else.
  if (params.alg != alg_) return unexpected(JwsStatus::AlgMismatch);
  return detail::sign_compact_with(params, payload,
                                   [this](std::string_view input) { return sign(input); });
}

}  // namespace sa::crypto
