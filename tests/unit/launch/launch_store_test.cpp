// The launch store over a real SQLite file with the embedded migrations and a fake clock: a
// launch is created hashed, consumed once, refused when unknown, expired, used or meant for
// another client, and purged once expired.
#include <catch2/catch.hpp>
#include <future>

#include "clients/sqlite_client_store.hpp"
#include "launch/sqlite_launch_store.hpp"
#include "unit/store/store_test_support.hpp"
#include "util/clock.hpp"

namespace sa::launch {
namespace {

using store::DoneFn;
using store::PurgedFn;
using store::StoreStatus;
using store::test::wait_for_done;
using store::test::wait_for_purge;

constexpr std::int64_t kNow = 1'700'000'000;

Launch full_launch(std::optional<std::string> client_id = std::nullopt) {
  return Launch{.user_id = "practitioner-1",
                .patient = "123",
                .encounter = "456",
                .client_id = std::move(client_id),
                .fhir_context = R"([{"reference":"DiagnosticReport/7"}])",
                .intent = "reconcile-medications",
                .need_patient_banner = false,
                .smart_style_url = "https://ehr.example.org/style.json",
                .tenant = "north",
                .created_at = kNow,
                .expires_at = kNow + 300};
}

struct LaunchStoreFixture {
  store::test::TempDir dir;
  FakeClock clock{kNow};
  std::unique_ptr<store::Database> db = store::test::open_database(dir);
  SqliteLaunchStore launches{*db};

  LaunchStoreFixture() {
    clients::SqliteClientStore clients(*db);
    for (const char* id : {"app-a", "app-b"}) {
      clients::ClientRecord client{.client_id = id,
                                   .token_endpoint_auth_method = "none",
                                   .grant_types = {"authorization_code"},
                                   .redirect_uris = {"https://app.example/cb"},
                                   .scope = "launch openid",
                                   .metadata_json = "{}"};
      REQUIRE(wait_for_done([&](DoneFn done) { clients.insert(client, std::move(done)); }) ==
              StoreStatus::ok);
    }
  }

