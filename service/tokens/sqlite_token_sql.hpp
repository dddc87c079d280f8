// The statements the SQLite grant and token stores both run, written once: ending a grant's
// access tokens and purging a bounded slice of expired rows. Internal to sa_tokens.
#pragma once

#include <cstdint>
#include <string>

#include "store/connection.hpp"

namespace sa::tokens::sql {

// RFC 7009 §2.1: every access token issued from the grant ends with it. The first revocation
// time is kept.
inline store::StoreStatus revoke_grant_access_tokens(store::Connection& conn,
                                                     const std::string& grant_id,
                                                     std::int64_t now) {
  return conn
      .prepare(
          "UPDATE access_tokens SET revoked_at = ? "
          "WHERE grant_id = ? AND revoked_at IS NULL")
      .bind(1, now)
      .bind(2, grant_id)
      .run();
}

// Runs a purge `statement` whose two parameters are the cut-off time and the slice size.
// Bounded so one purge never holds the writer (and every request waiting on it) for long.
inline store::StoreStatus delete_expired_slice(store::Connection& conn, const char* statement,
                                               std::int64_t now, std::uint32_t limit) {
  return conn.prepare(statement).bind(1, now).bind(2, std::int64_t{limit}).run();
}

}  // namespace sa::tokens::sql
