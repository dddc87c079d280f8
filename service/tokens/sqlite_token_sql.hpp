// The statements the SQLite grant and token stores both run, written once: stamping a revocation
// or retirement time, ending a grant's access tokens and purging a bounded slice of expired rows.
// Internal to sa_tokens.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/connection.hpp"
#include "store/database.hpp"

namespace sa::tokens::sql {

// Runs an UPDATE that stamps a time column still NULL: `statement` takes the time, then the
// key of the rows. A time already set is kept (the first revocation or retirement wins).
inline store::StoreStatus stamp_unset(store::Connection& conn, const char* statement,
                                      std::int64_t now, const std::string& key) {
  return conn.prepare(statement).bind(1, now).bind(2, key).run();
}

// RFC 7009 §2.1: every access token issued from the grant ends with it. The first revocation
// time is kept.
inline store::StoreStatus revoke_grant_access_tokens(store::Connection& conn,
                                                     const std::string& grant_id,
                                                     std::int64_t now) {
  return stamp_unset(conn,
                     "UPDATE access_tokens SET revoked_at = ? "
                     "WHERE grant_id = ? AND revoked_at IS NULL",
                     now, grant_id);
}

// The write that purges a bounded slice of expired rows: `statements` run in order, each taking
// the cut-off time and the slice size; the first failure ends the write. Bounded so one purge
// never holds the writer (and every request waiting on it) for long.
inline store::Database::WriteFn purge_expired(std::vector<const char*> statements, std::int64_t now,
                                              std::uint32_t limit) {
  return [statements = std::move(statements), now, limit](store::Connection& conn) {
    for (const char* statement : statements) {
      const store::StoreStatus status =
          conn.prepare(statement).bind(1, now).bind(2, std::int64_t{limit}).run();
      if (status != store::StoreStatus::ok) return status;
    }
    return store::StoreStatus::ok;
  };
}

}  // namespace sa::tokens::sql
