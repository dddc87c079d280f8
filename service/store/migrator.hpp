// Brings a database's schema up to the migrations this binary carries: each not-yet-applied
// migration runs in version order inside its own transaction, together with its
// schema_migrations row. It refuses a database newer than the list and never downgrades.
// Migration SQL must not contain BEGIN/COMMIT or statements that cannot run in a transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/connection.hpp"
#include "util/expected.hpp"

namespace sa::store {

struct Migration {
  std::int64_t version = 0;  // NNNN of migrations/NNNN_name.sql, from 1
  std::string name;
  std::string sql;
};

// Every migrations/*.sql, compiled in at build time (see embed_migrations.cmake), sorted.
const std::vector<Migration>& embedded_migrations();

struct MigrationReport {
  std::int64_t from_version = 0;  // 0 = empty database
  std::int64_t to_version = 0;
  std::vector<std::int64_t> applied;
};

class Migrator {
 public:
  explicit Migrator(std::vector<Migration> migrations);

  // now is recorded as applied_at (seconds since the epoch). An error names the migration
  // (e.g. "0003_tokens") and SQLite's message; the failed migration has been rolled back.
  Expected<MigrationReport, std::string> run(Connection& conn, std::int64_t now) const;

 private:
  std::vector<Migration> migrations_;  // sorted by version
};

}  // namespace sa::store
