// RAII wrappers over one SQLite connection and the prepared statements it caches by SQL text.
// A Connection is used by one thread at a time (the Database hands them out); it knows nothing
// about tables. Errors keep SQLite's extended result code so a duplicate key becomes `conflict`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/status.hpp"
#include "util/expected.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace sa::store {

// Maps an extended SQLite result code to the store's closed set.
StoreStatus status_from_sqlite(int extended_code);

struct ConnectionOptions {
  std::uint32_t busy_timeout_ms = 5'000;
  bool create = false;      // create the file if missing
  bool wal = false;         // switch the file to WAL journaling (persists in the file)
  bool query_only = false;  // refuse writes: the read pool
  // WAL appends written once per commit (buffered_wal_vfs.hpp): the writer's connection.
  bool buffered_wal = false;
};

class Connection;

// A checkpoint's outcome in WAL frames (pages): how many the WAL held as it saw it, and how many
// of those are now in the database file (copied by it or by one before).
struct CheckpointFrames {
  std::int64_t in_wal = 0;
  std::int64_t in_database = 0;
};

// A prepared statement leased from its Connection. On destruction it is reset and its bindings
// cleared, so the next user starts clean and no read snapshot stays open. Parameters are
// 1-based (the n-th `?`), columns 0-based. Errors are sticky: after one, step() returns false
// and status() tells why.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::optional<std::int64_t> value);  // nullopt binds NULL
  Statement& bind_optional(int index, const std::optional<std::string>& text);  // nullopt: NULL

  // True while a row is available; false when done or on error.
  bool step();
  // Steps to completion: for INSERT, UPDATE and DELETE.
  StoreStatus run();
  // ok, or the first error met while preparing, binding or stepping.
  StoreStatus status() const { return status_; }
  // For a lookup whose step() found no row: not_found, or the error that ended it.
  StoreStatus no_row() const {
    return status_ == StoreStatus::ok ? StoreStatus::not_found : status_;
  }

  std::int64_t column_int64(int column) const;
  std::string column_text(int column) const;  // "" for NULL
  std::optional<std::int64_t> column_optional_int64(int column) const;
  std::optional<std::string> column_optional_text(int column) const;  // nullopt for NULL

 private:
  friend class Connection;
  Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use, StoreStatus status);
  void fail(int code);

  Connection* conn_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache slot to free on release; nullptr = a one-off, finalized on release
  StoreStatus status_;
  bool done_ = false;
};

class Connection {
 public:
  // Opens path and sets busy_timeout, synchronous=FULL and foreign_keys=ON (plus journal_mode=WAL
  // or query_only per options). The error names the path and SQLite's message.
  static Expected<std::unique_ptr<Connection>, std::string> open(const std::string& path,
                                                                 const ConnectionOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();  // every Statement leased from it must be gone by now

  // One SQL statement with `?` parameters. Reuses the cached prepared statement for the same
  // text unless that one is leased right now (then a one-off is prepared).
  Statement prepare(std::string_view sql);
  // Runs ;-separated statements whose rows, if any, are ignored (schema, migrations). Parsed on
  // every call.
  StoreStatus exec(const std::string& sql);
  // Runs one statement without parameters through the prepared-statement cache: for the
  // BEGIN / SAVEPOINT / RELEASE / COMMIT that every write batch repeats (parsed once, not per
  // batch; issue 6 §4).
  StoreStatus run(std::string_view sql);
  // Replaces SQLite's automatic checkpoint (which runs inside the COMMIT that crosses
  // wal_autocheckpoint, on the committing thread) with `committed`, called after every commit
  // with the number of frames now in the WAL. For the writer connection (Database).
  void on_wal_commit(std::function<void(std::int64_t frames)> committed);
  // PRAGMA wal_checkpoint(PASSIVE): copies into the database file what no reader still needs,
  // waiting for no one. On success, fills `frames` (when given) as SQLite counts them.
  StoreStatus checkpoint_passive(CheckpointFrames* frames = nullptr);
  // The SQLite handle, for store code that works below SQL (WalCheckpoint's file control).
  sqlite3* handle() { return db_; }
  // How many prepared statements the cache holds (for tests).
  std::size_t cached_statements() const { return cache_.size(); }

  bool in_transaction() const;
  std::int64_t changes() const;        // rows changed by the last INSERT, UPDATE or DELETE
  std::int64_t total_changes() const;  // rows changed by every one since the connection opened
  std::int64_t last_insert_rowid() const;

  // Extended result code and message of the most recent failure ("" if none), for logs only.
  int last_error_code() const { return last_error_code_; }
  const std::string& last_error() const { return last_error_; }

 private:
  friend class Statement;
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  explicit Connection(sqlite3* db) : db_(db) {}
  void record_error(int code, const char* message = nullptr);

  sqlite3* db_;
  std::unordered_map<std::string, CachedStatement> cache_;  // node-based: slots never move
  int last_error_code_ = 0;
  std::string last_error_;
  std::function<void(std::int64_t)> wal_committed_;
};

}  // namespace sa::store
