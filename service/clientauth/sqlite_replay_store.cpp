#include <utility>

#include "clientauth/replay_store.hpp"
#include "crypto/hash.hpp"

namespace sa::clientauth {

Expected<std::unique_ptr<SqliteReplayStore>, store::StoreStatus> SqliteReplayStore::open(
    store::Database& db, std::int64_t now) {
  std::unique_ptr<SqliteReplayStore> replay(new SqliteReplayStore(db));
  const store::StoreStatus status = db.read([&](store::Connection& conn) {
    auto rows = conn.prepare(
        "SELECT client_id, jti_hash, last_acceptable_at FROM assertion_jti_log "
        "WHERE last_acceptable_at >= ?");
    rows.bind(1, now);
    while (rows.step()) {
      replay->memory_.restore(ReplayMemory::fingerprint(rows.column_text(0), rows.column_text(1)),
                              rows.column_int64(2), now);
    }
    return rows.status();
  });
  if (status != store::StoreStatus::ok) return unexpected(status);
  return replay;
}

store::Database::WriteFn SqliteReplayStore::claim(std::string client_id, std::string_view jti,
                                                  std::int64_t last_acceptable_at,
                                                  std::int64_t now) {
  std::string jti_hash = crypto::sha256_b64url(jti);
  // RFC 7523 §3 item 7: a jti seen before within its lifetime is a replay. An entry strictly past
  // its last second no longer blocks (the assertion that carried it can no longer be accepted);
  // at that very second it still does.
  if (!memory_.claim(ReplayMemory::fingerprint(client_id, jti_hash), last_acceptable_at, now)) {
    return [](store::Connection&) { return store::StoreStatus::conflict; };
  }
  // Appended: rows land on the log's last page, whatever the jti.
  return [client_id = std::move(client_id), jti_hash = std::move(jti_hash),
          last_acceptable_at](store::Connection& conn) {
    return conn
        .prepare(
            "INSERT INTO assertion_jti_log(client_id, jti_hash, last_acceptable_at) "
            "VALUES (?, ?, ?)")
        .bind(1, client_id)
        .bind(2, jti_hash)
        .bind(3, last_acceptable_at)
        .run();
  };
}

void SqliteReplayStore::commit_alone(store::Database::WriteFn claim, store::DoneFn done) {
  db_.write(std::move(claim), std::move(done));
}

void SqliteReplayStore::delete_expired(std::int64_t now, std::uint32_t limit,
                                       store::PurgedFn done) {
  db_.write_counting(
      [now, limit](store::Connection& conn) {
        // The oldest `limit` rows, those of them past their last second: bounded, so one purge
        // never holds the writer (and every request waiting on it) for long. A row that outlives
        // the rows logged after it holds them back at most until its own last second.
        return conn
            .prepare(
                "DELETE FROM assertion_jti_log WHERE seq IN (SELECT seq FROM (SELECT seq, "
                "last_acceptable_at FROM assertion_jti_log ORDER BY seq LIMIT ?) WHERE "
                "last_acceptable_at < ?)")
            .bind(1, std::int64_t{limit})
            .bind(2, now)
            .run();
      },
      std::move(done));
}

}  // namespace sa::clientauth
