// CodeStore over the SQLite Database (migrations/0007_authorize.sql, authorization_codes): every
// write, consume() included, goes through the group-committing writer, whose single thread runs
// one write at a time, so a code's check and its marking as used cannot interleave with another
// redemption. Holds nothing but the Database reference.
#pragma once

#include "authorize/code_store.hpp"
#include "store/database.hpp"

namespace sa::authorize {

class SqliteCodeStore final : public CodeStore {
 public:
  explicit SqliteCodeStore(store::Database& db) : db_(db) {}

  // conflict if the hash is taken; constraint if the client does not exist.
  void create(std::string code_hash, AuthorizationCode code, store::DoneFn done) override;
  // A used code is reported as `used` even once past expires_at (reuse is what matters, RFC 6749
  // §4.1.2), until the purge deletes it; after that it is `unknown`. If the write cannot be made
  // durable the outcome is store_error, never ok.
  void consume(std::string code_hash, std::int64_t now, ConsumeCodeFn done) override;
  Expected<StoredCode, store::StoreStatus> find(std::string_view code_hash) override;
  store::Database::WriteFn redeem(std::string code_hash, std::int64_t now) override;
  void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) override;

 private:
  store::Database& db_;
};

}  // namespace sa::authorize
