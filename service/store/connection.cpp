#include "store/connection.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "store/buffered_wal_vfs.hpp"

namespace sa::store {

StoreStatus status_from_sqlite(int extended_code) {
  switch (extended_code & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return StoreStatus::ok;
    case SQLITE_CONSTRAINT:
      // Only a duplicate key is a domain conflict (kid taken, code replayed); CHECK, NOT NULL
      // and FOREIGN KEY failures mean the caller passed bad data.
      if (extended_code == SQLITE_CONSTRAINT_UNIQUE ||
          extended_code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return StoreStatus::conflict;
      }
      return StoreStatus::constraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreStatus::busy;
    default:
      return StoreStatus::io_error;
  }
}

// ---- Statement ----

Statement::Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use, StoreStatus status)
    : conn_(conn), stmt_(stmt), in_use_(in_use), status_(status) {}

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      status_(other.status_),
      done_(other.done_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (in_use_ != nullptr) {
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

void Statement::fail(int code) {
  if (status_ == StoreStatus::ok) status_ = status_from_sqlite(code);
  if (status_ == StoreStatus::ok) status_ = StoreStatus::io_error;  // misuse reported as OK
  conn_->record_error(code);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (stmt_ == nullptr || status_ != StoreStatus::ok) return *this;
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (stmt_ == nullptr || status_ != StoreStatus::ok) return *this;
  // A null data() would bind SQL NULL, not ''.
  const char* data = text.data() != nullptr ? text.data() : "";
  const int rc =
      sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  if (value) return bind(index, *value);
  if (stmt_ == nullptr || status_ != StoreStatus::ok) return *this;
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& text) {
  if (text) return bind(index, std::string_view(*text));
  return bind(index, std::optional<std::int64_t>());
}

bool Statement::step() {
  if (stmt_ == nullptr || status_ != StoreStatus::ok || done_) return false;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  done_ = true;
  if (rc != SQLITE_DONE) fail(rc);
  return false;
}

StoreStatus Statement::run() {
  while (step()) {
  }
  return status_;
}

std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt_, column);
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return column_text(column);
}

// ---- Connection ----

Expected<std::unique_ptr<Connection>, std::string> Connection::open(
    const std::string& path, const ConnectionOptions& options) {
  // NOMUTEX: a connection is never used by two threads at once, so SQLite need not lock it.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  const char* vfs = nullptr;  // the default
  if (options.buffered_wal) {
    vfs = buffered_wal_vfs();
    if (vfs == nullptr) return unexpected("cannot open database " + path + ": SQLite has no VFS");
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path + ": " +
                          (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);  // SQLite allocates a handle even when opening fails
    return unexpected(std::move(message));
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db,
                       static_cast<int>(std::min<std::uint32_t>(options.busy_timeout_ms, INT_MAX)));

  auto failed = [&](std::string_view what) {
    return unexpected("cannot configure database " + path + " (" + std::string(what) +
                      "): " + conn->last_error());
  };
  if (options.wal) {
    // journal_mode answers with the mode now in effect; anything but "wal" (a read-only medium,
    // a network file system) would silently lose the readers-never-wait property.
    auto stmt = conn->prepare("PRAGMA journal_mode=WAL");
    if (!stmt.step()) return failed("journal_mode=WAL");
    if (const std::string mode = stmt.column_text(0); mode != "wal") {
      return unexpected("database " + path + " cannot use WAL journaling (journal_mode is " + mode +
                        ")");
    }
  }
  // synchronous=FULL: a committed write survives power loss, which a signing key or a consumed
  // authorization code must.
  if (conn->exec("PRAGMA synchronous=FULL") != StoreStatus::ok) return failed("synchronous");
  if (conn->exec("PRAGMA foreign_keys=ON") != StoreStatus::ok) return failed("foreign_keys");
  // For a SAVEPOINT (a batch run write by write, Database::run_guarded) and for any statement
  // that may fail midway (an INSERT with a unique index), SQLite keeps the original of every page
  // touched in a statement journal. That journal spills to a temporary file once a transaction's
  // writes pass 64 KiB, and a batch of token requests always does: every page was then written
  // twice, once to the journal and once to the WAL (measured: half of all pwrite calls under a
  // refresh load). In memory it is emptied whenever a statement ends or a SAVEPOINT is released,
  // so it holds one write's pages at most. It is scratch for rolling back one write, never
  // needed after a crash.
  if (conn->exec("PRAGMA temp_store=MEMORY") != StoreStatus::ok) return failed("temp_store");
  if (options.query_only && conn->exec("PRAGMA query_only=ON") != StoreStatus::ok) {
    return failed("query_only");
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Statement Connection::prepare(std::string_view sql) {
  if (sql.empty()) {
    record_error(SQLITE_MISUSE, "prepare() takes exactly one SQL statement");
    return Statement(this, nullptr, nullptr, StoreStatus::io_error);
  }
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(this, it->second.stmt, &it->second.in_use, StoreStatus::ok);
  }
  const bool cache = it == cache_.end();
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
  if (rc != SQLITE_OK) {
    record_error(rc);
    sqlite3_finalize(stmt);
    return Statement(this, nullptr, nullptr, status_from_sqlite(rc));
  }
  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (stmt == nullptr || rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    sqlite3_finalize(stmt);
    record_error(SQLITE_MISUSE, "prepare() takes exactly one SQL statement");
    return Statement(this, nullptr, nullptr, StoreStatus::io_error);
  }
  if (!cache) return Statement(this, stmt, nullptr, StoreStatus::ok);  // same SQL leased already
  auto slot = cache_.emplace(std::string(sql), CachedStatement{stmt, true}).first;
  return Statement(this, stmt, &slot->second.in_use, StoreStatus::ok);
}

StoreStatus Connection::exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) record_error(rc, message);
  sqlite3_free(message);
  return status_from_sqlite(rc);
}

StoreStatus Connection::run(std::string_view sql) { return prepare(sql).run(); }

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

std::int64_t Connection::total_changes() const { return sqlite3_total_changes64(db_); }

void Connection::on_wal_commit(std::function<void(std::int64_t frames)> committed) {
  wal_committed_ = std::move(committed);
  // sqlite3_wal_hook replaces the hook sqlite3_wal_autocheckpoint installs: no more automatic
  // checkpoints on this connection.
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int frames) {
        auto* conn = static_cast<Connection*>(self);
        if (conn->wal_committed_) conn->wal_committed_(frames);
        return SQLITE_OK;
      },
      this);
}

StoreStatus Connection::checkpoint_passive(CheckpointFrames* frames) {
  int in_wal = 0;
  int in_database = 0;
  const int rc =
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &in_wal, &in_database);
  if (rc != SQLITE_OK) {
    record_error(rc);
  } else if (frames != nullptr) {
    *frames = CheckpointFrames{.in_wal = in_wal, .in_database = in_database};
  }
  return status_from_sqlite(rc);
}

std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

void Connection::record_error(int code, const char* message) {
  last_error_code_ = code;
  last_error_ = message != nullptr ? message : sqlite3_errmsg(db_);
}

}  // namespace sa::store
