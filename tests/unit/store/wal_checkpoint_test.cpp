#include "store/wal_checkpoint.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/database.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::store {
namespace {

using test::query_int;
using test::wal_generation;

Database::WriteFn insert(std::int64_t id) {
  return [id](Connection& conn) {
    return conn.prepare("INSERT INTO items(id, v) VALUES (?, printf('%.2000c', 'x'))")
        .bind(1, id)
        .run();
  };
}

TEST_CASE("a checkpoint keeps the WAL from restarting until the database file is flushed",
          "[store][checkpoint]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  // A few hundred frames: well short of the Database's own checkpointer (CheckpointPolicy).
  for (std::int64_t id = 1; id <= 100; ++id) REQUIRE(db->write_sync(insert(id)) == StoreStatus::ok);
  auto checkpoint = WalCheckpoint::open(settings.path, settings.busy_timeout_ms);
  REQUIRE(checkpoint);

  std::optional<bool> restarted_before_flush;
  (*checkpoint)->set_before_flush([&] {
    // Every frame is in the database file now (copied, not yet flushed), so without the guard
    // this commit would restart the WAL over frames a crash still needs.
    const auto before = wal_generation(settings.path);
    REQUIRE(db->write_sync(insert(101)) == StoreStatus::ok);
    restarted_before_flush = wal_generation(settings.path) != before;
  });
  REQUIRE((*checkpoint)->run() == StoreStatus::ok);
  REQUIRE(restarted_before_flush.has_value());
  CHECK_FALSE(*restarted_before_flush);

  // Once run() is done the guard is gone: with the WAL all copied, the next commit restarts it.
  (*checkpoint)->set_before_flush(nullptr);
  REQUIRE((*checkpoint)->run() == StoreStatus::ok);
  const auto before = wal_generation(settings.path);
  REQUIRE(db->write_sync(insert(102)) == StoreStatus::ok);
  CHECK(wal_generation(settings.path) != before);

  CHECK(query_int(*test::observer(settings.path), "SELECT COUNT(*) FROM items") == 102);
}

TEST_CASE("a checkpoint copies the WAL's pages into the database file", "[store][checkpoint]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  const auto db_file_bytes = [&] { return std::filesystem::file_size(settings.path); };
  const auto before = db_file_bytes();
  // A copy within one write-back step, and one of several steps.
  const std::int64_t rows = GENERATE(20, 1000);
  REQUIRE(db->write_sync([&](Connection& conn) { return test::insert_rows(conn, 1, rows); }) ==
          StoreStatus::ok);
  CHECK(db_file_bytes() == before);  // all of it in the WAL so far

  auto checkpoint = WalCheckpoint::open(settings.path, settings.busy_timeout_ms);
  REQUIRE(checkpoint);
  REQUIRE((*checkpoint)->run() == StoreStatus::ok);
  CHECK(db_file_bytes() > before + static_cast<std::uintmax_t>(rows) * 3000);
  // Written back as SQLite wrote it, 16 KiB (four pages of one row each) a step: had SQLite
  // written around the reporting xWrite, there would be no step at all.
  CHECK((*checkpoint)->last_write_back_steps() >= static_cast<std::uint64_t>(rows) / 4);
  // The last connection to close (the checkpoint's copier) drops the WAL; every row is there.
  db.reset();
  checkpoint->reset();
  CHECK_FALSE(std::filesystem::exists(settings.path + "-wal"));
  CHECK(query_int(*test::observer(settings.path), "SELECT COUNT(*) FROM items") == rows);
}

}  // namespace
}  // namespace sa::store
