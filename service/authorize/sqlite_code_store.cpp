#include "authorize/sqlite_code_store.hpp"

#include <memory>
#include <optional>
#include <utility>

namespace sa::authorize {
namespace {

using store::Connection;
using store::StoreStatus;
using ConsumeOutcome = Expected<AuthorizationCode, CodeFailure>;

Expected<StoredCode, StoreStatus> load(Connection& conn, const std::string& code_hash) {
  auto stmt = conn.prepare(
      "SELECT grant_id, client_id, redirect_uri, redirect_uri_sent, code_challenge, nonce, "
      "user_id, fhir_user, user_name, auth_time, scope, context_json, issued_at, expires_at, "
      "used_at, aud, session_hash FROM authorization_codes WHERE code_hash = ?");
  stmt.bind(1, code_hash);
  if (!stmt.step()) {
    return unexpected(stmt.no_row());
  }
  return StoredCode{.code = AuthorizationCode{.grant_id = stmt.column_text(0),
                                              .client_id = stmt.column_text(1),
                                              .redirect_uri = stmt.column_text(2),
                                              .redirect_uri_sent = stmt.column_int64(3) != 0,
                                              .code_challenge = stmt.column_text(4),
                                              .nonce = stmt.column_optional_text(5),
                                              .user_id = stmt.column_text(6),
                                              .fhir_user = stmt.column_text(7),
                                              .user_name = stmt.column_text(8),
                                              .auth_time = stmt.column_int64(9),
                                              .scope = stmt.column_text(10),
                                              .context_json = stmt.column_optional_text(11),
                                              .issued_at = stmt.column_int64(12),
                                              .expires_at = stmt.column_int64(13),
                                              .aud = stmt.column_text(15),
                                              .session_hash = stmt.column_optional_text(16)},
                    .used_at = stmt.column_optional_int64(14)};
}

CodeFailure failure(CodeError error, const AuthorizationCode& code) {
  CodeFailure out{.error = error, .client_id = code.client_id};
  if (error == CodeError::used) out.grant_id = code.grant_id;
  return out;
}

// Runs on the writer thread, inside the batch transaction: nothing else writes between the read
// and the UPDATE, and the UPDATE's `used_at IS NULL` would refuse a second marking regardless.
StoreStatus redeem_checked(Connection& conn, const std::string& code_hash, std::int64_t now,
                   std::optional<ConsumeOutcome>& outcome) {
  auto stored = load(conn, code_hash);
  if (!stored) {
    if (stored.error() != StoreStatus::not_found) return stored.error();
    outcome = unexpected(CodeFailure{.error = CodeError::unknown});
    return StoreStatus::ok;
  }
  const AuthorizationCode& code = stored->code;
  // RFC 6749 §4.1.2: a code is used once; a second use must be refused and SHOULD revoke what
  // the first one issued, so reuse is reported (with its grant) ahead of expiry.
  if (stored->used_at) {
    outcome = unexpected(failure(CodeError::used, code));
    return StoreStatus::ok;
  }
  // RFC 6749 §4.1.2: short-lived; expires_at is the first second the code is no longer valid.
  if (now >= code.expires_at) {
    outcome = unexpected(failure(CodeError::expired, code));
    return StoreStatus::ok;
  }
  const StoreStatus marked = conn.prepare(
                                     "UPDATE authorization_codes SET used_at = ? "
                                     "WHERE code_hash = ? AND used_at IS NULL")
                                 .bind(1, now)
                                 .bind(2, code_hash)
                                 .run();
  if (marked != StoreStatus::ok) return marked;
  if (conn.changes() != 1) {
    outcome = unexpected(failure(CodeError::used, code));
    return StoreStatus::ok;
  }
  outcome = std::move(stored->code);
  return StoreStatus::ok;
}

}  // namespace

void SqliteCodeStore::create(std::string code_hash, AuthorizationCode code, store::DoneFn done) {
  db_.write(
      [code_hash = std::move(code_hash), code = std::move(code)](Connection& conn) {
        auto stmt = conn.prepare(
            "INSERT INTO authorization_codes(code_hash, grant_id, client_id, redirect_uri, "
            "redirect_uri_sent, code_challenge, nonce, user_id, fhir_user, user_name, auth_time, "
            "scope, context_json, issued_at, expires_at, aud, session_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        stmt.bind(1, code_hash)
            .bind(2, code.grant_id)
            .bind(3, code.client_id)
            .bind(4, code.redirect_uri)
            .bind(5, std::int64_t{code.redirect_uri_sent ? 1 : 0})
            .bind(6, code.code_challenge)
            .bind_optional(7, code.nonce);
        return stmt.bind(8, code.user_id)
            .bind(9, code.fhir_user)
            .bind(10, code.user_name)
            .bind(11, code.auth_time)
            .bind(12, code.scope)
            .bind_optional(13, code.context_json)
            .bind(14, code.issued_at)
            .bind(15, code.expires_at)
            .bind(16, code.aud)
            .bind_optional(17, code.session_hash)
            .run();
      },
      std::move(done));
}

void SqliteCodeStore::consume(std::string code_hash, std::int64_t now, ConsumeCodeFn done) {
  // Set by the write and read by its DoneFn, both on the writer thread, one after the other.
  auto outcome = std::make_shared<std::optional<ConsumeOutcome>>();
  db_.write([code_hash = std::move(code_hash), now,
             outcome](Connection& conn) { return redeem_checked(conn, code_hash, now, *outcome); },
            [outcome, done = std::move(done)](StoreStatus status) {
              if (!done) return;
              // Only a committed write counts: a code marked used in a batch that failed to commit
              // is still unused on disk, and the caller must not issue tokens for it.
              if (status != StoreStatus::ok || !outcome->has_value()) {
                done(unexpected(CodeFailure{.error = CodeError::store_error}));
                return;
              }
              done(std::move(**outcome));
            });
}

Expected<StoredCode, StoreStatus> SqliteCodeStore::find(std::string_view code_hash) {
  return db_.read([code_hash](Connection& conn) { return load(conn, std::string(code_hash)); });
}

store::Database::WriteFn SqliteCodeStore::redeem(std::string code_hash, std::int64_t now) {
  return [code_hash = std::move(code_hash), now](Connection& conn) {
    // RFC 6749 §4.1.2: used once, and only before expires_at (the first second it is invalid).
    const StoreStatus marked = conn.prepare(
                                       "UPDATE authorization_codes SET used_at = ? "
                                       "WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?")
                                   .bind(1, now)
                                   .bind(2, code_hash)
                                   .bind(3, now)
                                   .run();
    if (marked != StoreStatus::ok) return marked;
    return conn.changes() == 1 ? StoreStatus::ok : StoreStatus::conflict;
  };
}

void SqliteCodeStore::delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) {
  db_.write_counting(
      [now, limit](Connection& conn) {
        // Bounded so one purge never holds the writer (and every request waiting on it) for long.
        return conn
            .prepare(
                "DELETE FROM authorization_codes WHERE rowid IN (SELECT rowid FROM "
                "authorization_codes WHERE expires_at <= ? LIMIT ?)")
            .bind(1, now)
            .bind(2, std::int64_t{limit})
            .run();
      },
      std::move(done));
}

}  // namespace sa::authorize
