#include <catch2/catch.hpp>

#include "keys/sqlite_key_store.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::keys {
namespace {

using namespace sa::store;

using store::test::wait_for_done;

SigningKeyRecord key(std::string kid, std::string alg, std::int64_t created_at) {
  return SigningKeyRecord{.kid = std::move(kid),
                          .alg = std::move(alg),
                          .private_pem = "-----BEGIN PRIVATE KEY-----\n...",
                          .created_at = created_at};
}

struct KeyStoreFixture {
  test::TempDir dir;
  std::unique_ptr<Database> db = test::open_database(dir);
  SqliteKeyStore store{*db};

  StoreStatus add(SigningKeyRecord record) {
    return wait_for_done([&](DoneFn done) { store.add_key(std::move(record), std::move(done)); });
  }
  std::vector<std::string> summary() {
    auto keys = store.list_keys();
    REQUIRE(keys);
    std::vector<std::string> out;
    for (const auto& k : *keys) {
      auto opt = [](const std::optional<std::int64_t>& v) {
        return v ? std::to_string(*v) : std::string("-");
      };
      out.push_back(k.kid + " " + k.alg + " " + std::to_string(k.created_at) + " " +
                    opt(k.retire_at) + " " + opt(k.expire_at));
    }
    return out;
  }
};

TEST_CASE_METHOD(KeyStoreFixture, "added keys are listed oldest first", "[store][keys]") {
  REQUIRE(add(key("k2", "RS256", 200)) == StoreStatus::ok);
  REQUIRE(add(key("k1", "ES256", 100)) == StoreStatus::ok);
  CHECK(summary() == std::vector<std::string>{"k1 ES256 100 - -", "k2 RS256 200 - -"});
  auto keys = store.list_keys();
  CHECK(keys->front().private_pem == "-----BEGIN PRIVATE KEY-----\n...");
}

TEST_CASE_METHOD(KeyStoreFixture, "a taken kid is a conflict, an unknown alg a constraint",
                 "[store][keys]") {
  REQUIRE(add(key("k1", "ES256", 100)) == StoreStatus::ok);
  CHECK(add(key("k1", "RS256", 200)) == StoreStatus::conflict);
  CHECK(add(key("k2", "HS256", 200)) == StoreStatus::constraint);
  CHECK(summary() == std::vector<std::string>{"k1 ES256 100 - -"});
}

TEST_CASE_METHOD(KeyStoreFixture, "retiring marks only the active keys of that alg",
                 "[store][keys]") {
  REQUIRE(add(key("es-old", "ES256", 100)) == StoreStatus::ok);
  REQUIRE(add(key("rs", "RS256", 110)) == StoreStatus::ok);
  REQUIRE(wait_for_done([&](DoneFn done) { store.retire_keys("ES256", 300, 400, done); }) ==
          StoreStatus::ok);
  REQUIRE(add(key("es-new", "ES256", 300)) == StoreStatus::ok);
  REQUIRE(wait_for_done([&](DoneFn done) { store.retire_keys("ES256", 500, 600, done); }) ==
          StoreStatus::ok);
  CHECK(summary() == std::vector<std::string>{"es-old ES256 100 300 400", "rs RS256 110 - -",
                                              "es-new ES256 300 500 600"});
}

TEST_CASE_METHOD(KeyStoreFixture, "expired keys are deleted, the rest kept", "[store][keys]") {
  REQUIRE(add(key("gone", "ES256", 100)) == StoreStatus::ok);
  REQUIRE(wait_for_done([&](DoneFn done) { store.retire_keys("ES256", 300, 400, done); }) ==
          StoreStatus::ok);
  REQUIRE(add(key("retired", "ES256", 350)) == StoreStatus::ok);
  REQUIRE(wait_for_done([&](DoneFn done) { store.retire_keys("ES256", 450, 900, done); }) ==
          StoreStatus::ok);
  REQUIRE(add(key("active", "RS256", 360)) == StoreStatus::ok);

  REQUIRE(wait_for_done([&](DoneFn done) { store.delete_expired_keys(400, done); }) ==
          StoreStatus::ok);
  CHECK(summary() == std::vector<std::string>{"retired ES256 350 450 900", "active RS256 360 - -"});
}

TEST_CASE_METHOD(KeyStoreFixture, "keys survive reopening the database", "[store][keys]") {
  REQUIRE(add(key("k1", "ES256", 100)) == StoreStatus::ok);
  db.reset();
  auto reopened = Database::open(test::settings_in(dir));
  REQUIRE(reopened);
  SqliteKeyStore again(**reopened);
  auto keys = again.list_keys();
  REQUIRE(keys);
  REQUIRE(keys->size() == 1);
  CHECK(keys->front().kid == "k1");
}

}  // namespace
}  // namespace sa::keys
