#include "tokens/sqlite_grant_store.hpp"

#include <string>
#include <utility>

#include "tokens/sqlite_token_sql.hpp"

namespace sa::tokens {
namespace {

using store::Connection;
using store::StoreStatus;

// The grants columns in the order grant_from() reads them, from column `first` on.
constexpr const char* kGrantColumns =
    "g.grant_id, g.client_id, g.user_id, g.fhir_user, g.user_name, g.auth_time, g.scope, "
    "g.context_json, g.aud, g.refresh_kind, g.session_hash, g.created_at, g.expires_at, "
    "g.revoked_at";

Expected<GrantRecord, StoreStatus> grant_from(const store::Statement& stmt, int first) {
  // The CHECK on refresh_kind admits only what parse_refresh_kind knows: anything else is a
  // damaged file.
  const auto kind = parse_refresh_kind(stmt.column_text(first + 9));
  if (!kind) return unexpected(StoreStatus::io_error);
  return GrantRecord{.grant_id = stmt.column_text(first),
                     .client_id = stmt.column_text(first + 1),
                     .user_id = stmt.column_text(first + 2),
                     .fhir_user = stmt.column_text(first + 3),
                     .user_name = stmt.column_text(first + 4),
                     .auth_time = stmt.column_int64(first + 5),
                     .scope = stmt.column_text(first + 6),
                     .context_json = stmt.column_optional_text(first + 7),
                     .aud = stmt.column_text(first + 8),
                     .refresh = *kind,
                     .session_hash = stmt.column_optional_text(first + 10),
                     .created_at = stmt.column_int64(first + 11),
                     .expires_at = stmt.column_int64(first + 12),
                     .revoked_at = stmt.column_optional_int64(first + 13)};
}

// The grant is joined by its grant_seq (its rowid: one lookup) and must have the token's
// grant_id too, for a grant_seq is given again after the grant with the largest one is deleted,
// and a refresh token outlives its grant's row until purged (migration 0013).
constexpr const char* kJoinGrant =
    "JOIN grants g ON g.grant_seq = r.grant_seq AND "
    "+g.grant_id = r.grant_id";

// grant_seq: the rowid of the grant named by token.grant_id.
StoreStatus insert_refresh(Connection& conn, const RefreshTokenRecord& token,
                           std::int64_t grant_seq) {
  return conn
      .prepare(
          "INSERT INTO refresh_tokens(token_hash, grant_id, grant_seq, scope, issued_at, "
          "expires_at, retired_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, token.token_hash)
      .bind(2, token.grant_id)
      .bind(3, grant_seq)
      .bind(4, token.scope)
      .bind(5, token.issued_at)
      .bind(6, token.expires_at)
      .bind(7, token.retired_at)
      .run();
}

// rotate()'s whole check and change; runs on the writer thread inside the request's write (a
// WriteFn), so nothing else writes between the read and the updates.
StoreStatus rotate_checked(Connection& conn, const std::string& old_hash, std::int64_t now,
                           std::uint32_t grace_s, const RefreshTokenRecord& next) {
  std::string grant_id;
  std::int64_t grant_seq = 0;
  std::int64_t grant_expires_at = 0;
  {
    static const std::string sql =
        std::string(
            "SELECT r.grant_id, r.expires_at, r.retired_at, g.revoked_at, g.expires_at, "
            "g.grant_seq FROM refresh_tokens r ") +
        kJoinGrant + " WHERE r.token_hash = ?";
    auto stmt = conn.prepare(sql);
    stmt.bind(1, old_hash);
    if (!stmt.step())
      return stmt.status() == StoreStatus::ok ? StoreStatus::conflict : stmt.status();
    grant_id = stmt.column_text(0);
    const std::int64_t expires_at = stmt.column_int64(1);
    const auto retired_at = stmt.column_optional_int64(2);
    const auto revoked_at = stmt.column_optional_int64(3);
    grant_expires_at = stmt.column_int64(4);
    grant_seq = stmt.column_int64(5);
    // RFC 6749 §6 / §5.2: a revoked family or an expired token is no longer a valid grant.
    if (revoked_at || now >= expires_at) return StoreStatus::conflict;
    // RFC 9700 §4.14.2: a retired token counts only within the grace window (an app's own
    // concurrent refreshes); later it is reuse, which the caller handles after re-reading.
    if (retired_at && now - *retired_at > std::int64_t{grace_s}) return StoreStatus::conflict;
  }
  if (next.grant_id != grant_id) return StoreStatus::constraint;  // a caller bug

  StoreStatus status = sql::stamp_unset(
      conn, "UPDATE refresh_tokens SET retired_at = ? WHERE token_hash = ? AND retired_at IS NULL",
      now, old_hash);
  if (status != StoreStatus::ok) return status;
  if (status = insert_refresh(conn, next, grant_seq); status != StoreStatus::ok) return status;
  // RFC 6749 §6 / SMART "offline_access": the family lives as long as its newest token; the
  // spare of grant_expiry_covering spares this row most rotations, and then the statement too
  // (the grant was read above, in this same write).
  if (grant_expires_at >= next.expires_at) return StoreStatus::ok;
  return conn.prepare("UPDATE grants SET expires_at = ? WHERE grant_seq = ?")
      .bind(1, grant_expiry_covering(next.expires_at, now))
      .bind(2, grant_seq)
      .run();
}

}  // namespace

store::Database::WriteFn SqliteGrantStore::create(GrantRecord grant,
                                                  std::optional<RefreshTokenRecord> refresh) {
  return [grant = std::move(grant), refresh = std::move(refresh)](Connection& conn) {
    if (refresh && refresh->grant_id != grant.grant_id) return StoreStatus::constraint;
    auto stmt = conn.prepare(
        "INSERT INTO grants(grant_id, client_id, user_id, fhir_user, user_name, auth_time, scope, "
        "context_json, aud, refresh_kind, session_hash, created_at, expires_at, revoked_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    stmt.bind(1, grant.grant_id)
        .bind(2, grant.client_id)
        .bind(3, grant.user_id)
        .bind(4, grant.fhir_user)
        .bind(5, grant.user_name)
        .bind(6, grant.auth_time)
        .bind(7, grant.scope)
        .bind_optional(8, grant.context_json);
    const StoreStatus status = stmt.bind(9, grant.aud)
                                   .bind(10, to_string(grant.refresh))
                                   .bind_optional(11, grant.session_hash)
                                   .bind(12, grant.created_at)
                                   .bind(13, grant.expires_at)
                                   .bind(14, grant.revoked_at)
                                   .run();
    if (status != StoreStatus::ok || !refresh) return status;
    return insert_refresh(conn, *refresh, conn.last_insert_rowid());
  };
}

store::Database::WriteFn SqliteGrantStore::rotate(std::string old_hash, std::int64_t now,
                                                  std::uint32_t grace_s, RefreshTokenRecord next) {
  return [old_hash = std::move(old_hash), now, grace_s, next = std::move(next)](Connection& conn) {
    return rotate_checked(conn, old_hash, now, grace_s, next);
  };
}

Expected<RefreshLookup, StoreStatus> SqliteGrantStore::find_refresh(std::string_view token_hash) {
  return db_.read([token_hash](Connection& conn) -> Expected<RefreshLookup, StoreStatus> {
    // SMART App Launch 2.2 "online_access": an online family is judged against its login
    // session, read in the same snapshot. Offline families never look at a session.
    static const std::string sql =
        std::string(
            "SELECT r.token_hash, r.grant_id, r.scope, r.issued_at, r.expires_at, "
            "r.retired_at, s.expires_at, s.last_seen, ") +
        kGrantColumns + " FROM refresh_tokens r " + kJoinGrant +
        " LEFT JOIN login_sessions s ON g.refresh_kind = 'online' AND s.id_hash = g.session_hash "
        "WHERE r.token_hash = ?";
    auto stmt = conn.prepare(sql);
    stmt.bind(1, token_hash);
    if (!stmt.step()) {
      return unexpected(stmt.no_row());
    }
    auto grant = grant_from(stmt, 8);
    if (!grant) return unexpected(grant.error());
    RefreshLookup lookup{.token = RefreshTokenRecord{.token_hash = stmt.column_text(0),
                                                     .grant_id = stmt.column_text(1),
                                                     .scope = stmt.column_text(2),
                                                     .issued_at = stmt.column_int64(3),
                                                     .expires_at = stmt.column_int64(4),
                                                     .retired_at = stmt.column_optional_int64(5)},
                         .grant = std::move(*grant)};
    if (const auto session_expires = stmt.column_optional_int64(6)) {
      lookup.session =
          SessionTimes{.expires_at = *session_expires, .last_seen = stmt.column_int64(7)};
    }
    return lookup;
  });
}

Expected<GrantRecord, StoreStatus> SqliteGrantStore::find_grant(std::string_view grant_id) {
  return db_.read([grant_id](Connection& conn) -> Expected<GrantRecord, StoreStatus> {
    static const std::string sql =
        std::string("SELECT ") + kGrantColumns + " FROM grants g WHERE g.grant_id = ?";
    auto stmt = conn.prepare(sql);
    stmt.bind(1, grant_id);
    if (!stmt.step()) {
      return unexpected(stmt.no_row());
    }
    return grant_from(stmt, 0);
  });
}

void SqliteGrantStore::revoke(std::string grant_id, std::int64_t now, store::DoneFn done) {
  db_.write(
      [grant_id = std::move(grant_id), now](Connection& conn) {
        // RFC 6749 §4.1.2 (code reuse), RFC 9700 §4.14.2 (refresh reuse), RFC 7009 §2.1: the
        // grant, every refresh token of its family and every access token issued from it end
        // together. One row says so: both token stores read the grant's revoked_at with each
        // token (migration 0009). The first revocation time is kept.
        return sql::stamp_unset(
            conn, "UPDATE grants SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL", now,
            grant_id);
      },
      std::move(done));
}

void SqliteGrantStore::delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) {
  // An expired grant outlives all it issued (its expires_at is the last of them), so its refresh
  // tokens are expired too; they are purged by their own expires_at (migration 0009: no foreign
  // key, and no grant_id index for one to use).
  db_.write_counting(
      sql::purge_expired({"DELETE FROM refresh_tokens WHERE token_hash IN (SELECT token_hash "
                          "FROM refresh_tokens WHERE expires_at <= ? LIMIT ?)",
                          "DELETE FROM grants WHERE rowid IN (SELECT rowid FROM grants "
                          "WHERE expires_at <= ? LIMIT ?)"},
                         now, limit),
      std::move(done));
}

}  // namespace sa::tokens
