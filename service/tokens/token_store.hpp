// Storage of issued access tokens by jti (table access_tokens): what introspection, revocation
// and code-reuse detection need. The token itself is never stored, only its id and metadata.
// Unrecorded tokens (client_credentials, migration 0010) get a row only when they are revoked;
// what else ends them is their client's state (client_bounds()).
// Grants and endpoints depend on this interface only; SqliteTokenStore is the one backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/database.hpp"
#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::tokens {

struct AccessTokenRecord {
  std::string jti;
  std::string client_id;
  std::string subject;
  std::string scope;  // as granted, space-separated
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::string> grant_id;  // the authorization it came from; none for backends
  // Set by revoke(); find() also reports the revocation of the token's grant (GrantStore::revoke).
  std::optional<std::int64_t> revoked_at;
  std::optional<std::string> context_json;  // launch context, JSON object text
  // crypto::sha256_b64url of the JWT as issued (migration 0008); none for older rows.
  std::optional<std::string> token_hash;
};

// What ends a client's unrecorded tokens besides their own revocation rows.
struct ClientTokenBounds {
  std::int64_t client_issued_at = 0;  // a token issued before its client was is another's
  // smart-auth token revoke --client: tokens with iat at or before this are revoked.
  std::optional<std::int64_t> revoked_before;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;

  // Runs `first` (when set) and then inserts the token, in one write: both commit or neither.
  // `first` is what else the request must make durable with its token (the assertion's replay
  // claim, issue 6 §4); its non-ok status undoes the write and is what done() receives.
  // Otherwise: conflict if the jti is taken; constraint if the client does not exist.
  virtual void record(AccessTokenRecord token, store::Database::WriteFn first,
                      store::DoneFn done) = 0;
  // not_found if no token has this jti (expired ones stay until delete_expired()). revoked_at is
  // the token's own revocation or else its grant's; a token whose grant is gone counts as
  // revoked when issued.
  virtual Expected<AccessTokenRecord, store::StoreStatus> find(std::string_view jti) = 0;
  // Marks the token revoked at now; ok if it already was (the first time is kept), not_found if
  // there is no such token.
  virtual void revoke(std::string jti, std::int64_t now, store::DoneFn done) = 0;
  // Writes the row of an unrecorded token (the caller verified it is ours) revoked at now; ok if
  // it has a row already (the first revocation is kept); constraint if its client is gone.
  virtual void record_revoked(AccessTokenRecord token, std::int64_t now, store::DoneFn done) = 0;
  // not_found when the client is gone (deleted: RFC 7592 §2.3 ends its tokens).
  virtual Expected<ClientTokenBounds, store::StoreStatus> client_bounds(
      std::string_view client_id) = 0;
  // Deletes at most `limit` tokens whose expires_at is at or before now.
  virtual void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) = 0;
};

// TokenStore over the SQLite Database: writes through the group-committing writer, find()
// through the read pool.
class SqliteTokenStore final : public TokenStore {
 public:
  explicit SqliteTokenStore(store::Database& db) : db_(db) {}

  void record(AccessTokenRecord token, store::Database::WriteFn first, store::DoneFn done) override;
  Expected<AccessTokenRecord, store::StoreStatus> find(std::string_view jti) override;
  void revoke(std::string jti, std::int64_t now, store::DoneFn done) override;
  void record_revoked(AccessTokenRecord token, std::int64_t now, store::DoneFn done) override;
  Expected<ClientTokenBounds, store::StoreStatus> client_bounds(
      std::string_view client_id) override;
  void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) override;

 private:
  store::Database& db_;
};

}  // namespace sa::tokens
