#include "store/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "store/migrator.hpp"

namespace sa::store {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

Expected<Db, std::string> open_db(const std::string& path, int flags, std::uint32_t busy_ms) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return unexpected("cannot open " + path + ": " +
                      (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db.get(), static_cast<int>(busy_ms));
  return db;
}

// The first column of the first row of `sql`, as text; nullopt when there is no row.
Expected<std::optional<std::string>, std::string> scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    return unexpected(std::string(sqlite3_errmsg(db)));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(stmt, sqlite3_finalize);
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) return std::optional<std::string>{};
  if (rc != SQLITE_ROW) return unexpected(std::string(sqlite3_errmsg(db)));
  const auto* text = sqlite3_column_text(stmt, 0);
  return std::optional<std::string>(text == nullptr ? "" : reinterpret_cast<const char*>(text));
}

Expected<DatabaseFacts, std::string> inspect_open(sqlite3* db, const std::string& path,
                                                  std::int64_t max_version) {
  // SQLite's own check of every page, index and constraint (https://sqlite.org/pragma.html).
  auto integrity = scalar(db, "PRAGMA integrity_check");
  if (!integrity) return unexpected(path + " is not a readable SQLite database: " + integrity.error());
  if (!*integrity || **integrity != "ok") {
    return unexpected(path + " fails PRAGMA integrity_check: " + integrity->value_or("no answer"));
  }
  auto has_table =
      scalar(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!has_table || !*has_table) {
    return unexpected(path + " is not a smart-auth database (no schema_migrations table)");
  }
  DatabaseFacts facts;
  auto version = scalar(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!version || !*version) return unexpected(path + ": cannot read the schema version");
  facts.schema_version = std::stoll(**version);
  if (facts.schema_version > max_version) {
    return unexpected(path + " has schema version " + std::to_string(facts.schema_version) +
                      ", newer than this binary's " + std::to_string(max_version) +
                      ": use a newer smart-auth");
  }
  if (auto clients = scalar(db, "SELECT count(*) FROM clients"); clients && *clients) {
    facts.clients = std::stoll(**clients);
  }
  if (auto pages = scalar(db, "PRAGMA page_count"); pages && *pages) {
    facts.pages = std::stoll(**pages);
  }
  return facts;
}

std::int64_t binary_schema_version() {
  const auto& migrations = embedded_migrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

}  // namespace

Expected<DatabaseFacts, std::string> backup_database(const std::string& source,
                                                     const std::string& destination,
                                                     std::uint32_t busy_timeout_ms) {
  if (!std::filesystem::exists(source)) return unexpected("no database at " + source);
  // Owner-only before SQLite writes a byte: the copy holds private keys like the original.
  {
    const int fd = ::open(destination.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected("cannot create " + destination + " (does it exist?)");
    ::fchmod(fd, 0600);
    ::close(fd);
  }
  auto fail = [&destination](std::string message) {
    std::error_code ec;
    std::filesystem::remove(destination, ec);
    return unexpected(std::move(message));
  };
  {
    auto src = open_db(source, SQLITE_OPEN_READONLY, busy_timeout_ms);
    if (!src) return fail(src.error());
    auto dst = open_db(destination, SQLITE_OPEN_READWRITE, busy_timeout_ms);
    if (!dst) return fail(dst.error());
    sqlite3_backup* backup = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
    if (backup == nullptr) return fail("cannot start the backup: " + std::string(sqlite3_errmsg(dst->get())));
    // One step of every page: the copy reads a single snapshot. Smaller steps would restart
    // whenever the server commits in between, and might never finish under load.
    int rc = SQLITE_OK;
    do {
      rc = sqlite3_backup_step(backup, -1);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    const int finished = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE || finished != SQLITE_OK) {
      return fail("the backup failed: " + std::string(sqlite3_errstr(rc != SQLITE_DONE ? rc : finished)));
    }
    // The copy inherits WAL mode from the source's header; as a file on its own it is in
    // rollback-journal mode, so it needs no -wal or -shm beside it wherever it is moved.
    sqlite3_exec(dst->get(), "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
    auto facts = inspect_open(dst->get(), destination, binary_schema_version());
    if (!facts) return fail(facts.error());
    return facts;
  }
}

Expected<DatabaseFacts, std::string> inspect_database(const std::string& path,
                                                      std::int64_t max_schema_version) {
  if (!std::filesystem::is_regular_file(path)) return unexpected("no file at " + path);
  auto db = open_db(path, SQLITE_OPEN_READONLY, 5'000);
  if (!db) return unexpected(db.error());
  return inspect_open(db->get(), path, max_schema_version);
}

Expected<bool, std::string> settle_database(const std::string& path,
                                            std::uint32_t busy_timeout_ms) {
  if (!std::filesystem::exists(path)) return false;
  {
    auto db = open_db(path, SQLITE_OPEN_READWRITE, busy_timeout_ms);
    if (!db) return unexpected(db.error());
    if (sqlite3_exec(db->get(), "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
      return unexpected("cannot checkpoint " + path + ": " + sqlite3_errmsg(db->get()));
    }
  }  // the last connection to close removes the -wal and -shm files
  std::error_code ec;
  std::filesystem::remove(path + "-wal", ec);
  std::filesystem::remove(path + "-shm", ec);
  return true;
}

}  // namespace sa::store
