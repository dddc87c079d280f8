#include <utility>

#include "tokens/sqlite_token_sql.hpp"
#include "tokens/token_store.hpp"

namespace sa::tokens {

using store::Connection;
using store::StoreStatus;

namespace {

constexpr const char* kInsert =
    "INSERT INTO access_tokens(jti, client_id, subject, scope, issued_at, expires_at, grant_id, "
    "revoked_at, context_json, token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// The same, keeping a row already there under the jti as it is.
constexpr const char* kInsertUnlessPresent =
    "INSERT INTO access_tokens(jti, client_id, subject, scope, issued_at, expires_at, grant_id, "
    "revoked_at, context_json, token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(jti) DO NOTHING";

StoreStatus insert(Connection& conn, const char* sql, const AccessTokenRecord& token) {
  auto stmt = conn.prepare(sql);
  stmt.bind(1, token.jti)
      .bind(2, token.client_id)
      .bind(3, token.subject)
      .bind(4, token.scope)
      .bind(5, token.issued_at)
      .bind(6, token.expires_at);
  return stmt.bind_optional(7, token.grant_id)
      .bind(8, token.revoked_at)
      .bind_optional(9, token.context_json)
      .bind_optional(10, token.token_hash)
      .run();
}

}  // namespace

void SqliteTokenStore::record(AccessTokenRecord token, store::Database::WriteFn first,
                              store::DoneFn done) {
  db_.write(
      [token = std::move(token), first = std::move(first)](Connection& conn) {
        // Same write: a failed `first` (a replayed jti) leaves no token row, and a token
        // that cannot be inserted leaves nothing of `first`.
        if (first) {
          if (const StoreStatus status = first(conn); status != StoreStatus::ok) return status;
        }
        return insert(conn, kInsert, token);
      },
      std::move(done));
}

void SqliteTokenStore::record_revoked(AccessTokenRecord token, std::int64_t now,
                                      store::DoneFn done) {
  token.revoked_at = now;
  // ON CONFLICT covers the jti alone: the foreign key still holds, so a token whose client is
  // gone answers constraint.
  db_.write(
      [token = std::move(token)](Connection& conn) {
        return insert(conn, kInsertUnlessPresent, token);
      },
      std::move(done));
}

Expected<ClientTokenBounds, StoreStatus> SqliteTokenStore::client_bounds(
    std::string_view client_id) {
  return db_.read([client_id](Connection& conn) -> Expected<ClientTokenBounds, StoreStatus> {
    auto stmt = conn.prepare(
        "SELECT c.issued_at, t.revoked_before FROM clients c "
        "LEFT JOIN client_token_cutoffs t ON t.client_id = c.client_id WHERE c.client_id = ?");
    stmt.bind(1, client_id);
    if (!stmt.step()) {
      return unexpected(stmt.no_row());
    }
    return ClientTokenBounds{.client_issued_at = stmt.column_int64(0),
                             .revoked_before = stmt.column_optional_int64(1)};
  });
}

Expected<AccessTokenRecord, StoreStatus> SqliteTokenStore::find(std::string_view jti) {
  return db_.read([jti](Connection& conn) -> Expected<AccessTokenRecord, StoreStatus> {
    // A grant's revocation lives on the grant row alone (migration 0009), read here with the
    // token: RFC 7009 §2.1 and RFC 6749 §4.1.2 end every access token issued from it.
    auto stmt = conn.prepare(
        "SELECT a.jti, a.client_id, a.subject, a.scope, a.issued_at, a.expires_at, a.grant_id, "
        "a.revoked_at, a.context_json, a.token_hash, g.revoked_at, g.grant_id IS NULL "
        "FROM access_tokens a LEFT JOIN grants g ON g.grant_id = a.grant_id WHERE a.jti = ?");
    stmt.bind(1, jti);
    if (!stmt.step()) {
      return unexpected(stmt.no_row());
    }
    AccessTokenRecord record{.jti = stmt.column_text(0),
                             .client_id = stmt.column_text(1),
                             .subject = stmt.column_text(2),
                             .scope = stmt.column_text(3),
                             .issued_at = stmt.column_int64(4),
                             .expires_at = stmt.column_int64(5),
                             .grant_id = stmt.column_optional_text(6),
                             .revoked_at = stmt.column_optional_int64(7),
                             .context_json = stmt.column_optional_text(8),
                             .token_hash = stmt.column_optional_text(9)};
    if (!record.revoked_at && record.grant_id) {
      // A grant that is gone (deleted with its client, or purged) ended its tokens with it.
      const bool grant_gone = stmt.column_int64(11) != 0;
      record.revoked_at =
          grant_gone ? std::optional(record.issued_at) : stmt.column_optional_int64(10);
    }
    return record;
  });
}

void SqliteTokenStore::revoke(std::string jti, std::int64_t now, store::DoneFn done) {
  db_.write(
      [jti = std::move(jti), now](Connection& conn) {
        const StoreStatus status = sql::stamp_unset(
            conn, "UPDATE access_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL",
            now, jti);
        if (status != StoreStatus::ok || conn.changes() > 0) return status;
        // Nothing changed: already revoked (ok, idempotent) or no such token.
        auto exists = conn.prepare("SELECT 1 FROM access_tokens WHERE jti = ?");
        exists.bind(1, jti);
        if (exists.step()) return StoreStatus::ok;
        return exists.no_row();
      },
      std::move(done));
}

void SqliteTokenStore::delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) {
  // WITHOUT ROWID: the slice is chosen by the primary key.
  db_.write_counting(sql::purge_expired({"DELETE FROM access_tokens WHERE jti IN (SELECT jti "
                                         "FROM access_tokens WHERE expires_at <= ? LIMIT ?)"},
                                        now, limit),
                     std::move(done));
}

}  // namespace sa::tokens
