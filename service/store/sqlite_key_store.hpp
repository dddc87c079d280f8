// KeyStore over the SQLite Database: writes go through the group-committing writer, list_keys()
// through the read pool.
#pragma once

#include "store/database.hpp"
#include "store/key_store.hpp"

namespace sa::store {

class SqliteKeyStore final : public KeyStore {
 public:
  explicit SqliteKeyStore(Database& db) : db_(db) {}

  Expected<std::vector<SigningKeyRecord>, StoreStatus> list_keys() override;
  void add_key(SigningKeyRecord key, DoneFn done) override;
  void retire_keys(std::string alg, std::int64_t retire_at, std::int64_t expire_at,
                   DoneFn done) override;
  void delete_expired_keys(std::int64_t now, DoneFn done) override;

 private:
  Database& db_;
};

}  // namespace sa::store