  StoreStatus create(const std::string& hash, Launch launch) {
    return wait_for_done(
        [&](DoneFn done) { launches.create(hash, std::move(launch), std::move(done)); });
  }
  Expected<Launch, LaunchError> consume(const std::string& hash, const std::string& client_id) {
    std::promise<Expected<Launch, LaunchError>> outcome;
    auto result = outcome.get_future();
    launches.consume(
        hash, client_id, clock.now_seconds(),
        [&outcome](Expected<Launch, LaunchError> r) { outcome.set_value(std::move(r)); });
    return result.get();
  }
  StoreStatus delete_expired(std::uint32_t limit = 100) {
    return wait_for_purge([&](PurgedFn done) {
             launches.delete_expired(clock.now_seconds(), limit, std::move(done));
           })
        .first;
  }
  std::int64_t rows() {
    auto conn = store::test::observer(dir.file("test.db"));
    return store::test::query_int(*conn, "SELECT count(*) FROM launches");
  }
};

// LAUNCH-2: the launch carries the whole EHR context, and comes back field for field.
TEST_CASE_METHOD(LaunchStoreFixture, "a created launch is consumed once with its whole context",
                 "[launch][store]") {
  REQUIRE(create("hash-1", full_launch()) == StoreStatus::ok);
  auto first = consume("hash-1", "app-a");
  REQUIRE(first);
  CHECK(first->user_id == "practitioner-1");
  CHECK(first->patient == std::optional<std::string>("123"));
  CHECK(first->encounter == std::optional<std::string>("456"));
  CHECK_FALSE(first->client_id);
  CHECK(first->fhir_context ==
        std::optional<std::string>(R"([{"reference":"DiagnosticReport/7"}])"));
  CHECK(first->intent == std::optional<std::string>("reconcile-medications"));
  CHECK(first->need_patient_banner == std::optional<bool>(false));
  CHECK(first->smart_style_url == std::optional<std::string>("https://ehr.example.org/style.json"));
  CHECK(first->tenant == std::optional<std::string>("north"));
  CHECK(first->created_at == kNow);
  CHECK(first->expires_at == kNow + 300);

  // LAUNCH-3: single use.
  auto second = consume("hash-1", "app-a");
  REQUIRE_FALSE(second);
  CHECK(second.error() == LaunchError::used);
}

TEST_CASE_METHOD(LaunchStoreFixture, "a launch with only a user keeps every other member absent",
                 "[launch][store]") {
  REQUIRE(create("bare", Launch{.user_id = "u", .created_at = kNow, .expires_at = kNow + 1}) ==
          StoreStatus::ok);
  auto got = consume("bare", "app-b");
  REQUIRE(got);
  CHECK_FALSE(got->patient);
  CHECK_FALSE(got->encounter);
  CHECK_FALSE(got->fhir_context);
  CHECK_FALSE(got->need_patient_banner);
  CHECK_FALSE(got->smart_style_url);
}

TEST_CASE_METHOD(LaunchStoreFixture, "an unknown launch is refused as unknown", "[launch][store]") {
  auto got = consume("never-created", "app-a");
  REQUIRE_FALSE(got);
  CHECK(got.error() == LaunchError::unknown);
}

// LAUNCH-2, LAUNCH-3: short-lived; at expires_at it is already gone.
TEST_CASE_METHOD(LaunchStoreFixture, "a launch at or past its expiry is refused as expired",
                 "[launch][store]") {
  REQUIRE(create("hash-1", full_launch()) == StoreStatus::ok);
  clock.advance(300);
  auto got = consume("hash-1", "app-a");
  REQUIRE_FALSE(got);
  CHECK(got.error() == LaunchError::expired);
  clock.set(kNow + 299);  // the refusal did not consume it
  CHECK(consume("hash-1", "app-a"));
}

// LAUNCH-2: bound to the client it was issued for; another client's attempt does not burn it.
TEST_CASE_METHOD(LaunchStoreFixture,
                 "a launch bound to one client is refused to another and stays usable",
                 "[launch][store]") {
  REQUIRE(create("bound", full_launch("app-a")) == StoreStatus::ok);
  auto wrong = consume("bound", "app-b");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error() == LaunchError::other_client);
  auto right = consume("bound", "app-a");
  REQUIRE(right);
  CHECK(right->client_id == std::optional<std::string>("app-a"));
  auto again = consume("bound", "app-a");
  REQUIRE_FALSE(again);
  CHECK(again.error() == LaunchError::used);
}

TEST_CASE_METHOD(LaunchStoreFixture, "a used launch stays used after it expires",
                 "[launch][store]") {
  REQUIRE(create("hash-1", full_launch()) == StoreStatus::ok);
  REQUIRE(consume("hash-1", "app-a"));
  clock.advance(1000);
  auto got = consume("hash-1", "app-a");
  REQUIRE_FALSE(got);
  CHECK(got.error() == LaunchError::used);
}

TEST_CASE_METHOD(LaunchStoreFixture,
                 "a taken hash is a conflict and an unknown client a constraint",
                 "[launch][store]") {
  REQUIRE(create("hash-1", full_launch()) == StoreStatus::ok);
  CHECK(create("hash-1", full_launch()) == StoreStatus::conflict);
  CHECK(create("hash-2", full_launch("no-such-app")) == StoreStatus::constraint);
}

TEST_CASE_METHOD(LaunchStoreFixture, "concurrent consumers of one launch: exactly one wins",
                 "[launch][store]") {
  REQUIRE(create("contended", full_launch()) == StoreStatus::ok);
  std::vector<std::future<Expected<Launch, LaunchError>>> attempts;
  for (int i = 0; i < 8; ++i) {
    attempts.push_back(
        std::async(std::launch::async, [this] { return consume("contended", "app-a"); }));
  }
  int won = 0;
  int used = 0;
  for (auto& attempt : attempts) {
    auto got = attempt.get();
    if (got) {
      ++won;
    } else if (got.error() == LaunchError::used) {
      ++used;
    }
  }
  CHECK(won == 1);
  CHECK(used == 7);
}

TEST_CASE_METHOD(LaunchStoreFixture, "delete_expired removes expired launches, used or not",
                 "[launch][store]") {
  Launch short_lived = full_launch();
  short_lived.expires_at = kNow + 10;
  REQUIRE(create("short-unused", short_lived) == StoreStatus::ok);
  REQUIRE(create("short-used", short_lived) == StoreStatus::ok);
  REQUIRE(create("long", full_launch()) == StoreStatus::ok);
  REQUIRE(consume("short-used", "app-a"));
  clock.advance(10);
  REQUIRE(delete_expired() == StoreStatus::ok);
  CHECK(rows() == 1);
  clock.set(kNow);
  CHECK(consume("long", "app-a"));
  auto purged = consume("short-unused", "app-a");
  REQUIRE_FALSE(purged);
  CHECK(purged.error() == LaunchError::unknown);
}

TEST_CASE_METHOD(LaunchStoreFixture, "the purge deletes at most `limit` expired launches per call",
                 "[launch][store]") {
  // Issue 8: purged in bounded batches, so one purge never holds the writer for long.
  Launch short_lived = full_launch();
  short_lived.expires_at = kNow + 10;
  for (const char* hash : {"old-1", "old-2", "old-3"}) {
    REQUIRE(create(hash, short_lived) == StoreStatus::ok);
  }
  REQUIRE(create("long", full_launch()) == StoreStatus::ok);
  clock.advance(10);
  REQUIRE(delete_expired(2) == StoreStatus::ok);
  CHECK(rows() == 2);
  REQUIRE(delete_expired(2) == StoreStatus::ok);
  CHECK(rows() == 1);
}

TEST_CASE_METHOD(LaunchStoreFixture, "deleting a client deletes the launches bound to it",
                 "[launch][store]") {
  REQUIRE(create("bound", full_launch("app-b")) == StoreStatus::ok);
  REQUIRE(create("free", full_launch()) == StoreStatus::ok);
  clients::SqliteClientStore clients(*db);
  REQUIRE(wait_for_done([&](DoneFn done) { clients.remove("app-b", std::move(done)); }) ==
          StoreStatus::ok);
  CHECK(rows() == 1);
}

}  // namespace
}  // namespace sa::launch
