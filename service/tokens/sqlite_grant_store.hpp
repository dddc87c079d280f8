// GrantStore over the SQLite Database (migrations/0008_grants.sql: grants, refresh_tokens). create
// and rotate return WriteFns that the grant composes into its one durable write; revoke and
// delete_expired are writes of their own; find_refresh and find_grant go through the read pool.
// Holds nothing but the Database reference.
#pragma once

#include "store/database.hpp"
#include "tokens/grant_store.hpp"

namespace sa::tokens {

class SqliteGrantStore final : public GrantStore {
 public:
  explicit SqliteGrantStore(store::Database& db) : db_(db) {}

  // The refresh token, when given, belongs to this grant: a different refresh->grant_id is a
  // caller bug and returns constraint.
  store::Database::WriteFn create(GrantRecord grant,
                                  std::optional<RefreshTokenRecord> refresh) override;
  // next must belong to the old token's grant (constraint otherwise).
  store::Database::WriteFn rotate(std::string old_hash, std::int64_t now, std::uint32_t grace_s,
                                  RefreshTokenRecord next) override;
  Expected<RefreshLookup, store::StoreStatus> find_refresh(std::string_view token_hash) override;
  Expected<GrantRecord, store::StoreStatus> find_grant(std::string_view grant_id) override;
  void revoke(std::string grant_id, std::int64_t now, store::DoneFn done) override;
  void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) override;

 private:
  store::Database& db_;
};

}  // namespace sa::tokens
