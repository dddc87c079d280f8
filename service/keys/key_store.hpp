// Storage of the server's own signing keys (table signing_keys): what the key manager needs to
// load, rotate and prune them. The key manager depends on this interface only, so another
// backend (PostgreSQL) can be added without touching it. Private keys are stored as PEM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::keys {

struct SigningKeyRecord {
  std::string kid;
  std::string alg;  // "RS256" or "ES256"
  std::string private_pem;
  std::int64_t created_at = 0;            // seconds since the epoch
  std::optional<std::int64_t> retire_at;  // nullopt = active: signs new tokens
  std::optional<std::int64_t> expire_at;  // its public key leaves JWKS after this
};

class KeyStore {
 public:
  virtual ~KeyStore();

  // Every key, active and retired, oldest first.
  virtual Expected<std::vector<SigningKeyRecord>, store::StoreStatus> list_keys() = 0;
  // conflict if the kid is taken; constraint if alg is not RS256 or ES256.
  virtual void add_key(SigningKeyRecord key, store::DoneFn done) = 0;
  // Marks every currently active key of alg retired (ok even if there was none).
  virtual void retire_keys(std::string alg, std::int64_t retire_at, std::int64_t expire_at,
                           store::DoneFn done) = 0;
  // Deletes the keys whose expire_at is at or before now.
  virtual void delete_expired_keys(std::int64_t now, store::DoneFn done) = 0;
};

}  // namespace sa::keys
