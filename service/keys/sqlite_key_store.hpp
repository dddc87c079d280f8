// KeyStore over the SQLite store::Database: writes go through the group-committing writer, list_keys()
// through the read pool.
#pragma once

#include "store/database.hpp"
#include "keys/key_store.hpp"

namespace sa::keys {

class SqliteKeyStore final : public KeyStore {
 public:
  explicit SqliteKeyStore(store::Database& db) : db_(db) {}

  Expected<std::vector<SigningKeyRecord>, store::StoreStatus> list_keys() override;
  void add_key(SigningKeyRecord key, store::DoneFn done) override;
  void retire_keys(std::string alg, std::int64_t retire_at, std::int64_t expire_at,
                   store::DoneFn done) override;
  void delete_expired_keys(std::int64_t now, store::DoneFn done) override;

 private:
  store::Database& db_;
};

}  // namespace sa::keys
