// Helpers for the store tests: a unique temporary directory removed afterwards, settings that
// point into it, and a way to wait for an asynchronous write's DoneFn without sleeping.
#pragma once

#include <stdlib.h>  // mkdtemp

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>

#include "config/config.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/status.hpp"
#include "util/clock.hpp"

namespace sa::store::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sa-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline config::StoreSettings settings_in(const TempDir& dir, const std::string& name = "test.db") {
  config::StoreSettings settings;
  settings.path = dir.file(name);
  settings.read_connections = 2;
  return settings;
}

// A Database in a file under dir with the embedded migrations; throws (failing the test) if it
// cannot be opened.
inline std::unique_ptr<Database> open_database(const TempDir& dir) {
  auto opened = Database::open(settings_in(dir));
  if (!opened) throw std::runtime_error(opened.error());
  return std::move(*opened);
}

// A Database whose only table is items(id, v): for tests of the Database itself, not of a
// store. Throws (failing the test) if it cannot be opened.
inline std::unique_ptr<Database> open_items_database(const config::StoreSettings& settings) {
  static const Migration items{1, "items",
                               "CREATE TABLE items(id INTEGER PRIMARY KEY, v TEXT NOT NULL);"};
  auto opened = Database::open(settings, {items}, FakeClock(1));
  if (!opened) throw std::runtime_error(opened.error());
  return std::move(*opened);
}

// Inserts `rows` rows into items(id, v) in one statement, ids from `first`, each v `size` bytes:
// a row of 3,000 bytes fills a 4 KiB page of its own.
inline StoreStatus insert_rows(Connection& conn, std::int64_t first, std::int64_t rows,
                               int size = 3000) {
  return conn
      .prepare(
          "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?) "
          "INSERT INTO items(id, v) SELECT ? + i, printf('%.*c', ?, 'x') FROM k")
      .bind(1, rows)
      .bind(2, first)
      .bind(3, std::int64_t{size})
      .run();
}

// The WAL header's checkpoint sequence number and salts (bytes 12-23): SQLite changes all three
// whenever a writer restarts the WAL, writing new frames over the old ones from the start.
inline std::array<char, 12> wal_generation(const std::string& db_path) {
  std::ifstream wal(db_path + "-wal", std::ios::binary);
  std::array<char, 12> generation{};
  wal.seekg(12);
  wal.read(generation.data(), generation.size());
  if (!wal) throw std::runtime_error("cannot read the WAL header of " + db_path);
  return generation;
}

// Starts an asynchronous write with the given DoneFn and waits for its outcome.
inline StoreStatus wait_for_done(const std::function<void(DoneFn)>& start) {
  std::promise<StoreStatus> outcome;
  auto result = outcome.get_future();
  start([&outcome](StoreStatus status) { outcome.set_value(status); });
  return result.get();
}

// Starts a purge with the given PurgedFn and waits for its outcome and row count.
inline std::pair<StoreStatus, std::uint64_t> wait_for_purge(
    const std::function<void(PurgedFn)>& start) {
  std::promise<std::pair<StoreStatus, std::uint64_t>> outcome;
  auto result = outcome.get_future();
  start([&outcome](StoreStatus status, std::uint64_t rows) { outcome.set_value({status, rows}); });
  return result.get();
}

// An independent connection to the same file, outside any Database.
inline std::unique_ptr<Connection> observer(const std::string& path) {
  auto conn = Connection::open(path, ConnectionOptions{.query_only = true});
  if (!conn) throw std::runtime_error(conn.error());
  return std::move(*conn);
}

inline std::int64_t query_int(Connection& conn, const std::string& sql) {
  auto stmt = conn.prepare(sql);
  if (!stmt.step()) throw std::runtime_error("no row from " + sql + ": " + conn.last_error());
  return stmt.column_int64(0);
}

// The smallest row migrations/0002_clients.sql accepts: a public client, for the rows that
// reference clients (codes, tokens, grants).
inline StoreStatus add_public_client(Database& db, const std::string& client_id) {
  return db.write_sync([&](Connection& conn) {
      return conn
          .prepare(
              "INSERT INTO clients(client_id, token_endpoint_auth_method, grant_types, "
              "redirect_uris, scope, jwks_json, jwks_uri, secret_hash, secret_expires_at, "
              "registration_token_hash, issued_at, is_static, pre_approved, metadata_json) "
              "VALUES (?, 'none', 'authorization_code', 'https://app.example/cb', "
              "'launch/patient openid', '', '', '', 0, '', 0, 0, 0, '{}')")
          .bind(1, client_id)
          .run();
  });
}

}  // namespace sa::store::test
