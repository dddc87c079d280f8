#include "tokens/token_store.hpp"

#include <catch2/catch.hpp>
#include <optional>

#include "unit/tokens/token_test_support.hpp"

namespace sa::tokens {
namespace {

using store::DoneFn;
using store::StoreStatus;
using store::test::wait_for_done;

AccessTokenRecord token(std::string jti, std::string client_id = "bulk",
                        std::int64_t expires_at = 1'700'000'300) {
  return AccessTokenRecord{.jti = std::move(jti),
                           .client_id = std::move(client_id),
                           .subject = "bulk",
                           .scope = "system/*.read",
                           .issued_at = 1'700'000'000,
                           .expires_at = expires_at};
}

struct TokenStoreFixture : test::TokenDatabase {
  SqliteTokenStore store{*db};
  TokenStoreFixture() { REQUIRE(add_client("bulk") == StoreStatus::ok); }

  StoreStatus record(AccessTokenRecord t) {
    return wait_for_done([&](DoneFn done) { store.record(std::move(t), {}, std::move(done)); });
  }
  StoreStatus revoke(const std::string& jti, std::int64_t now) {
    return wait_for_done([&](DoneFn done) { store.revoke(jti, now, std::move(done)); });
  }
  // The purge's status and how many rows it deleted.
  std::pair<StoreStatus, std::uint64_t> delete_expired(std::int64_t now,
                                                       std::uint32_t limit = 100) {
    return store::test::wait_for_purge(
        [&](store::PurgedFn done) { store.delete_expired(now, limit, std::move(done)); });
  }
  bool exists(const std::string& jti) { return store.find(jti).has_value(); }
};

TEST_CASE_METHOD(TokenStoreFixture, "a recorded token is found by its jti with every field",
                 "[tokens][store]") {
  REQUIRE(add_grant("grant-1", "bulk") == StoreStatus::ok);
  AccessTokenRecord full = token("jti-1");
  full.grant_id = "grant-1";
  full.context_json = R"({"patient":"123"})";
  REQUIRE(record(full) == StoreStatus::ok);
  REQUIRE(record(token("jti-2")) == StoreStatus::ok);

  auto found = store.find("jti-1");
  REQUIRE(found);
  CHECK(found->jti == "jti-1");
  CHECK(found->client_id == "bulk");
  CHECK(found->subject == "bulk");
  CHECK(found->scope == "system/*.read");
  CHECK(found->issued_at == 1'700'000'000);
  CHECK(found->expires_at == 1'700'000'300);
  CHECK(found->grant_id == std::optional<std::string>("grant-1"));
  CHECK(found->context_json == std::optional<std::string>(R"({"patient":"123"})"));
  CHECK_FALSE(found->revoked_at);

  auto bare = store.find("jti-2");
  REQUIRE(bare);
  CHECK_FALSE(bare->grant_id);
  CHECK_FALSE(bare->context_json);
  CHECK_FALSE(bare->revoked_at);
}

TEST_CASE_METHOD(TokenStoreFixture, "an unrecorded token gets its row only when revoked",
                 "[tokens][store]") {  // migration 0010
  auto revoke_unrecorded = [&](AccessTokenRecord t, std::int64_t now) {
    return wait_for_done(
        [&](DoneFn done) { store.record_revoked(std::move(t), now, std::move(done)); });
  };
  CHECK(revoke_unrecorded(token("s-jti"), 1'700'000'010) == StoreStatus::ok);
  CHECK(store.find("s-jti")->revoked_at == std::optional<std::int64_t>(1'700'000'010));
  CHECK(revoke_unrecorded(token("s-jti"), 1'700'000'020) == StoreStatus::ok);
  CHECK(store.find("s-jti")->revoked_at == std::optional<std::int64_t>(1'700'000'010));
  // Its client is gone: the foreign key still holds, and nothing is written.
  CHECK(revoke_unrecorded(token("s-gone", "nobody"), 1'700'000'010) == StoreStatus::constraint);
  CHECK_FALSE(exists("s-gone"));
}

TEST_CASE_METHOD(TokenStoreFixture, "a client's bounds: when it was issued, and its cut-off",
                 "[tokens][store]") {  // migration 0010
  auto bounds = store.client_bounds("bulk");
  REQUIRE(bounds);
  CHECK(bounds->client_issued_at == 0);
  CHECK_FALSE(bounds->revoked_before);
  REQUIRE(db->write_sync([](store::Connection& conn) {
    return conn.exec("INSERT INTO client_token_cutoffs VALUES ('bulk', 1700000050)");
  }) == StoreStatus::ok);
  CHECK(store.client_bounds("bulk")->revoked_before == std::optional<std::int64_t>(1'700'000'050));
  CHECK(store.client_bounds("nobody").error() == StoreStatus::not_found);
  // The cut-off goes with its client.
  REQUIRE(delete_client("bulk") == StoreStatus::ok);
  CHECK(store.client_bounds("bulk").error() == StoreStatus::not_found);
  CHECK(db->read([](store::Connection& conn) {
    return store::test::query_int(conn, "SELECT count(*) FROM client_token_cutoffs");
  }) == 0);
}

TEST_CASE_METHOD(TokenStoreFixture, "an unknown jti is not found", "[tokens][store]") {
  auto found = store.find("nope");
  REQUIRE_FALSE(found);
  CHECK(found.error() == StoreStatus::not_found);
}

TEST_CASE_METHOD(TokenStoreFixture,
                 "a taken jti is a conflict and an unregistered client a constraint",
                 "[tokens][store]") {
  REQUIRE(record(token("jti-1")) == StoreStatus::ok);
  CHECK(record(token("jti-1")) == StoreStatus::conflict);
  CHECK(record(token("jti-2", "no-such-client")) == StoreStatus::constraint);
  CHECK_FALSE(exists("jti-2"));
}

TEST_CASE_METHOD(TokenStoreFixture, "revoking keeps the first revocation time", "[tokens][store]") {
  REQUIRE(record(token("jti-1")) == StoreStatus::ok);
  CHECK(revoke("jti-1", 1'700'000'010) == StoreStatus::ok);
  CHECK(revoke("jti-1", 1'700'000'020) == StoreStatus::ok);
  CHECK(store.find("jti-1")->revoked_at == std::optional<std::int64_t>(1'700'000'010));
  CHECK(revoke("no-such-jti", 1'700'000'020) == StoreStatus::not_found);
}

TEST_CASE_METHOD(TokenStoreFixture, "a token is found revoked when its grant is, and only then",
                 "[tokens][store]") {
  // TOKEN-13, RFC 7009 §2.1: a grant's revocation is one row (migration 0009), read with each of
  // its access tokens; a token's own earlier revocation is kept.
  REQUIRE(add_grant("grant-a", "bulk", 1'700'000'010) == StoreStatus::ok);
  REQUIRE(add_grant("grant-b", "bulk") == StoreStatus::ok);
  for (const char* jti : {"a1", "a2", "b1"}) {
    AccessTokenRecord t = token(jti);
    t.grant_id = std::string(jti).starts_with("a") ? "grant-a" : "grant-b";
    REQUIRE(record(t) == StoreStatus::ok);
  }
  REQUIRE(record(token("none")) == StoreStatus::ok);
  REQUIRE(revoke("a2", 1'700'000'005) == StoreStatus::ok);

  CHECK(store.find("a1")->revoked_at == std::optional<std::int64_t>(1'700'000'010));
  CHECK(store.find("a2")->revoked_at == std::optional<std::int64_t>(1'700'000'005));
  CHECK_FALSE(store.find("b1")->revoked_at);
  CHECK_FALSE(store.find("none")->revoked_at);

  SECTION("a token whose grant is gone counts as revoked when it was issued") {
    AccessTokenRecord orphan = token("orphan");
    orphan.grant_id = "no-such-grant";
    REQUIRE(record(orphan) == StoreStatus::ok);
    CHECK(store.find("orphan")->revoked_at == std::optional<std::int64_t>(1'700'000'000));
  }
}

TEST_CASE_METHOD(TokenStoreFixture, "expired tokens are deleted, live ones kept",
                 "[tokens][store]") {
  REQUIRE(record(token("old", "bulk", 1'700'000'100)) == StoreStatus::ok);
  REQUIRE(record(token("edge", "bulk", 1'700'000'200)) == StoreStatus::ok);
  REQUIRE(record(token("live", "bulk", 1'700'000'201)) == StoreStatus::ok);
  CHECK(delete_expired(1'700'000'200) == std::pair{StoreStatus::ok, std::uint64_t{2}});
  CHECK_FALSE(exists("old"));
  CHECK_FALSE(exists("edge"));
  CHECK(exists("live"));
}

TEST_CASE_METHOD(TokenStoreFixture, "the purge deletes at most `limit` expired tokens per call",
                 "[tokens][store]") {
  // Issue 8: purged in bounded batches, so one purge never holds the writer for long.
  for (const char* jti : {"old-1", "old-2", "old-3"}) {
    REQUIRE(record(token(jti, "bulk", 1'700'000'100)) == StoreStatus::ok);
  }
  REQUIRE(record(token("live", "bulk", 1'700'000'201)) == StoreStatus::ok);
  // A full slice tells the purge to go on (store::PurgeChain); a short one that it is done.
  CHECK(delete_expired(1'700'000'200, 2) == std::pair{StoreStatus::ok, std::uint64_t{2}});
  CHECK((exists("old-1") ? 1 : 0) + (exists("old-2") ? 1 : 0) + (exists("old-3") ? 1 : 0) == 1);
  CHECK(delete_expired(1'700'000'200, 2) == std::pair{StoreStatus::ok, std::uint64_t{1}});
  CHECK_FALSE(exists("old-1"));
  CHECK_FALSE(exists("old-2"));
  CHECK_FALSE(exists("old-3"));
  CHECK(exists("live"));
}

TEST_CASE_METHOD(TokenStoreFixture, "deleting a client deletes its tokens", "[tokens][store]") {
  // RFC 7592 §2.3: a deleted client's tokens must stop working.
  REQUIRE(add_client("other") == StoreStatus::ok);
  REQUIRE(record(token("mine")) == StoreStatus::ok);
  REQUIRE(record(token("theirs", "other")) == StoreStatus::ok);
  REQUIRE(delete_client("bulk") == StoreStatus::ok);
  CHECK_FALSE(exists("mine"));
  CHECK(exists("theirs"));
}

TEST_CASE_METHOD(test::TokenDatabase, "token rows are indexed by client and expiry, never by grant",
                 "[tokens][store]") {
  // Migration 0009: an index keyed by grant_id takes a random page per token of an old grant;
  // a grant's revocation is read from its row instead.
  auto conn = store::test::observer(dir.file("test.db"));
  CHECK(store::test::query_int(*conn,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name = 'access_tokens' AND name IN ("
                               "'access_tokens_client_id', 'access_tokens_expires_at')") == 2);
  CHECK(store::test::query_int(*conn,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name IN ('access_tokens', 'refresh_tokens') AND "
                               "sql LIKE '%grant_id%'") == 0);
  CHECK(store::test::query_int(
            *conn, "SELECT count(*) FROM pragma_foreign_key_list('refresh_tokens')") == 0);
  CHECK(store::test::query_int(*conn, "SELECT strict FROM pragma_table_list('access_tokens')") ==
        1);
}

}  // namespace
}  // namespace sa::tokens
