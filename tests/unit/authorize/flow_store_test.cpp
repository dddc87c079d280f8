#include <catch2/catch.hpp>
#include <future>
#include <vector>

#include "authorize/sqlite_flow_store.hpp"
#include "unit/authorize/authorize_store_test_support.hpp"

namespace sa::authorize {
namespace {

using store::DoneFn;
using store::PurgedFn;
using store::StoreStatus;
using store::test::wait_for_done;
using store::test::wait_for_purge;

constexpr std::int64_t kIdle = 1'800;
constexpr std::int64_t kLifetime = 28'800;

struct FlowStoreFixture : test::AuthorizeDatabase {
  SqliteFlowStore store{*db};
  FlowStoreFixture() { REQUIRE(add_client("app") == StoreStatus::ok); }

  StoreStatus create_transaction(const std::string& id, std::string state, std::int64_t ttl) {
    return wait_for_done([&](DoneFn done) {
      store.create_transaction(id, TransactionRow{std::move(state), now() + ttl}, std::move(done));
    });
  }
  StoreStatus update_transaction(const std::string& id, const std::string& state) {
    return wait_for_done(
        [&](DoneFn done) { store.update_transaction(id, state, std::move(done)); });
  }
  StoreStatus finish_transaction(const std::string& id) {
    return wait_for_done([&](DoneFn done) { store.finish_transaction(id, std::move(done)); });
  }
  StoreStatus create_session(const std::string& id, std::string user_id = "u-42") {
    LoginSession session{.user_id = std::move(user_id),
                         .auth_time = now(),
                         .last_seen = now(),
                         .expires_at = now() + kLifetime};
    return wait_for_done(
        [&](DoneFn done) { store.create_session(id, std::move(session), std::move(done)); });
  }
  StoreStatus touch_session(const std::string& id) {
    return wait_for_done([&](DoneFn done) { store.touch_session(id, now(), std::move(done)); });
  }
  StoreStatus end_session(const std::string& id) {
    return wait_for_done([&](DoneFn done) { store.end_session(id, std::move(done)); });
  }
  bool session_alive(const std::string& id) {
    return store.find_session(id, now(), kIdle).has_value();
  }
  StoreStatus save_consent(const std::string& user, const std::string& client,
                           const std::string& scope) {
    return wait_for_done(
        [&](DoneFn done) { store.save_consent(user, client, scope, now(), std::move(done)); });
  }
  StoreStatus delete_expired(std::uint32_t limit) {
    return wait_for_purge(
               [&](PurgedFn done) { store.delete_expired(now(), kIdle, limit, std::move(done)); })
        .first;
  }
};

// --- Transactions (RFC 9700 §4.7: request state server-side, single use, short-lived)

TEST_CASE_METHOD(FlowStoreFixture, "a transaction is found until it expires", "[authorize][flow]") {
  REQUIRE(create_transaction("tx-1", R"({"step":"login"})", 900) == StoreStatus::ok);

  auto found = store.find_transaction("tx-1", now());
  REQUIRE(found);
  CHECK(found->state_json == R"({"step":"login"})");
  CHECK(found->expires_at == now() + 900);

  clock.advance(899);
  CHECK(store.find_transaction("tx-1", now()));
  clock.advance(1);
  auto expired = store.find_transaction("tx-1", now());
  REQUIRE_FALSE(expired);
  CHECK(expired.error() == StoreStatus::not_found);
  CHECK(store.find_transaction("tx-never", now()).error() == StoreStatus::not_found);
}

TEST_CASE_METHOD(FlowStoreFixture, "a taken transaction id is a conflict", "[authorize][flow]") {
  REQUIRE(create_transaction("tx-1", "{}", 900) == StoreStatus::ok);
  CHECK(create_transaction("tx-1", "{}", 900) == StoreStatus::conflict);
}

TEST_CASE_METHOD(FlowStoreFixture,
                 "updating a transaction replaces its state but never extends its life",
                 "[authorize][flow]") {
  REQUIRE(create_transaction("tx-1", R"({"step":"login"})", 900) == StoreStatus::ok);
  clock.advance(600);
  REQUIRE(update_transaction("tx-1", R"({"step":"consent"})") == StoreStatus::ok);

  auto found = store.find_transaction("tx-1", now());
  REQUIRE(found);
  CHECK(found->state_json == R"({"step":"consent"})");
  CHECK(found->expires_at == now() + 300);
  CHECK(update_transaction("tx-never", "{}") == StoreStatus::not_found);
}

TEST_CASE_METHOD(FlowStoreFixture, "a transaction finishes once", "[authorize][flow]") {
  REQUIRE(create_transaction("tx-1", "{}", 900) == StoreStatus::ok);
  CHECK(finish_transaction("tx-1") == StoreStatus::ok);
  CHECK(finish_transaction("tx-1") == StoreStatus::not_found);
  CHECK(store.find_transaction("tx-1", now()).error() == StoreStatus::not_found);
}

TEST_CASE_METHOD(FlowStoreFixture, "of concurrent finishes of one transaction exactly one is ok",
                 "[authorize][flow]") {  // AUTHZ-11: one transaction, one code
  REQUIRE(create_transaction("tx-1", "{}", 900) == StoreStatus::ok);
  constexpr int kThreads = 8;
  std::vector<std::future<StoreStatus>> outcomes;
  for (int i = 0; i < kThreads; ++i) {
    outcomes.push_back(
        std::async(std::launch::async, [this] { return finish_transaction("tx-1"); }));
  }
  int ok = 0;
  int gone = 0;
  for (auto& f : outcomes) {
    const StoreStatus status = f.get();
    if (status == StoreStatus::ok) ++ok;
    if (status == StoreStatus::not_found) ++gone;
  }
  CHECK(ok == 1);
  CHECK(gone == kThreads - 1);
}

// --- Login sessions (issue 7: configurable lifetime and idle timeout)

TEST_CASE_METHOD(FlowStoreFixture, "a login session is found with what it was created with",
                 "[authorize][session]") {
  REQUIRE(create_session("s-1") == StoreStatus::ok);
  auto found = store.find_session("s-1", now(), kIdle);
  REQUIRE(found);
  CHECK(found->user_id == "u-42");
  CHECK(found->auth_time == now());
  CHECK(found->last_seen == now());
  CHECK(found->expires_at == now() + kLifetime);
  CHECK(store.find_session("s-never", now(), kIdle).error() == StoreStatus::not_found);
  CHECK(create_session("s-1") == StoreStatus::conflict);
}

TEST_CASE_METHOD(FlowStoreFixture, "an unused login session ends after the idle timeout",
                 "[authorize][session]") {
  REQUIRE(create_session("s-1") == StoreStatus::ok);
  clock.advance(kIdle - 1);
  CHECK(session_alive("s-1"));
  clock.advance(1);
  CHECK_FALSE(session_alive("s-1"));
  CHECK(store.find_session("s-1", now(), kIdle).error() == StoreStatus::not_found);
}

TEST_CASE_METHOD(FlowStoreFixture,
                 "touching a login session extends its idle deadline but not its lifetime",
                 "[authorize][session]") {
  REQUIRE(create_session("s-1") == StoreStatus::ok);
  const std::int64_t expires_at = now() + kLifetime;
  // Used every 20 minutes, the session outlives many idle timeouts...
  while (now() + 1'200 < expires_at) {
    clock.advance(1'200);
    REQUIRE(session_alive("s-1"));
    REQUIRE(touch_session("s-1") == StoreStatus::ok);
  }
  auto found = store.find_session("s-1", now(), kIdle);
  REQUIRE(found);
  CHECK(found->last_seen == now());
  CHECK(found->expires_at == expires_at);
  // ...but not its lifetime.
  clock.set(expires_at - 1);
  CHECK(session_alive("s-1"));
  clock.set(expires_at);
  CHECK_FALSE(session_alive("s-1"));
}

TEST_CASE_METHOD(FlowStoreFixture, "a late touch never moves last_seen back",
                 "[authorize][session]") {
  REQUIRE(create_session("s-1") == StoreStatus::ok);
  const std::int64_t created = now();
  clock.advance(100);
  REQUIRE(touch_session("s-1") == StoreStatus::ok);
  REQUIRE(wait_for_done([&](DoneFn done) { store.touch_session("s-1", created + 50, done); }) ==
          StoreStatus::ok);
  CHECK(store.find_session("s-1", now(), kIdle)->last_seen == created + 100);
  CHECK(touch_session("s-never") == StoreStatus::not_found);
}

TEST_CASE_METHOD(FlowStoreFixture, "an ended login session is gone, and ending it again is ok",
                 "[authorize][session]") {
  REQUIRE(create_session("s-1") == StoreStatus::ok);
  CHECK(end_session("s-1") == StoreStatus::ok);
  CHECK_FALSE(session_alive("s-1"));
  CHECK(end_session("s-1") == StoreStatus::ok);
}

// --- Remembered consent (issue 7 "Pages")

TEST_CASE_METHOD(FlowStoreFixture, "a saved consent is found per user and client, and replaced",
                 "[authorize][consent]") {
  REQUIRE(add_client("other") == StoreStatus::ok);
  CHECK(store.find_consent("u-42", "app").error() == StoreStatus::not_found);

  REQUIRE(save_consent("u-42", "app", "launch/patient patient/*.rs") == StoreStatus::ok);
  REQUIRE(save_consent("u-42", "other", "openid") == StoreStatus::ok);
  REQUIRE(save_consent("u-7", "app", "patient/Observation.rs") == StoreStatus::ok);
  CHECK(*store.find_consent("u-42", "app") == "launch/patient patient/*.rs");
  CHECK(*store.find_consent("u-42", "other") == "openid");
  CHECK(*store.find_consent("u-7", "app") == "patient/Observation.rs");

  clock.advance(10);
  REQUIRE(save_consent("u-42", "app", "launch/patient") == StoreStatus::ok);
  CHECK(*store.find_consent("u-42", "app") == "launch/patient");
  CHECK(rows("consents") == 3);
  CHECK(store::test::query_int(*disk,
                               "SELECT updated_at FROM consents WHERE user_id = 'u-42' "
                               "AND client_id = 'app'") == now());
}

TEST_CASE_METHOD(FlowStoreFixture,
                 "a consent needs a registered client and goes when the client goes",
                 "[authorize][consent]") {
  CHECK(save_consent("u-42", "nobody", "openid") == StoreStatus::constraint);
  REQUIRE(save_consent("u-42", "app", "openid") == StoreStatus::ok);
  REQUIRE(delete_client("app") == StoreStatus::ok);
  CHECK(store.find_consent("u-42", "app").error() == StoreStatus::not_found);
  CHECK(rows("consents") == 0);
}

// --- The purge (issue 7: transactions are purged when expired)

TEST_CASE_METHOD(FlowStoreFixture,
                 "the purge deletes expired transactions and ended sessions, `limit` of each per "
                 "call, and leaves live ones",
                 "[authorize][flow][session]") {
  for (int i = 0; i < 3; ++i) {
    REQUIRE(create_transaction("tx-old-" + std::to_string(i), "{}", 60) == StoreStatus::ok);
  }
  REQUIRE(create_transaction("tx-live", "{}", kIdle + 900) == StoreStatus::ok);
  REQUIRE(create_session("s-idle-1") == StoreStatus::ok);
  REQUIRE(create_session("s-idle-2") == StoreStatus::ok);
  REQUIRE(create_session("s-busy") == StoreStatus::ok);
  // s-old outlives its lifetime by being used; the s-idle ones are never used again.
  LoginSession old{.user_id = "u-1",
                   .auth_time = now() - kLifetime,
                   .last_seen = now() + 60,
                   .expires_at = now() + 60};
  REQUIRE(wait_for_done([&](DoneFn done) { store.create_session("s-old", old, done); }) ==
          StoreStatus::ok);
  clock.advance(kIdle - 1);
  REQUIRE(touch_session("s-busy") == StoreStatus::ok);
  clock.advance(1);
  CHECK(rows("authorize_transactions") == 4);
  CHECK(rows("login_sessions") == 4);

  REQUIRE(delete_expired(2) == StoreStatus::ok);
  CHECK(rows("authorize_transactions") == 2);
  CHECK(rows("login_sessions") == 2);
  REQUIRE(delete_expired(2) == StoreStatus::ok);
  CHECK(rows("authorize_transactions") == 1);
  CHECK(rows("login_sessions") == 1);
  CHECK(store.find_transaction("tx-live", now()));
  CHECK(session_alive("s-busy"));
}

}  // namespace
}  // namespace sa::authorize
