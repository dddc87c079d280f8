#include <catch2/catch.hpp>

#include "clientauth/replay_store.hpp"
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

StoreStatus remember(ReplayStore& s, const std::string& client, const std::string& jti,
                     std::int64_t expires_at, std::int64_t now) {
  return wait_for_done([&](store::DoneFn done) { s.remember(client, jti, expires_at, now, done); });
}

TEST_CASE("a jti is accepted once per client, also after reopening the database",
          "[clientauth][replay]") {
  store::test::TempDir dir;
  {
    auto db = open_db(dir);
    SqliteReplayStore replay(*db);
    CHECK(remember(replay, "app", "jti-1", 1'000, 500) == StoreStatus::ok);
    CHECK(remember(replay, "app", "jti-1", 1'000, 501) == StoreStatus::conflict);
    CHECK(remember(replay, "other", "jti-1", 1'000, 501) == StoreStatus::ok);
  }
  auto db = open_db(dir);
  SqliteReplayStore replay(*db);
  CHECK(remember(replay, "app", "jti-1", 1'000, 600) == StoreStatus::conflict);
  auto observer = store::test::observer(dir.file("test.db"));
  CHECK(store::test::query_int(*observer, "SELECT count(*) FROM assertion_jtis WHERE "
                                          "jti_hash = 'jti-1'") == 0);  // only hashes stored
}

TEST_CASE("a jti is refused up to and including its last acceptable second, then forgotten",
          "[clientauth][replay]") {  // CAUTH-6
  store::test::TempDir dir;
  auto db = open_db(dir);
  SqliteReplayStore replay(*db);
  REQUIRE(remember(replay, "app", "j", 1'000, 500) == StoreStatus::ok);
  // At 1000 the assertion that carried "j" is still acceptable: a reuse is a replay.
  CHECK(remember(replay, "app", "j", 2'000, 1'000) == StoreStatus::conflict);
  CHECK(remember(replay, "app", "j", 2'000, 1'001) == StoreStatus::ok);
  CHECK(remember(replay, "app", "j", 2'000, 1'500) == StoreStatus::conflict);
  REQUIRE(remember(replay, "app", "k", 1'200, 1'000) == StoreStatus::ok);
  CHECK(wait_for_done([&](store::DoneFn d) { replay.delete_expired(1'200, 100, d); }) ==
        StoreStatus::ok);
  auto observer = store::test::observer(dir.file("test.db"));
  CHECK(store::test::query_int(*observer, "SELECT count(*) FROM assertion_jtis") == 2);
  CHECK(wait_for_done([&](store::DoneFn d) { replay.delete_expired(1'201, 100, d); }) ==
        StoreStatus::ok);
  CHECK(store::test::query_int(*observer, "SELECT count(*) FROM assertion_jtis") == 1);
}

TEST_CASE("the purge forgets at most `limit` jtis per call", "[clientauth][replay]") {
  // Issue 8: purged in bounded batches, so one purge never holds the writer for long.
  store::test::TempDir dir;
  auto db = open_db(dir);
  SqliteReplayStore replay(*db);
  for (const char* jti : {"a", "b", "c"}) {
    REQUIRE(remember(replay, "app", jti, 1'000, 500) == StoreStatus::ok);
  }
  REQUIRE(remember(replay, "other", "a", 1'000, 500) == StoreStatus::ok);
  REQUIRE(remember(replay, "app", "live", 2'000, 500) == StoreStatus::ok);
  auto observer = store::test::observer(dir.file("test.db"));
  CHECK(wait_for_done([&](store::DoneFn d) { replay.delete_expired(1'001, 3, d); }) ==
        StoreStatus::ok);
  CHECK(store::test::query_int(*observer, "SELECT count(*) FROM assertion_jtis") == 2);
  CHECK(wait_for_done([&](store::DoneFn d) { replay.delete_expired(1'001, 3, d); }) ==
        StoreStatus::ok);
  CHECK(store::test::query_int(*observer, "SELECT count(*) FROM assertion_jtis") == 1);
  CHECK(remember(replay, "app", "live", 2'000, 1'001) == StoreStatus::conflict);
}

}  // namespace
}  // namespace sa::clientauth
