// The statements the SQLite grant and token stores both run, written once: stamping a revocation
// or retirement time, and purging a bounded slice of expired rows.
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
