// Copies of a whole database file, for `smart-auth backup` and `restore`: a consistent snapshot
// through SQLite's online backup API (safe while a server reads and writes the file: WAL lets
// the copy read one snapshot without blocking the writer), and the checks that tell a restorable
// smart-auth database from anything else. No locking of the live file here (database_lock.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "util/expected.hpp"

namespace sa::store {

struct DatabaseFacts {
  std::int64_t schema_version = 0;  // highest applied migration
  std::int64_t clients = 0;         // rows in clients, for the operator's eyes
  std::int64_t pages = 0;
};

// Copies `source` into the new file `destination` (0600; an existing file is an error) in one
// backup step, so the copy is one committed snapshot of the source, then checks the copy with
// inspect_database. busy_timeout_ms bounds the wait for a lock the writer holds.
Expected<DatabaseFacts, std::string> backup_database(const std::string& source,
                                                     const std::string& destination,
                                                     std::uint32_t busy_timeout_ms);

// Opens `path` read-only and checks that it is a smart-auth database this binary can use:
// PRAGMA integrity_check says ok, schema_migrations exists, and its version is at most
// `max_schema_version`. The error is a sentence for the operator.
Expected<DatabaseFacts, std::string> inspect_database(const std::string& path,
                                                      std::int64_t max_schema_version);

// Folds the WAL of the database at `path` into the file and removes the -wal and -shm files, so
// the file alone is the whole database. Only with no other process using it (database_lock.hpp).
Expected<bool, std::string> settle_database(const std::string& path, std::uint32_t busy_timeout_ms);

}  // namespace sa::store
