// The closed set of outcomes of a storage operation, and the callback type of asynchronous
// writes. Callers translate a StoreStatus at their own boundary (a grant maps not_found to
// invalid_grant and anything unexpected to server_error); nothing here knows about OAuth.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace sa::store {

enum class StoreStatus {
  ok,
  not_found,   // no row matched
  conflict,    // a UNIQUE or PRIMARY KEY constraint rejected the write (duplicate id)
  constraint,  // a CHECK, NOT NULL or FOREIGN KEY constraint rejected the write: bad input or a bug
  busy,        // the database stayed locked for longer than busy_timeout
  io_error,    // anything else SQLite reported (disk, corruption, bad SQL), or a write op threw
  closed,      // the Database was closed before the write was accepted
};

std::string_view to_string(StoreStatus status);

// Called once per write with its outcome, after the batch holding it has been committed (or has
// failed). Runs on the writer thread: it must be cheap and must not block or call write_sync().
using DoneFn = std::function<void(StoreStatus)>;

// DoneFn for a purge (Database::write_counting): with the rows its write deleted, 0 unless it
// committed. Same rules as DoneFn.
using PurgedFn = std::function<void(StoreStatus, std::uint64_t rows)>;

}  // namespace sa::store
