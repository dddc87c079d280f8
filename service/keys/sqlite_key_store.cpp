#include "keys/sqlite_key_store.hpp"

#include <utility>

namespace sa::keys {

using store::Connection;
using store::DoneFn;
using store::StoreStatus;

Expected<std::vector<SigningKeyRecord>, StoreStatus> SqliteKeyStore::list_keys() {
  return db_.read([](Connection& conn) -> Expected<std::vector<SigningKeyRecord>, StoreStatus> {
    auto stmt = conn.prepare(
        "SELECT kid, alg, private_pem, created_at, retire_at, expire_at FROM signing_keys "
        "ORDER BY created_at, kid");
    std::vector<SigningKeyRecord> keys;
    while (stmt.step()) {
      keys.push_back(SigningKeyRecord{.kid = stmt.column_text(0),
                                      .alg = stmt.column_text(1),
                                      .private_pem = stmt.column_text(2),
                                      .created_at = stmt.column_int64(3),
                                      .retire_at = stmt.column_optional_int64(4),
                                      .expire_at = stmt.column_optional_int64(5)});
    }
    if (stmt.status() != StoreStatus::ok) return unexpected(stmt.status());
    return keys;
  });
}

void SqliteKeyStore::add_key(SigningKeyRecord key, DoneFn done) {
  db_.write(
      [key = std::move(key)](Connection& conn) {
        return conn
            .prepare(
                "INSERT INTO signing_keys(kid, alg, private_pem, created_at, retire_at, "
                "expire_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, key.kid)
            .bind(2, key.alg)
            .bind(3, key.private_pem)
            .bind(4, key.created_at)
            .bind(5, key.retire_at)
            .bind(6, key.expire_at)
            .run();
      },
      std::move(done));
}

void SqliteKeyStore::retire_keys(std::string alg, std::int64_t retire_at, std::int64_t expire_at,
                                 DoneFn done) {
  db_.write(
      [alg = std::move(alg), retire_at, expire_at](Connection& conn) {
        return conn
            .prepare(
                "UPDATE signing_keys SET retire_at = ?, expire_at = ? "
                "WHERE alg = ? AND retire_at IS NULL")
            .bind(1, retire_at)
            .bind(2, expire_at)
            .bind(3, alg)
            .run();
      },
      std::move(done));
}

void SqliteKeyStore::delete_expired_keys(std::int64_t now, DoneFn done) {
  db_.write(
      [now](Connection& conn) {
        return conn.prepare("DELETE FROM signing_keys WHERE expire_at <= ?").bind(1, now).run();
      },
      std::move(done));
}

}  // namespace sa::keys
