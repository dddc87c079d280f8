// The server's own signing keys: an RSA key (RS256, required for id_tokens) and an EC P-256 key
// (ES256, the default for access tokens), generated on first start and kept in the store.
// Publishes the public halves as JWKS (kid = RFC 7638 thumbprint), rotates on request and keeps
// retired public keys until the tokens they signed have expired, and verifies the server's own
// tokens with them by kid. Readers take an immutable snapshot, so signing never contends with a
// reload.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "crypto/handles.hpp"
#include "crypto/jws.hpp"
#include "crypto/signer.hpp"
#include "crypto/verifier.hpp"
#include "keys/key_store.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace sa::keys {

struct SigningKey {
  std::string kid;
  crypto::JwsAlg alg;
  crypto::PKey key;
  // `key` prepared for `alg` once, when the set is built: tokens are signed through this.
  std::shared_ptr<const crypto::Signer> signer;
};

struct KeySet {
  std::vector<std::shared_ptr<const SigningKey>> active;  // newest first per alg
  // The public half of every stored key, active and retired (until pruned), prepared for its
  // alg: what the server's own tokens are checked with, by the kid in their header.
  std::map<std::string, std::shared_ptr<const crypto::Verifier>, std::less<>> verifiers;
  std::string jwks_json;                                  // active and retired public keys
  std::string fingerprint;  // identifies the stored state the set was built from

  // The key new signatures with `alg` use; null if there is none.
  std::shared_ptr<const SigningKey> signer(crypto::JwsAlg alg) const;
  // The verification key named `kid`, retired ones included; null if there is none (unknown,
  // or pruned after keys.retired_key_ttl_s).
  std::shared_ptr<const crypto::Verifier> verifier(std::string_view kid) const;
};

class KeyRing {
 public:
  KeyRing(keys::KeyStore& store, const config::KeySettings& settings, const Clock& clock);

  // Start-up: loads the stored keys and generates any missing active RS256/ES256 key.
  // Returns an error sentence for the operator.
  std::optional<std::string> load_or_create();
  // Re-reads the store (another process may have rotated) and prunes expired keys. Keeps the
  // current set when nothing changed or on error. Cheap when nothing changed.
  std::optional<std::string> reload();
  // Adds a new active key per algorithm; the old ones stop signing and stay in JWKS for
  // keys.retired_key_ttl_s. Returns the new kids.
  Expected<std::vector<std::string>, std::string> rotate();

  std::shared_ptr<const KeySet> current() const { return std::atomic_load(&current_); }

 private:
  std::optional<std::string> add_new_key(crypto::JwsAlg alg);
  Expected<std::shared_ptr<const KeySet>, std::string> build(
      const std::vector<keys::SigningKeyRecord>& records) const;

  keys::KeyStore& store_;
  config::KeySettings settings_;
  const Clock& clock_;
  std::shared_ptr<const KeySet> current_;
};

}  // namespace sa::keys
