#include <utility>

#include "clientauth/replay_store.hpp"
#include "crypto/hash.hpp"

namespace sa::clientauth {

store::Database::WriteFn SqliteReplayStore::claim(std::string client_id, std::string_view jti,
                                                  std::int64_t last_acceptable_at,
                                                  std::int64_t now) {
  // The column expires_at holds the last second the jti blocks (inclusive).
  return
      [client_id = std::move(client_id), jti_hash = crypto::sha256_b64url(jti),
       expires_at = last_acceptable_at, now](store::Connection& conn) {
        // An entry strictly past its last second (but not yet swept) no longer blocks the jti:
        // the assertion that carried it can no longer be accepted. At that very second it can,
        // so it still blocks (RFC 7523 §3 item 7).
        auto status = conn.prepare(
                              "INSERT INTO assertion_jtis(client_id, jti_hash, expires_at) "
                              "VALUES (?, ?, ?) ON CONFLICT(client_id, jti_hash) DO UPDATE SET "
                              "expires_at = excluded.expires_at "
                              "WHERE assertion_jtis.expires_at < ?")
                          .bind(1, client_id)
                          .bind(2, jti_hash)
                          .bind(3, expires_at)
                          .bind(4, now)
                          .run();
        if (status != store::StoreStatus::ok) return status;
        // RFC 7523 §3 item 7: a jti seen before within its lifetime is a replay.
        return conn.changes() == 0 ? store::StoreStatus::conflict : store::StoreStatus::ok;
      };
}

void SqliteReplayStore::commit_alone(store::Database::WriteFn claim, store::DoneFn done) {
  db_.write(std::move(claim), std::move(done));
}

void SqliteReplayStore::delete_expired(std::int64_t now, std::uint32_t limit,
                                       store::DoneFn done) {
  db_.write(
      [now, limit](store::Connection& conn) {
        // Bounded so one purge never holds the writer (and every request waiting on it) for long.
        // WITHOUT ROWID: the slice is chosen by the primary key (client_id, jti_hash).
        return conn
            .prepare(
                "DELETE FROM assertion_jtis WHERE (client_id, jti_hash) IN (SELECT client_id, "
                "jti_hash FROM assertion_jtis WHERE expires_at < ? LIMIT ?)")
            .bind(1, now)
            .bind(2, std::int64_t{limit})
            .run();
      },
      std::move(done));
}

}  // namespace sa::clientauth
