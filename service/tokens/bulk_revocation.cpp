#include "tokens/bulk_revocation.hpp"

#include <array>

namespace sa::tokens {
namespace {

using store::Connection;
using store::StoreStatus;

struct Statements {
  const char* grants;
  const char* refresh_tokens;
  const char* access_tokens;
  const char* codes;
  const char* sessions;  // nullptr: none for this holder
  const char* cutoff;    // nullptr: none for this holder
};

// Each statement takes (now, id), or (id) for the deletes. Refresh and access tokens are
// reached through the holder's grants (migrations/0008_grants.sql); a client's
// client_credentials tokens have no grant, so a client's access tokens are taken by client_id.
// Revoking the grants already ends their tokens (the stores read grants.revoked_at with each
// token, migration 0009); the token rows are stamped as well so the counts say what ended. Those
// two statements scan refresh_tokens and access_tokens (no grant_id index since 0009): an
// operator's incident command may take that time, a request could not.
constexpr Statements kClient{
    "UPDATE grants SET revoked_at = ?1 WHERE client_id = ?2 AND revoked_at IS NULL",
    "UPDATE refresh_tokens SET retired_at = ?1 WHERE retired_at IS NULL AND grant_id IN "
    "(SELECT grant_id FROM grants WHERE client_id = ?2)",
    "UPDATE access_tokens SET revoked_at = ?1 WHERE client_id = ?2 AND revoked_at IS NULL",
    "DELETE FROM authorization_codes WHERE client_id = ?1 AND used_at IS NULL",
    nullptr,
    // Only for a client that exists (its foreign key), and only ever moved forward.
    "INSERT INTO client_token_cutoffs(client_id, revoked_before) "
    "SELECT client_id, ?1 FROM clients WHERE client_id = ?2 "
    "ON CONFLICT(client_id) DO UPDATE SET revoked_before = "
    "max(revoked_before, excluded.revoked_before)"};
constexpr Statements kUser{
    "UPDATE grants SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
    "UPDATE refresh_tokens SET retired_at = ?1 WHERE retired_at IS NULL AND grant_id IN "
    "(SELECT grant_id FROM grants WHERE user_id = ?2)",
    "UPDATE access_tokens SET revoked_at = ?1 WHERE revoked_at IS NULL AND grant_id IN "
    "(SELECT grant_id FROM grants WHERE user_id = ?2)",
    "DELETE FROM authorization_codes WHERE user_id = ?1 AND used_at IS NULL",
    "DELETE FROM login_sessions WHERE user_id = ?1",
    nullptr};

StoreStatus stamp(Connection& conn, const char* sql, std::int64_t now, const std::string& id,
                  std::int64_t* count) {
  const StoreStatus status = conn.prepare(sql).bind(1, now).bind(2, id).run();
  if (status == StoreStatus::ok) *count = conn.changes();
  return status;
}

StoreStatus erase(Connection& conn, const char* sql, const std::string& id, std::int64_t* count) {
  const StoreStatus status = conn.prepare(sql).bind(1, id).run();
  if (status == StoreStatus::ok) *count = conn.changes();
  return status;
}

}  // namespace

store::Database::WriteFn revoke_everything_of(Holder holder, std::string id, std::int64_t now,
                                              std::shared_ptr<RevocationCounts> counts) {
  return [holder, id = std::move(id), now, counts = std::move(counts)](Connection& conn) {
    const Statements& sql = holder == Holder::client ? kClient : kUser;
    RevocationCounts made;
    // RFC 7009 §2.1 and RFC 6749 §10.4: the grant, its refresh tokens and the access tokens
    // issued from it end together. Refresh tokens are retired first, while the grants still
    // say which are live.
    StoreStatus status = stamp(conn, sql.refresh_tokens, now, id, &made.refresh_tokens);
    if (status == StoreStatus::ok) status = stamp(conn, sql.grants, now, id, &made.grants);
    if (status == StoreStatus::ok) status = stamp(conn, sql.access_tokens, now, id, &made.access_tokens);
    if (status == StoreStatus::ok) status = erase(conn, sql.codes, id, &made.codes);
    if (status == StoreStatus::ok && sql.sessions != nullptr) {
      status = erase(conn, sql.sessions, id, &made.sessions);
    }
    if (status == StoreStatus::ok && sql.cutoff != nullptr) {
      status = stamp(conn, sql.cutoff, now, id, &made.cutoffs);
    }
    if (status == StoreStatus::ok) *counts = made;
    return status;
  };
}

}  // namespace sa::tokens
