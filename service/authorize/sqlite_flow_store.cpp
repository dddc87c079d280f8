#include "authorize/sqlite_flow_store.hpp"

#include <utility>

namespace sa::authorize {
namespace {

using store::Connection;
using store::StoreStatus;

// After an UPDATE or DELETE by key: not_found when it matched no row.
StoreStatus matched_one(Connection& conn, StoreStatus status) {
  if (status != StoreStatus::ok) return status;
  return conn.changes() > 0 ? StoreStatus::ok : StoreStatus::not_found;
}

}  // namespace

void SqliteFlowStore::create_transaction(std::string id_hash, TransactionRow row,
                                         store::DoneFn done) {
  db_.write(
      [id_hash = std::move(id_hash), row = std::move(row)](Connection& conn) {
        return conn
            .prepare(
                "INSERT INTO authorize_transactions(id_hash, state_json, expires_at) "
                "VALUES (?, ?, ?)")
            .bind(1, id_hash)
            .bind(2, row.state_json)
            .bind(3, row.expires_at)
            .run();
      },
      std::move(done));
}

Expected<TransactionRow, StoreStatus> SqliteFlowStore::find_transaction(std::string_view id_hash,
                                                                        std::int64_t now) {
  return db_.read([id_hash, now](Connection& conn) -> Expected<TransactionRow, StoreStatus> {
    // RFC 9700 §4.7: short-lived; an expired transaction is as good as absent, purged or not.
    auto stmt = conn.prepare(
        "SELECT state_json, expires_at FROM authorize_transactions "
        "WHERE id_hash = ? AND expires_at > ?");
    stmt.bind(1, id_hash).bind(2, now);
    if (!stmt.step()) return unexpected(stmt.no_row());
    return TransactionRow{.state_json = stmt.column_text(0), .expires_at = stmt.column_int64(1)};
  });
}

void SqliteFlowStore::update_transaction(std::string id_hash, std::string state_json,
                                         store::DoneFn done) {
  db_.write(
      [id_hash = std::move(id_hash), state_json = std::move(state_json)](Connection& conn) {
        // expires_at stays: moving through the pages never extends the transaction's life.
        return matched_one(conn, conn.prepare("UPDATE authorize_transactions SET state_json = ? "
                                              "WHERE id_hash = ?")
                                     .bind(1, state_json)
                                     .bind(2, id_hash)
                                     .run());
      },
      std::move(done));
}

void SqliteFlowStore::finish_transaction(std::string id_hash, store::DoneFn done) {
  db_.write(
      [id_hash = std::move(id_hash)](Connection& conn) {
        // Single use: of two finishes only the one whose DELETE removed the row sees ok, because
        // the writer runs one write at a time.
        return matched_one(conn,
                           conn.prepare("DELETE FROM authorize_transactions WHERE id_hash = ?")
                               .bind(1, id_hash)
                               .run());
      },
      std::move(done));
}

void SqliteFlowStore::create_session(std::string id_hash, LoginSession session,
                                     store::DoneFn done) {
  db_.write(
      [id_hash = std::move(id_hash), session = std::move(session)](Connection& conn) {
        return conn
            .prepare(
                "INSERT INTO login_sessions(id_hash, user_id, auth_time, last_seen, expires_at) "
                "VALUES (?, ?, ?, ?, ?)")
            .bind(1, id_hash)
            .bind(2, session.user_id)
            .bind(3, session.auth_time)
            .bind(4, session.last_seen)
            .bind(5, session.expires_at)
            .run();
      },
      std::move(done));
}

Expected<LoginSession, StoreStatus> SqliteFlowStore::find_session(std::string_view id_hash,
                                                                  std::int64_t now,
                                                                  std::int64_t idle_timeout_s) {
  return db_.read(
      [id_hash, now, idle_timeout_s](Connection& conn) -> Expected<LoginSession, StoreStatus> {
        // Two deadlines (issue 7: configurable lifetime and idle timeout): the lifetime counted
        // from the login, and the idle timeout counted from the last use.
        auto stmt = conn.prepare(
            "SELECT user_id, auth_time, last_seen, expires_at FROM login_sessions "
            "WHERE id_hash = ? AND expires_at > ? AND last_seen > ?");
        stmt.bind(1, id_hash).bind(2, now).bind(3, now - idle_timeout_s);
        if (!stmt.step()) return unexpected(stmt.no_row());
        return LoginSession{.user_id = stmt.column_text(0),
                            .auth_time = stmt.column_int64(1),
                            .last_seen = stmt.column_int64(2),
                            .expires_at = stmt.column_int64(3)};
      });
}

void SqliteFlowStore::touch_session(std::string id_hash, std::int64_t now, store::DoneFn done) {
  db_.write(
      [id_hash = std::move(id_hash), now](Connection& conn) {
        // MAX: two requests finishing out of order must not move last_seen back.
        return matched_one(conn, conn.prepare("UPDATE login_sessions SET last_seen = "
                                              "MAX(last_seen, ?) WHERE id_hash = ?")
                                     .bind(1, now)
                                     .bind(2, id_hash)
                                     .run());
      },
      std::move(done));
}

void SqliteFlowStore::end_session(std::string id_hash, store::DoneFn done) {
  db_.write(
      [id_hash = std::move(id_hash)](Connection& conn) {
        return conn.prepare("DELETE FROM login_sessions WHERE id_hash = ?").bind(1, id_hash).run();
      },
      std::move(done));
}

Expected<std::string, StoreStatus> SqliteFlowStore::find_consent(std::string_view user_id,
                                                                 std::string_view client_id) {
  return db_.read([user_id, client_id](Connection& conn) -> Expected<std::string, StoreStatus> {
    auto stmt = conn.prepare("SELECT scope FROM consents WHERE user_id = ? AND client_id = ?");
    stmt.bind(1, user_id).bind(2, client_id);
    if (!stmt.step()) return unexpected(stmt.no_row());
    return stmt.column_text(0);
  });
}

void SqliteFlowStore::save_consent(std::string user_id, std::string client_id, std::string scope,
                                   std::int64_t now, store::DoneFn done) {
  db_.write(
      [user_id = std::move(user_id), client_id = std::move(client_id), scope = std::move(scope),
       now](Connection& conn) {
        // The latest approval replaces the earlier one: a scope the user unticked this time is
        // no longer remembered as approved.
        return conn
            .prepare(
                "INSERT INTO consents(user_id, client_id, scope, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(user_id, client_id) DO UPDATE SET scope = excluded.scope, "
                "updated_at = excluded.updated_at")
            .bind(1, user_id)
            .bind(2, client_id)
            .bind(3, scope)
            .bind(4, now)
            .run();
      },
      std::move(done));
}

void SqliteFlowStore::delete_expired(std::int64_t now, std::int64_t idle_timeout_s,
                                     std::uint32_t limit, store::PurgedFn done) {
  db_.write_counting(
      [now, idle_timeout_s, limit](Connection& conn) {
        // Bounded slices so one purge never holds the writer (and every request waiting on it)
        // for long; the deadlines are the ones find_transaction and find_session apply.
        const StoreStatus transactions =
            conn.prepare(
                    "DELETE FROM authorize_transactions WHERE rowid IN (SELECT rowid FROM "
                    "authorize_transactions WHERE expires_at <= ? LIMIT ?)")
                .bind(1, now)
                .bind(2, std::int64_t{limit})
                .run();
        if (transactions != StoreStatus::ok) return transactions;
        return conn
            .prepare(
                "DELETE FROM login_sessions WHERE id_hash IN (SELECT id_hash FROM login_sessions "
                "WHERE expires_at <= ? OR last_seen <= ? LIMIT ?)")
            .bind(1, now)
            .bind(2, now - idle_timeout_s)
            .bind(3, std::int64_t{limit})
            .run();
      },
      std::move(done));
}

}  // namespace sa::authorize
