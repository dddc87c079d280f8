#include "store/migrator.hpp"

#include <algorithm>
#include <set>

#include "store/transaction.hpp"

namespace sa::store {
namespace {

std::string label(const Migration& m) {
  std::string version = std::to_string(m.version);
  if (version.size() < 4) version.insert(0, 4 - version.size(), '0');  // as in the file name
  return version + "_" + m.name;
}

Expected<std::set<std::int64_t>, std::string> applied_versions(Connection& conn) {
  std::set<std::int64_t> versions;
  auto stmt = conn.prepare("SELECT version FROM schema_migrations");
  while (stmt.step()) versions.insert(stmt.column_int64(0));
  if (stmt.status() != StoreStatus::ok) {
    return unexpected("cannot read schema_migrations: " + conn.last_error());
  }
  return versions;
}

// Runs one migration and records it, all in one transaction. Another process may have applied
// it since we looked, so the check is repeated under the write lock.
Expected<bool, std::string> apply(Connection& conn, const Migration& m, std::int64_t now) {
  auto failed = [&](const std::string& what) {
    return unexpected("migration " + label(m) + " failed and was rolled back: " + what);
  };
  auto tx = Transaction::begin(conn, Transaction::Mode::immediate);
  if (!tx) return failed("cannot begin a transaction: " + conn.last_error());

  auto done = conn.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
  done.bind(1, m.version);
  const bool already_applied = done.step();
  if (done.status() != StoreStatus::ok) return failed(conn.last_error());
  if (already_applied) return false;

  if (conn.exec(m.sql) != StoreStatus::ok) return failed(conn.last_error());
  if (!conn.in_transaction()) return failed("its SQL ended the transaction (BEGIN/COMMIT?)");

  // foreign_keys=ON cannot be switched off inside a transaction, so a migration that rebuilds a
  // table might leave dangling references; refuse to commit them.
  auto fk = conn.prepare("PRAGMA foreign_key_check");
  if (fk.step())
    return failed("it leaves rows violating a FOREIGN KEY (table " + fk.column_text(0) + ")");
  if (fk.status() != StoreStatus::ok) return failed(conn.last_error());

  auto record =
      conn.prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)");
  if (record.bind(1, m.version).bind(2, m.name).bind(3, now).run() != StoreStatus::ok) {
    return failed(conn.last_error());
  }
  if (tx->commit() != StoreStatus::ok) return failed("COMMIT: " + conn.last_error());
  return true;
}

}  // namespace

Migrator::Migrator(std::vector<Migration> migrations) : migrations_(std::move(migrations)) {
  std::stable_sort(migrations_.begin(), migrations_.end(),
                   [](const Migration& a, const Migration& b) { return a.version < b.version; });
}

Expected<MigrationReport, std::string> Migrator::run(Connection& conn, std::int64_t now) const {
  for (std::size_t i = 0; i < migrations_.size(); ++i) {
    if (migrations_[i].version < 1)
      return unexpected("migration " + label(migrations_[i]) + ": versions start at 1");
    if (i > 0 && migrations_[i].version == migrations_[i - 1].version) {
      return unexpected("two migrations have version " + std::to_string(migrations_[i].version));
    }
  }
  if (conn.exec("CREATE TABLE IF NOT EXISTS schema_migrations("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)") !=
      StoreStatus::ok) {
    return unexpected("cannot create schema_migrations: " + conn.last_error());
  }
  auto applied = applied_versions(conn);
  if (!applied) return unexpected(applied.error());

  MigrationReport report;
  report.from_version = applied->empty() ? 0 : *applied->rbegin();
  const std::int64_t known = migrations_.empty() ? 0 : migrations_.back().version;
  if (report.from_version > known) {
    return unexpected("database schema version " + std::to_string(report.from_version) +
                      " is newer than this binary knows (" + std::to_string(known) +
                      "); upgrade smart-auth or restore a backup");
  }
  for (const Migration& m : migrations_) {
    if (applied->count(m.version) != 0) continue;
    auto ran = apply(conn, m, now);
    if (!ran) return unexpected(ran.error());
    if (*ran) report.applied.push_back(m.version);
  }
  report.to_version = std::max(report.from_version, known);
  return report;
}

}  // namespace sa::store
