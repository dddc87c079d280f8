// A public key made ready to verify one JWS alg: the digest and the verification operation are
// fetched and initialised once, and each verification runs on a copy of that prepared state
// (EVP_PKEY_CTX_dup), so checking a client assertion looks nothing up by name. ES384 is verified
// by Nettle instead (detail::P384Verifier: about twice OpenSSL 3.0's speed on P-384). Immutable
// after create(): shared between threads. Same answers as crypto::verify with the same key and
// alg.
#pragma once

#include <memory>
#include <string_view>

#include "crypto/handles.hpp"
#include "crypto/jws.hpp"
#include "util/expected.hpp"

namespace sa::crypto {

namespace detail {
class P384Verifier;
}

class Verifier {
 public:
  // KeyAlgMismatch / KeyTooSmall as check_key_for_alg; BadSignature if OpenSSL refuses the key.
  static Expected<std::shared_ptr<const Verifier>, JwsStatus> create(const PKey& key, JwsAlg alg);
  ~Verifier();

  JwsAlg alg() const { return alg_; }
  // As crypto::verify(jws, key, alg()): AlgMismatch unless the header names alg().
  JwsStatus verify(const ParsedJws& jws) const;
  // As crypto::verify_bytes(key, alg(), signing_input, signature).
  JwsStatus verify_bytes(std::string_view signing_input, std::string_view signature) const;

 private:
  Verifier(PKey key, JwsAlg alg, Md md, PKeyCtx prepared,
           std::unique_ptr<const detail::P384Verifier> p384);

  PKey key_;
  JwsAlg alg_;
  Md md_;
  PKeyCtx prepared_;  // EVP_PKEY_verify_init'ed, digest and padding set; only ever duplicated
  std::unique_ptr<const detail::P384Verifier> p384_;  // ES384 only: verifies in place of prepared_
};

}  // namespace sa::crypto
