#include "store/buffered_wal_vfs.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "store/connection.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::store {
namespace {

using test::insert_rows;
using test::query_int;

// A writer through the buffered VFS and a reader through the default one, on one WAL file.
struct Pair {
  std::unique_ptr<Connection> writer;
  std::unique_ptr<Connection> reader;
};

Pair open_pair(const test::TempDir& dir) {
  const std::string path = dir.file("wal.db");
  auto writer =
      Connection::open(path, ConnectionOptions{.create = true, .wal = true, .buffered_wal = true});
  if (!writer) FAIL(writer.error());
  REQUIRE((*writer)->exec("CREATE TABLE items(id INTEGER PRIMARY KEY, v TEXT NOT NULL)") ==
          StoreStatus::ok);
  auto reader = Connection::open(path, ConnectionOptions{.query_only = true});
  if (!reader) FAIL(reader.error());
  return {std::move(*writer), std::move(*reader)};
}

TEST_CASE("a commit's WAL frames reach the file in one write, and other connections read them",
          "[store][wal]") {
  test::TempDir dir;
  auto [writer, reader] = open_pair(dir);
  const auto before = buffered_wal_counts();
  // 40 rows of 2,000 bytes: some 20 pages, a frame header and a page each, 88 KB in all.
  REQUIRE(insert_rows(*writer, 1, 40, 2000) == StoreStatus::ok);
  const auto after = buffered_wal_counts();
  CHECK(after.appends - before.appends >= 40);
  CHECK(after.file_writes - before.file_writes == 1);
  CHECK(query_int(*reader, "SELECT count(*) FROM items") == 40);
  CHECK(query_int(*reader, "SELECT sum(length(v)) FROM items") == 40 * 2000);
}

TEST_CASE("a commit larger than one write is written in 124 KiB pieces", "[store][wal]") {
  test::TempDir dir;
  auto [writer, reader] = open_pair(dir);
  // SQLite's unix VFS masks a write's size with 0x1ffff, so one write of 128 KiB or more would
  // lose its data (and one of exactly 128 KiB report a full disk). 300 rows of 2,000 bytes make
  // some 600 KB of frames; 64 rows of 4,000 bytes put the total near 128 KiB multiples.
  for (auto [rows, size] : {std::pair{300, 2000}, std::pair{64, 4000}, std::pair{31, 4072}}) {
    const auto first = query_int(*reader, "SELECT coalesce(max(id), 0) FROM items") + 1;
    const auto before = buffered_wal_counts();
    REQUIRE(insert_rows(*writer, first, rows, size) == StoreStatus::ok);
    const auto writes = buffered_wal_counts().file_writes - before.file_writes;
    CHECK(writes >= 2);
    CHECK(writes <= 2 + std::uint64_t(rows) * std::uint64_t(size) / (124 * 1024));
    CHECK(query_int(*reader, "SELECT count(*) FROM items WHERE id >= " + std::to_string(first)) ==
          rows);
  }
  CHECK(query_int(*reader,
                  "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check "
                  "= 'ok'") == 1);
}

TEST_CASE(
    "a transaction that spills, reads back and rolls back through the buffered WAL stays "
    "consistent",
    "[store][wal]") {
  test::TempDir dir;
  auto [writer, reader] = open_pair(dir);
  // 5,000 rows of 3,000 bytes: some 15 MB, past kMaxBufferedWal and past the page cache, so SQLite
  // writes frames before the commit and reads its own pages back from the WAL.
  REQUIRE(writer->exec("BEGIN") == StoreStatus::ok);
  REQUIRE(insert_rows(*writer, 1, 5000, 3000) == StoreStatus::ok);
  CHECK(query_int(*writer, "SELECT sum(length(v)) FROM items") == 5000 * 3000);
  REQUIRE(writer->exec("ROLLBACK") == StoreStatus::ok);
  CHECK(query_int(*reader, "SELECT count(*) FROM items") == 0);

  REQUIRE(writer->exec("BEGIN") == StoreStatus::ok);
  REQUIRE(insert_rows(*writer, 1, 5000, 3000) == StoreStatus::ok);
  REQUIRE(writer->exec("UPDATE items SET v = 'y' WHERE id % 2 = 0") == StoreStatus::ok);
  REQUIRE(writer->exec("COMMIT") == StoreStatus::ok);
  CHECK(query_int(*reader, "SELECT count(*) FROM items WHERE v = 'y'") == 2500);
  CHECK(query_int(*reader, "SELECT sum(length(v)) FROM items") == 2500 * 3000 + 2500);

  // Closed and opened again (the last close checkpoints and deletes the WAL): all of it is there.
  writer.reset();
  reader.reset();
  auto again = Connection::open(dir.file("wal.db"), ConnectionOptions{.query_only = true});
  REQUIRE(again);
  CHECK(query_int(**again, "SELECT count(*) FROM items") == 5000);
  CHECK(query_int(**again,
                  "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check "
                  "= 'ok'") == 1);
}

}  // namespace
}  // namespace sa::store
