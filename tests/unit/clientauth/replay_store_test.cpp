#include "clientauth/replay_store.hpp"

#include <catch2/catch.hpp>

#include "unit/store/store_test_support.hpp"

namespace sa::clientauth {
namespace {

using store::StoreStatus;
using store::test::wait_for_done;

std::unique_ptr<store::Database> open_db(const store::test::TempDir& dir) {
  auto db = store::Database::open(store::test::settings_in(dir));
  if (!db) throw std::runtime_error(db.error());
  return std::move(*db);
}

std::unique_ptr<SqliteReplayStore> open_replay(store::Database& db, std::int64_t now) {
  auto replay = SqliteReplayStore::open(db, now);
  REQUIRE(replay);
  return std::move(*replay);
}

StoreStatus remember(ReplayStore& s, const std::string& client, const std::string& jti,
                     std::int64_t expires_at, std::int64_t now) {
  return wait_for_done([&](store::DoneFn done) { s.remember(client, jti, expires_at, now, done); });
}

std::int64_t rows(const store::test::TempDir& dir) {
  auto observer = store::test::observer(dir.file("test.db"));
  return store::test::query_int(*observer, "SELECT count(*) FROM assertion_jti_log");
}

// Runs one purge at `now`, then counts the log's rows.
std::int64_t purge(SqliteReplayStore& replay, const store::test::TempDir& dir, std::int64_t now,
                   std::uint32_t limit) {
  CHECK(store::test::wait_for_purge([&](store::PurgedFn d) {
          replay.delete_expired(now, limit, d);
        }).first == StoreStatus::ok);
  return rows(dir);
}

TEST_CASE("a jti is accepted once per client, also after reopening the database",
          "[clientauth][replay]") {  // CAUTH-6
  store::test::TempDir dir;
  {
    auto db = open_db(dir);
    auto replay = open_replay(*db, 500);
    CHECK(remember(*replay, "app", "jti-1", 1'000, 500) == StoreStatus::ok);
    CHECK(remember(*replay, "app", "jti-1", 1'000, 501) == StoreStatus::conflict);
    CHECK(remember(*replay, "other", "jti-1", 1'000, 501) == StoreStatus::ok);
  }
  auto db = open_db(dir);
  auto replay = open_replay(*db, 600);
  CHECK(remember(*replay, "app", "jti-1", 1'000, 600) == StoreStatus::conflict);
  CHECK(remember(*replay, "other", "jti-1", 1'000, 600) == StoreStatus::conflict);
  CHECK(remember(*replay, "app", "jti-2", 1'000, 600) == StoreStatus::ok);
  auto observer = store::test::observer(dir.file("test.db"));
  CHECK(store::test::query_int(*observer,
                               "SELECT count(*) FROM assertion_jti_log WHERE "
                               "jti_hash = 'jti-1'") == 0);  // only hashes stored
  CHECK(rows(dir) == 3);                                     // a replay writes nothing
}

TEST_CASE("a jti is refused up to and including its last acceptable second, then forgotten",
          "[clientauth][replay]") {  // CAUTH-6
  store::test::TempDir dir;
  auto db = open_db(dir);
  auto replay = open_replay(*db, 500);
  REQUIRE(remember(*replay, "app", "j", 1'000, 500) == StoreStatus::ok);
  // At 1000 the assertion that carried "j" is still acceptable: a reuse is a replay.
  CHECK(remember(*replay, "app", "j", 2'000, 1'000) == StoreStatus::conflict);
  CHECK(remember(*replay, "app", "j", 2'000, 1'001) == StoreStatus::ok);
  CHECK(remember(*replay, "app", "j", 2'000, 1'500) == StoreStatus::conflict);
  REQUIRE(remember(*replay, "app", "k", 1'200, 1'000) == StoreStatus::ok);
  CHECK(rows(dir) == 3);  // j twice (the second after the first's last second), k
  CHECK(purge(*replay, dir, 1'200, 100) == 2);
  CHECK(purge(*replay, dir, 1'201, 100) == 1);
}

TEST_CASE("a restart reads back what still blocks, the later of two rows of one jti winning",
          "[clientauth][replay]") {  // CAUTH-6
  store::test::TempDir dir;
  auto db = open_db(dir);
  {
    auto replay = open_replay(*db, 500);
    REQUIRE(remember(*replay, "app", "j", 1'000, 500) == StoreStatus::ok);
    REQUIRE(remember(*replay, "app", "j", 2'000, 1'001) == StoreStatus::ok);
    REQUIRE(remember(*replay, "app", "k", 1'200, 1'001) == StoreStatus::ok);
  }
  auto at_1500 = open_replay(*db, 1'500);
  CHECK(remember(*at_1500, "app", "j", 3'000, 1'500) == StoreStatus::conflict);
  CHECK(remember(*at_1500, "app", "k", 3'000, 1'500) == StoreStatus::ok);  // past 1200
  auto at_2000 = open_replay(*db, 2'000);
  CHECK(remember(*at_2000, "app", "j", 3'000, 2'000) == StoreStatus::conflict);
  auto at_2001 = open_replay(*db, 2'001);
  CHECK(remember(*at_2001, "app", "j", 3'000, 2'001) == StoreStatus::ok);
}

TEST_CASE("a replay store that cannot read its log does not open", "[clientauth][replay]") {
  // Forgetting the log would let every assertion in it be replayed.
  store::test::TempDir dir;
  auto db = open_db(dir);
  REQUIRE(db->write_sync([](store::Connection& conn) {
    return conn.exec("DROP TABLE assertion_jti_log");
  }) == StoreStatus::ok);
  CHECK_FALSE(SqliteReplayStore::open(*db, 500));
}

TEST_CASE("the purge looks at the `limit` oldest rows and drops those past their last second",
          "[clientauth][replay]") {
  // Issue 8: purged in bounded batches, so one purge never holds the writer for long.
  store::test::TempDir dir;
  auto db = open_db(dir);
  auto replay = open_replay(*db, 500);
  for (const char* jti : {"a", "b", "c"}) {
    REQUIRE(remember(*replay, "app", jti, 1'000, 500) == StoreStatus::ok);
  }
  REQUIRE(remember(*replay, "other", "a", 1'000, 500) == StoreStatus::ok);
  REQUIRE(remember(*replay, "app", "live", 2'000, 500) == StoreStatus::ok);
  REQUIRE(remember(*replay, "app", "d", 1'000, 500) == StoreStatus::ok);

  CHECK(purge(*replay, dir, 1'001, 3) == 3);
  // The oldest three now: other/a (gone), live (stays), d (gone).
  CHECK(purge(*replay, dir, 1'001, 3) == 1);
  CHECK(remember(*replay, "app", "live", 2'000, 1'001) == StoreStatus::conflict);
  REQUIRE(remember(*replay, "app", "e", 1'500, 1'001) == StoreStatus::ok);
  // A row that outlives the rows after it holds them back, until its own last second.
  CHECK(purge(*replay, dir, 1'501, 1) == 2);
  CHECK(purge(*replay, dir, 2'001, 1) == 1);
  CHECK(purge(*replay, dir, 2'001, 1) == 0);
}

}  // namespace
}  // namespace sa::clientauth
