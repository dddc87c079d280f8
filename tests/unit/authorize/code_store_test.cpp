#include <catch2/catch.hpp>
#include <future>
#include <thread>
#include <vector>

#include "authorize/sqlite_code_store.hpp"
#include "unit/authorize/authorize_store_test_support.hpp"

namespace sa::authorize {
namespace {

using store::DoneFn;
using store::PurgedFn;
using store::StoreStatus;
using store::test::wait_for_done;
using store::test::wait_for_purge;
using Outcome = Expected<AuthorizationCode, CodeFailure>;

struct CodeStoreFixture : test::AuthorizeDatabase {
  SqliteCodeStore store{*db};
  CodeStoreFixture() { REQUIRE(add_client("app") == StoreStatus::ok); }

  AuthorizationCode code(std::string grant_id = "grant-1", std::string client_id = "app") {
    return AuthorizationCode{.grant_id = std::move(grant_id),
                             .client_id = std::move(client_id),
                             .redirect_uri = "https://app.example/cb",
                             .redirect_uri_sent = true,
                             .code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                             .nonce = "n-0S6_WzA2Mj",
                             .user_id = "u-42",
                             .fhir_user = "Practitioner/42",
                             .user_name = "Dr. Who",
                             .auth_time = now() - 30,
                             .scope = "launch/patient openid fhirUser patient/*.rs",
                             .context_json = R"({"patient":"123"})",
                             .issued_at = now(),
                             .expires_at = now() + 60,
                             .aud = "https://ehr.example/fhir"};
  }
  StoreStatus create(const std::string& hash, AuthorizationCode c) {
    return wait_for_done([&](DoneFn done) { store.create(hash, std::move(c), std::move(done)); });
  }
  Outcome consume(const std::string& hash) {
    std::promise<Outcome> outcome;
    auto result = outcome.get_future();
    store.consume(hash, now(), [&outcome](Outcome o) { outcome.set_value(std::move(o)); });
    return result.get();
  }
  StoreStatus delete_expired(std::uint32_t limit) {
    return wait_for_purge(
               [&](PurgedFn done) { store.delete_expired(now(), limit, std::move(done)); })
        .first;
  }
};

TEST_CASE_METHOD(CodeStoreFixture, "a code is redeemed once with everything it was bound to",
                 "[authorize][code]") {  // AUTHZ-11
  AuthorizationCode bare = code("grant-2");
  bare.nonce.reset();
  bare.context_json.reset();
  bare.redirect_uri_sent = false;
  REQUIRE(create("hash-1", code()) == StoreStatus::ok);
  REQUIRE(create("hash-2", bare) == StoreStatus::ok);

  Outcome redeemed = consume("hash-1");
  REQUIRE(redeemed);
  CHECK(redeemed->grant_id == "grant-1");
  CHECK(redeemed->client_id == "app");
  CHECK(redeemed->redirect_uri == "https://app.example/cb");
  CHECK(redeemed->redirect_uri_sent);
  CHECK(redeemed->code_challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  CHECK(redeemed->nonce == std::optional<std::string>("n-0S6_WzA2Mj"));
  CHECK(redeemed->user_id == "u-42");
  CHECK(redeemed->fhir_user == "Practitioner/42");
  CHECK(redeemed->user_name == "Dr. Who");
  CHECK(redeemed->aud == "https://ehr.example/fhir");  // AUTHZ-11: bound to aud too
  CHECK(redeemed->auth_time == now() - 30);
  CHECK(redeemed->scope == "launch/patient openid fhirUser patient/*.rs");
  CHECK(redeemed->context_json == std::optional<std::string>(R"({"patient":"123"})"));
  CHECK(redeemed->issued_at == now());
  CHECK(redeemed->expires_at == now() + 60);

  Outcome other = consume("hash-2");
  REQUIRE(other);
  CHECK_FALSE(other->nonce);
  CHECK_FALSE(other->context_json);
  CHECK_FALSE(other->redirect_uri_sent);
}

TEST_CASE_METHOD(CodeStoreFixture,
                 "a second redemption is reported as reuse with the grant to revoke",
                 "[authorize][code]") {  // AUTHZ-11, RFC 6749 §4.1.2
  REQUIRE(create("hash-1", code("grant-7")) == StoreStatus::ok);
  REQUIRE(consume("hash-1"));
  clock.advance(5);

  Outcome again = consume("hash-1");
  REQUIRE_FALSE(again);
  CHECK(again.error().error == CodeError::used);
  CHECK(again.error().grant_id == "grant-7");
  CHECK(again.error().client_id == "app");

  SECTION("also once the code has expired, until the purge removes it") {
    clock.advance(60);
    Outcome late = consume("hash-1");
    REQUIRE_FALSE(late);
    CHECK(late.error().error == CodeError::used);
    CHECK(late.error().grant_id == "grant-7");
  }
}

TEST_CASE_METHOD(CodeStoreFixture, "a code is refused from its expiry second on",
                 "[authorize][code]") {  // AUTHZ-11
  REQUIRE(create("hash-1", code()) == StoreStatus::ok);
  clock.advance(60);

  Outcome late = consume("hash-1");
  REQUIRE_FALSE(late);
  CHECK(late.error().error == CodeError::expired);
  CHECK(late.error().client_id == "app");
  CHECK(late.error().grant_id.empty());
  CHECK(disk->prepare("SELECT 1 FROM authorization_codes WHERE used_at IS NULL").step());

  SECTION("one second earlier it is still good") {
    clock.advance(-1);
    CHECK(consume("hash-1"));
  }
}

TEST_CASE_METHOD(CodeStoreFixture, "an unknown code is unknown and tells nothing",
                 "[authorize][code]") {
  Outcome unknown = consume("never-issued");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().error == CodeError::unknown);
  CHECK(unknown.error().grant_id.empty());
  CHECK(unknown.error().client_id.empty());
}

TEST_CASE_METHOD(CodeStoreFixture,
                 "a taken code hash is a conflict and an unregistered client a constraint",
                 "[authorize][code]") {  // SEC-2: the hash is the key
  REQUIRE(create("hash-1", code()) == StoreStatus::ok);
  CHECK(create("hash-1", code("grant-2")) == StoreStatus::conflict);
  CHECK(create("hash-2", code("grant-2", "nobody")) == StoreStatus::constraint);
}

TEST_CASE_METHOD(CodeStoreFixture, "of concurrent redemptions of one code exactly one succeeds",
                 "[authorize][code]") {  // AUTHZ-11: single use
  REQUIRE(create("hash-1", code("grant-9")) == StoreStatus::ok);
  constexpr int kThreads = 8;
  std::vector<std::future<Outcome>> outcomes;
  for (int i = 0; i < kThreads; ++i) {
    outcomes.push_back(std::async(std::launch::async, [this] { return consume("hash-1"); }));
  }
  int ok = 0;
  int used = 0;
  for (auto& f : outcomes) {
    Outcome o = f.get();
    if (o) {
      ++ok;
    } else if (o.error().error == CodeError::used && o.error().grant_id == "grant-9") {
      ++used;
    }
  }
  CHECK(ok == 1);
  CHECK(used == kThreads - 1);
}

TEST_CASE_METHOD(CodeStoreFixture,
                 "a redemption the store cannot accept is a store error, never ok",
                 "[authorize][code]") {
  REQUIRE(create("hash-1", code()) == StoreStatus::ok);
  db->close();
  Outcome refused = consume("hash-1");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().error == CodeError::store_error);
}

TEST_CASE_METHOD(CodeStoreFixture, "deleting a client deletes its codes", "[authorize][code]") {
  REQUIRE(add_client("other") == StoreStatus::ok);
  REQUIRE(create("hash-1", code()) == StoreStatus::ok);
  REQUIRE(create("hash-2", code("grant-2", "other")) == StoreStatus::ok);
  REQUIRE(delete_client("app") == StoreStatus::ok);
  CHECK(consume("hash-1").error().error == CodeError::unknown);
  CHECK(rows("authorization_codes") == 1);
}

TEST_CASE_METHOD(CodeStoreFixture,
                 "the purge deletes expired codes, used or not, at most `limit` per call",
                 "[authorize][code]") {  // issue 7: codes are purged when expired
  for (int i = 0; i < 5; ++i) {
    AuthorizationCode old = code("old-" + std::to_string(i));
    old.expires_at = now() + i;  // all expired once the clock reaches now() + 4
    REQUIRE(create("old-" + std::to_string(i), old) == StoreStatus::ok);
  }
  REQUIRE(consume("old-4"));  // used, then expired: goes too
  REQUIRE(create("live-unused", code("live-1")) == StoreStatus::ok);
  REQUIRE(create("live-used", code("live-2")) == StoreStatus::ok);
  REQUIRE(consume("live-used"));  // used but not expired: stays, so reuse is still recognised
  clock.advance(4);

  REQUIRE(delete_expired(2) == StoreStatus::ok);
  CHECK(rows("authorization_codes") == 5);
  REQUIRE(delete_expired(2) == StoreStatus::ok);
  CHECK(rows("authorization_codes") == 3);
  REQUIRE(delete_expired(2) == StoreStatus::ok);
  CHECK(rows("authorization_codes") == 2);
  REQUIRE(delete_expired(2) == StoreStatus::ok);
  CHECK(rows("authorization_codes") == 2);
  CHECK(consume("live-unused"));
  CHECK(consume("live-used").error().error == CodeError::used);
}

}  // namespace
}  // namespace sa::authorize
