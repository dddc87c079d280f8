// A private key made ready to sign with one JWS alg. The digest and the signature operation are
// fetched and initialised once, when the key is loaded; each signature starts from a copy of that
// prepared state (EVP_PKEY_CTX_dup), so signing an access token looks nothing up by name and
// builds no OpenSSL context from scratch. Immutable after create(): one Signer may sign from any
// number of threads at once (the prepared context is only ever copied, never used itself).
// Signatures are the same bytes sign_bytes() would make (JOSE form, raw r||s for ES*).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crypto/handles.hpp"
#include "crypto/jws.hpp"
#include "util/expected.hpp"

namespace sa::crypto {

class Signer {
 public:
  // KeyAlgMismatch / KeyTooSmall as check_key_for_alg; SigningFailed if OpenSSL refuses the key.
  // The Signer holds its own reference to the key.
  static Expected<std::shared_ptr<const Signer>, JwsStatus> create(const PKey& key, JwsAlg alg);

  JwsAlg alg() const { return alg_; }
  // Signature bytes over signing_input, in JOSE form.
  Expected<std::string, JwsStatus> sign(std::string_view signing_input) const;
  // header.payload.signature, exactly as sign_compact() with this key and params.alg == alg().
  Expected<std::string, JwsStatus> sign_compact(const JwsSignParams& params,
                                                std::string_view payload) const;

 private:
  Signer(PKey key, JwsAlg alg, Md md, PKeyCtx prepared);

  PKey key_;
  JwsAlg alg_;
  Md md_;             // fetched once: hashing the input looks nothing up
  PKeyCtx prepared_;  // EVP_PKEY_sign_init'ed, digest and padding set; only ever duplicated
};

}  // namespace sa::crypto
