#include <catch2/catch.hpp>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "tokens/sqlite_grant_store.hpp"
#include "tokens/token_store.hpp"
#include "unit/tokens/token_test_support.hpp"

namespace sa::tokens {
namespace {

using store::Connection;
using store::DoneFn;
using store::StoreStatus;
using store::test::query_int;
using store::test::wait_for_done;

constexpr std::int64_t kT0 = 1'700'000'000;

GrantRecord grant(std::string grant_id, RefreshKind kind = RefreshKind::offline,
                  std::string client_id = "app") {
  return GrantRecord{.grant_id = std::move(grant_id),
                     .client_id = std::move(client_id),
                     .user_id = "u-1",
                     .fhir_user = "Patient/123",
                     .user_name = "Ada Lovelace",
                     .auth_time = kT0 - 30,
                     .scope = "launch/patient patient/*.rs offline_access openid",
                     .context_json = R"({"patient":"123"})",
                     .aud = "https://fhir.example/r4",
                     .refresh = kind,
                     .created_at = kT0,
                     .expires_at = kT0 + 1'000};
}

RefreshTokenRecord refresh(std::string hash, std::string grant_id,
                           std::int64_t expires_at = kT0 + 1'000) {
  return RefreshTokenRecord{.token_hash = std::move(hash),
                            .grant_id = std::move(grant_id),
                            .scope = "patient/*.rs offline_access",
                            .issued_at = kT0,
                            .expires_at = expires_at};
}

struct GrantStoreFixture : test::TokenDatabase {
  SqliteGrantStore grants{*db};
  SqliteTokenStore tokens{*db};
  GrantStoreFixture() { REQUIRE(add_client("app") == StoreStatus::ok); }

  StoreStatus write(store::Database::WriteFn fn) {
    return wait_for_done([&](DoneFn done) { db->write(std::move(fn), std::move(done)); });
  }
  StoreStatus create(GrantRecord g, std::optional<RefreshTokenRecord> r = std::nullopt) {
    return write(grants.create(std::move(g), std::move(r)));
  }
  // The offline grant `id` with its first refresh token `hash`.
  void create_family(const std::string& id, const std::string& hash,
                     std::int64_t expires_at = kT0 + 1'000) {
    GrantRecord g = grant(id);
    g.expires_at = expires_at;
    REQUIRE(create(g, refresh(hash, id, expires_at)) == StoreStatus::ok);
  }
  StoreStatus rotate(const std::string& old_hash, std::int64_t now, std::uint32_t grace_s,
                     RefreshTokenRecord next) {
    return write(grants.rotate(old_hash, now, grace_s, std::move(next)));
  }
  StoreStatus revoke(const std::string& grant_id, std::int64_t now) {
    return wait_for_done([&](DoneFn done) { grants.revoke(grant_id, now, std::move(done)); });
  }
  StoreStatus delete_expired(std::int64_t now, std::uint32_t limit) {
    return store::test::wait_for_purge(
               [&](store::PurgedFn done) { grants.delete_expired(now, limit, std::move(done)); })
        .first;
  }
  StoreStatus record_access(const std::string& jti, const std::string& grant_id) {
    AccessTokenRecord t{.jti = jti,
                        .client_id = "app",
                        .subject = "u-1",
                        .scope = "patient/*.rs",
                        .issued_at = kT0,
                        .expires_at = kT0 + 3'600,
                        .grant_id = grant_id};
    return wait_for_done([&](DoneFn done) { tokens.record(t, {}, std::move(done)); });
  }
  StoreStatus add_session(const std::string& id_hash, std::int64_t expires_at,
                          std::int64_t last_seen) {
    return db->write_sync([&](Connection& conn) {
      return conn
          .prepare(
              "INSERT INTO login_sessions(id_hash, user_id, auth_time, last_seen, expires_at) "
              "VALUES (?, 'u-1', ?, ?, ?)")
          .bind(1, id_hash)
          .bind(2, kT0 - 30)
          .bind(3, last_seen)
          .bind(4, expires_at)
          .run();
    });
  }
  std::int64_t count(const std::string& sql) {
    auto conn = store::test::observer(dir.file("test.db"));
    return query_int(*conn, sql);
  }
};

TEST_CASE("a refresh token is keyed by its ordered prefix and its hash", "[tokens][grants]") {
  // RFC 6749 §10.4: only a hash is stored; the prefix (not secret) makes the row append.
  crypto::FakeRandom random(9);
  const std::string token = crypto::ordered_token(random, kT0, kRefreshTokenBytes);
  REQUIRE(token.size() == 14 + 43);
  const std::string key = refresh_token_key(token);
  CHECK(key == token.substr(0, 14) + crypto::sha256_b64url(token));
  CHECK(key.find(token.substr(14)) == std::string::npos);  // the random part is not in it
  // Tokens issued before migration 0009 (43 random characters) keep their plain-hash key, and
  // any other string gets one too, which no prefixed row matches.
  const std::string legacy = crypto::random_token(random, kRefreshTokenBytes);
  CHECK(refresh_token_key(legacy) == crypto::sha256_b64url(legacy));
  CHECK(refresh_token_key(token + "x") == crypto::sha256_b64url(token + "x"));
  std::string upper = token;
  upper[0] = 'X';
  CHECK(refresh_token_key(upper) == crypto::sha256_b64url(upper));
}

TEST_CASE("refresh kinds are spelled as the grants table stores them", "[tokens][grants]") {
  for (RefreshKind kind : {RefreshKind::none, RefreshKind::offline, RefreshKind::online}) {
    CHECK(parse_refresh_kind(to_string(kind)) == kind);
  }
  CHECK(to_string(RefreshKind::offline) == "offline");
  CHECK_FALSE(parse_refresh_kind("Offline"));
  CHECK_FALSE(parse_refresh_kind(""));
}

TEST_CASE_METHOD(GrantStoreFixture,
                 "a created grant and its refresh token are found with every field",
                 "[tokens][grants]") {
  // TOKEN-13, REFRESH-2: the family is bound to its client, user, scope, audience and context.
  create_family("g-1", "h-1");
  REQUIRE(create(grant("g-none", RefreshKind::none)) == StoreStatus::ok);

  auto found = grants.find_grant("g-1");
  REQUIRE(found);
  CHECK(found->grant_id == "g-1");
  CHECK(found->client_id == "app");
  CHECK(found->user_id == "u-1");
  CHECK(found->fhir_user == "Patient/123");
  CHECK(found->user_name == "Ada Lovelace");
  CHECK(found->auth_time == kT0 - 30);
  CHECK(found->scope == "launch/patient patient/*.rs offline_access openid");
  CHECK(found->context_json == std::optional<std::string>(R"({"patient":"123"})"));
  CHECK(found->aud == "https://fhir.example/r4");
  CHECK(found->refresh == RefreshKind::offline);
  CHECK_FALSE(found->session_hash);
  CHECK(found->created_at == kT0);
  CHECK(found->expires_at == kT0 + 1'000);
  CHECK_FALSE(found->revoked_at);
  CHECK(grants.find_grant("g-none")->refresh == RefreshKind::none);

  auto lookup = grants.find_refresh("h-1");
  REQUIRE(lookup);
  CHECK(lookup->token.token_hash == "h-1");
  CHECK(lookup->token.grant_id == "g-1");
  CHECK(lookup->token.scope == "patient/*.rs offline_access");
  CHECK(lookup->token.issued_at == kT0);
  CHECK(lookup->token.expires_at == kT0 + 1'000);
  CHECK_FALSE(lookup->token.retired_at);
  CHECK(lookup->grant.grant_id == "g-1");
  CHECK(lookup->grant.user_name == "Ada Lovelace");
  CHECK_FALSE(lookup->session);  // offline families never carry a session
}

TEST_CASE_METHOD(GrantStoreFixture, "unknown grants and refresh tokens are not found",
                 "[tokens][grants]") {
  auto lookup = grants.find_refresh("nope");
  REQUIRE_FALSE(lookup);
  CHECK(lookup.error() == StoreStatus::not_found);
  auto found = grants.find_grant("nope");
  REQUIRE_FALSE(found);
  CHECK(found.error() == StoreStatus::not_found);
}

TEST_CASE_METHOD(GrantStoreFixture, "an online family is looked up with its login session",
                 "[tokens][grants]") {
  // REFRESH-10: online_access ends with the user's session, so the lookup carries its times.
  GrantRecord online = grant("g-on", RefreshKind::online);
  online.session_hash = "sess-1";
  REQUIRE(create(online, refresh("h-on", "g-on")) == StoreStatus::ok);
  REQUIRE(add_session("sess-1", kT0 + 500, kT0 + 10) == StoreStatus::ok);

  auto lookup = grants.find_refresh("h-on");
  REQUIRE(lookup);
  CHECK(lookup->grant.session_hash == std::optional<std::string>("sess-1"));
  REQUIRE(lookup->session);
  CHECK(lookup->session->expires_at == kT0 + 500);
  CHECK(lookup->session->last_seen == kT0 + 10);

  SECTION("and without it once the session is gone") {
    REQUIRE(db->write_sync([](Connection& conn) {
      return conn.prepare("DELETE FROM login_sessions WHERE id_hash = 'sess-1'").run();
    }) == StoreStatus::ok);
    auto after = grants.find_refresh("h-on");
    REQUIRE(after);
    CHECK_FALSE(after->session);
  }
  SECTION("but an offline family sharing the session hash ignores it") {
    GrantRecord offline = grant("g-off");
    offline.session_hash = "sess-1";
    REQUIRE(create(offline, refresh("h-off", "g-off")) == StoreStatus::ok);
    CHECK_FALSE(grants.find_refresh("h-off")->session);
  }
}

TEST_CASE_METHOD(GrantStoreFixture,
                 "creating a taken grant or token is a conflict and writes nothing",
                 "[tokens][grants]") {
  create_family("g-1", "h-1");
  CHECK(create(grant("g-1"), std::nullopt) == StoreStatus::conflict);
  // The grant insert succeeds but the token's hash is taken: the whole write is undone.
  CHECK(create(grant("g-2"), refresh("h-1", "g-2")) == StoreStatus::conflict);
  CHECK(grants.find_grant("g-2").error() == StoreStatus::not_found);
  CHECK(create(grant("g-3", RefreshKind::offline, "no-such-client")) == StoreStatus::constraint);
  CHECK(create(grant("g-4"), refresh("h-4", "another-grant")) == StoreStatus::constraint);
  CHECK(count("SELECT count(*) FROM grants") == 1);
  CHECK(count("SELECT count(*) FROM refresh_tokens") == 1);
}

TEST_CASE_METHOD(GrantStoreFixture, "rotation retires the old token and adds the next",
                 "[tokens][grants]") {
  // REFRESH-8, RFC 9700 §4.14.2: every use returns a new refresh token and retires the old one.
  create_family("g-1", "h-1");
  REQUIRE(rotate("h-1", kT0 + 100, 5, refresh("h-2", "g-1", kT0 + 2'000)) == StoreStatus::ok);

  auto old = grants.find_refresh("h-1");
  REQUIRE(old);
  CHECK(old->token.retired_at == std::optional<std::int64_t>(kT0 + 100));
  auto next = grants.find_refresh("h-2");
  REQUIRE(next);
  CHECK_FALSE(next->token.retired_at);
  CHECK(next->token.expires_at == kT0 + 2'000);
  // REFRESH-9: an offline family is renewed on rotation, past the next token's expiry by an
  // eighth of its lifetime ((2000 - 100) / 8 = 237), so that later rotations need not write it.
  CHECK(next->grant.expires_at == kT0 + 2'237);

  SECTION("a next token expiring earlier never shortens the grant") {
    REQUIRE(rotate("h-2", kT0 + 200, 5, refresh("h-3", "g-1", kT0 + 1'500)) == StoreStatus::ok);
    CHECK(grants.find_grant("g-1")->expires_at == kT0 + 2'237);
  }
  SECTION("the grant is written again only once next would outlive it") {
    REQUIRE(rotate("h-2", kT0 + 300, 5, refresh("h-3", "g-1", kT0 + 2'237)) == StoreStatus::ok);
    CHECK(grants.find_grant("g-1")->expires_at == kT0 + 2'237);
    REQUIRE(rotate("h-3", kT0 + 400, 5, refresh("h-4", "g-1", kT0 + 2'238)) == StoreStatus::ok);
    CHECK(grants.find_grant("g-1")->expires_at == kT0 + 2'238 + (2'238 - 400) / 8);
  }
}

TEST_CASE_METHOD(GrantStoreFixture, "a retired token rotates only within the grace window",
                 "[tokens][grants]") {
  // REFRESH-8: an app's own concurrent refreshes may both present the same token for a few
  // seconds; later it is reuse.
  create_family("g-1", "h-1");
  REQUIRE(rotate("h-1", kT0 + 100, 5, refresh("h-2", "g-1")) == StoreStatus::ok);

  SECTION("at the last second of the window, keeping the first retirement time") {
    CHECK(rotate("h-1", kT0 + 105, 5, refresh("h-3", "g-1")) == StoreStatus::ok);
    CHECK(grants.find_refresh("h-1")->token.retired_at == std::optional<std::int64_t>(kT0 + 100));
    CHECK(grants.find_refresh("h-3"));
  }
  SECTION("not one second past it, and nothing changes") {
    CHECK(rotate("h-1", kT0 + 106, 5, refresh("h-3", "g-1")) == StoreStatus::conflict);
    CHECK(grants.find_refresh("h-3").error() == StoreStatus::not_found);
  }
  SECTION("never with a zero-second window once a second has passed") {
    CHECK(rotate("h-1", kT0 + 101, 0, refresh("h-3", "g-1")) == StoreStatus::conflict);
  }
}

TEST_CASE_METHOD(GrantStoreFixture, "expired, revoked or unknown tokens do not rotate",
                 "[tokens][grants]") {
  // REFRESH-7: expired and revoked refresh tokens are no longer valid grants.
  create_family("g-1", "h-1", kT0 + 1'000);

  SECTION("expires_at is the first second the token is invalid") {
    CHECK(rotate("h-1", kT0 + 999, 5, refresh("h-2", "g-1")) == StoreStatus::ok);
  }
  SECTION("at expires_at it is a conflict") {
    CHECK(rotate("h-1", kT0 + 1'000, 5, refresh("h-2", "g-1")) == StoreStatus::conflict);
    CHECK_FALSE(grants.find_refresh("h-1")->token.retired_at);
  }
  SECTION("a revoked family") {
    REQUIRE(revoke("g-1", kT0 + 10) == StoreStatus::ok);
    CHECK(rotate("h-1", kT0 + 11, 5, refresh("h-2", "g-1")) == StoreStatus::conflict);
  }
  SECTION("an unknown token") {
    CHECK(rotate("nope", kT0 + 11, 5, refresh("h-2", "g-1")) == StoreStatus::conflict);
  }
  SECTION("a next token of another grant is a caller bug") {
    create_family("g-2", "h-other");
    CHECK(rotate("h-1", kT0 + 11, 5, refresh("h-2", "g-2")) == StoreStatus::constraint);
    CHECK_FALSE(grants.find_refresh("h-1")->token.retired_at);
  }
}

TEST_CASE_METHOD(GrantStoreFixture, "revoking a grant ends its refresh and access tokens only",
                 "[tokens][grants]") {
  // TOKEN-4, REFRESH-8: a reused code or refresh token ends the whole family.
  create_family("g-1", "h-1");
  REQUIRE(rotate("h-1", kT0 + 5, 5, refresh("h-2", "g-1")) == StoreStatus::ok);
  create_family("g-2", "h-other");
  REQUIRE(record_access("jti-1", "g-1") == StoreStatus::ok);
  REQUIRE(record_access("jti-2", "g-1") == StoreStatus::ok);
  REQUIRE(record_access("jti-other", "g-2") == StoreStatus::ok);

  REQUIRE(revoke("g-1", kT0 + 50) == StoreStatus::ok);
  CHECK(grants.find_grant("g-1")->revoked_at == std::optional<std::int64_t>(kT0 + 50));
  // One row ends the family (migration 0009): each of its refresh tokens is read with its
  // grant's revocation, and the rotation check refuses it.
  CHECK(grants.find_refresh("h-1")->token.retired_at == std::optional<std::int64_t>(kT0 + 5));
  CHECK(grants.find_refresh("h-2")->grant.revoked_at == std::optional<std::int64_t>(kT0 + 50));
  CHECK(rotate("h-2", kT0 + 51, 5, refresh("h-3", "g-1")) == StoreStatus::conflict);
  CHECK(tokens.find("jti-1")->revoked_at == std::optional<std::int64_t>(kT0 + 50));
  CHECK(tokens.find("jti-2")->revoked_at == std::optional<std::int64_t>(kT0 + 50));

  CHECK_FALSE(grants.find_grant("g-2")->revoked_at);
  CHECK_FALSE(grants.find_refresh("h-other")->grant.revoked_at);
  CHECK_FALSE(tokens.find("jti-other")->revoked_at);

  SECTION("a second revocation keeps the first time") {
    REQUIRE(revoke("g-1", kT0 + 90) == StoreStatus::ok);
    CHECK(grants.find_grant("g-1")->revoked_at == std::optional<std::int64_t>(kT0 + 50));
    CHECK(tokens.find("jti-1")->revoked_at == std::optional<std::int64_t>(kT0 + 50));
  }
  SECTION("an unknown grant is ok") { CHECK(revoke("no-such-grant", kT0 + 90) == StoreStatus::ok); }
}

TEST_CASE_METHOD(GrantStoreFixture, "the purge deletes at most `limit` expired rows per table",
                 "[tokens][grants]") {
  // Issue 8: purged in bounded batches without stalling writers.
  create_family("live", "h-live", kT0 + 1'000);
  // Three rotated-out tokens of the live family, expired at kT0 + 100.
  REQUIRE(db->write_sync([](Connection& conn) {
    return conn
        .prepare(
            "INSERT INTO refresh_tokens(token_hash, grant_id, scope, issued_at, expires_at, "
            "retired_at) VALUES ('old-1', 'live', 's', 0, 1700000100, 1), "
            "('old-2', 'live', 's', 0, 1700000100, 1), ('old-3', 'live', 's', 0, 1700000100, 1)")
        .run();
  }) == StoreStatus::ok);
  // Three grants that ended at kT0 + 200, without refresh tokens.
  for (const char* id : {"dead-1", "dead-2", "dead-3"}) {
    GrantRecord dead = grant(id, RefreshKind::none);
    dead.expires_at = kT0 + 200;
    REQUIRE(create(dead) == StoreStatus::ok);
  }
  const std::string expired_tokens =
      "SELECT count(*) FROM refresh_tokens WHERE expires_at <= 1700000200";
  const std::string expired_grants = "SELECT count(*) FROM grants WHERE expires_at <= 1700000200";

  REQUIRE(delete_expired(kT0 + 200, 2) == StoreStatus::ok);
  CHECK(count(expired_tokens) == 1);
  CHECK(count(expired_grants) == 1);
  REQUIRE(delete_expired(kT0 + 200, 2) == StoreStatus::ok);
  CHECK(count(expired_tokens) == 0);
  CHECK(count(expired_grants) == 0);
  CHECK(grants.find_refresh("h-live"));
  CHECK(grants.find_grant("live"));

  SECTION("a purged grant's refresh tokens are unknown with it") {
    create_family("ended", "h-ended", kT0 + 300);
    // Its token is kept live on purpose: it is unknown because its grant is gone (a refresh
    // token is only ever read joined to its grant), and purged later by its own expiry.
    REQUIRE(db->write_sync([](Connection& conn) {
      return conn
          .prepare(
              "UPDATE refresh_tokens SET expires_at = 1700009999 WHERE token_hash = "
              "'h-ended'")
          .run();
    }) == StoreStatus::ok);
    REQUIRE(delete_expired(kT0 + 300, 2) == StoreStatus::ok);
    CHECK(grants.find_grant("ended").error() == StoreStatus::not_found);
    CHECK(grants.find_refresh("h-ended").error() == StoreStatus::not_found);
  }
}

TEST_CASE_METHOD(GrantStoreFixture, "a deleted client takes its grants and refresh tokens",
                 "[tokens][grants]") {
  // RFC 7592 §2.3: a deleted client's tokens must stop working.
  REQUIRE(add_client("other") == StoreStatus::ok);
  create_family("mine", "h-mine");
  REQUIRE(create(grant("theirs", RefreshKind::offline, "other"), refresh("h-theirs", "theirs")) ==
          StoreStatus::ok);
  REQUIRE(delete_client("app") == StoreStatus::ok);
  CHECK(grants.find_grant("mine").error() == StoreStatus::not_found);
  CHECK(grants.find_refresh("h-mine").error() == StoreStatus::not_found);
  CHECK(rotate("h-mine", kT0 + 1, 5, refresh("h-next", "mine")) == StoreStatus::conflict);
  CHECK(grants.find_refresh("h-theirs"));
}

TEST_CASE_METHOD(GrantStoreFixture,
                 "a refresh token whose grant is gone stays unknown when a new grant takes its "
                 "grant_seq",
                 "[tokens][grants]") {
  // Migration 0013: a token finds its grant by grant_seq, the grant's rowid, and SQLite gives the
  // largest rowid again once its row is deleted. The token must not become the new grant's.
  create_family("gone", "h-gone");
  const auto seq = count("SELECT grant_seq FROM grants WHERE grant_id = 'gone'");
  CHECK(seq == count("SELECT grant_seq FROM refresh_tokens WHERE token_hash = 'h-gone'"));
  REQUIRE(write([](Connection& conn) {
            return conn.exec("DELETE FROM grants WHERE grant_id = 'gone'");
          }) == StoreStatus::ok);
  create_family("newcomer", "h-newcomer");
  REQUIRE(count("SELECT grant_seq FROM grants WHERE grant_id = 'newcomer'") == seq);

  CHECK(grants.find_refresh("h-gone").error() == StoreStatus::not_found);
  CHECK(rotate("h-gone", kT0 + 1, 5, refresh("h-stolen", "newcomer")) == StoreStatus::conflict);
  CHECK(grants.find_refresh("h-stolen").error() == StoreStatus::not_found);
  auto found = grants.find_refresh("h-newcomer");
  REQUIRE(found);
  CHECK(found->grant.grant_id == "newcomer");
}

}  // namespace
}  // namespace sa::tokens

namespace sa::tokens {
namespace {

// A database as an older release left it: the embedded migrations up to `version` only.
std::unique_ptr<store::Database> open_up_to(const store::test::TempDir& dir, const Clock& clock,
                                            std::int64_t version) {
  std::vector<store::Migration> migrations;
  for (const auto& m : store::embedded_migrations()) {
    if (m.version <= version) migrations.push_back(m);
  }
  auto db = store::Database::open(store::test::settings_in(dir), migrations, clock);
  if (!db) FAIL(db.error());
  return std::move(*db);
}

TEST_CASE("migration 0009 keeps the refresh and access tokens issued before it",
          "[tokens][grants]") {
  // Nothing is lost on upgrade: a family from a 0008 database rotates, and a grant revoked
  // there still ends its access tokens, with the grant_id indexes gone.
  store::test::TempDir dir;
  FakeClock clock{kT0};
  {
    auto old = open_up_to(dir, clock, 8);
    REQUIRE(store::test::add_public_client(*old, "app") == StoreStatus::ok);
    REQUIRE(old->write_sync([](Connection& conn) {
      return conn.exec(
          "INSERT INTO grants(grant_id, client_id, user_id, fhir_user, user_name, auth_time, "
          "scope, aud, refresh_kind, created_at, expires_at, revoked_at) VALUES "
          "('g-live', 'app', 'u', 'Patient/1', 'U', 0, 'offline_access', 'https://fhir', "
          "'offline', 0, 1700001000, NULL), "
          "('g-revoked', 'app', 'u', 'Patient/1', 'U', 0, 'offline_access', 'https://fhir', "
          "'offline', 0, 1700001000, 1699999999);"
          "INSERT INTO refresh_tokens(token_hash, grant_id, scope, issued_at, expires_at) VALUES "
          "('legacy-hash', 'g-live', 'offline_access', 0, 1700001000);"
          "INSERT INTO access_tokens(jti, client_id, subject, scope, issued_at, expires_at, "
          "grant_id) VALUES ('old-jti', 'app', 'u', 's', 0, 1700001000, 'g-revoked')");
    }) == StoreStatus::ok);
  }
  auto upgraded =
      store::Database::open(store::test::settings_in(dir), store::embedded_migrations(), clock);
  REQUIRE(upgraded);
  SqliteGrantStore grants{**upgraded};
  SqliteTokenStore tokens{**upgraded};
  auto found = grants.find_refresh("legacy-hash");
  REQUIRE(found);
  CHECK(found->grant.grant_id == "g-live");
  CHECK(wait_for_done([&](DoneFn done) {
          (*upgraded)->write(grants.rotate("legacy-hash", kT0, 5, refresh("next", "g-live")),
                             std::move(done));
        }) == StoreStatus::ok);
  CHECK(tokens.find("old-jti")->revoked_at == std::optional<std::int64_t>(1'699'999'999));
}

TEST_CASE("migration 0012 keeps every grant as it was, and the refresh_kind rule",
          "[tokens][grants]") {
  // The grants table is rebuilt for a cheaper CHECK: rows, rowids (the purge's slices), indexes
  // and the foreign key to clients all survive, and a kind outside the three is still refused.
  store::test::TempDir dir;
  FakeClock clock{kT0};
  {
    auto old = open_up_to(dir, clock, 11);
    REQUIRE(store::test::add_public_client(*old, "app") == StoreStatus::ok);
    REQUIRE(old->write_sync([](Connection& conn) {
      return conn.exec(
          "INSERT INTO grants(rowid, grant_id, client_id, user_id, fhir_user, user_name, "
          "auth_time, scope, context_json, aud, refresh_kind, session_hash, created_at, "
          "expires_at, revoked_at) VALUES "
          "(7, 'g-online', 'app', 'u', 'Patient/1', 'U', 5, 'online_access', "
          "'{\"patient\":\"1\"}', "
          "'https://fhir', 'online', 'sess', 6, 1700001000, NULL), "
          "(9, 'g-revoked', 'app', 'u', 'Patient/1', 'U', 0, 'offline_access', NULL, "
          "'https://fhir', 'offline', NULL, 0, 1700001000, 1699999999);"
          "INSERT INTO refresh_tokens(token_hash, grant_id, scope, issued_at, expires_at) VALUES "
          "('online-hash', 'g-online', 'online_access', 0, 1700001000)");
    }) == StoreStatus::ok);
  }
  auto upgraded =
      store::Database::open(store::test::settings_in(dir), store::embedded_migrations(), clock);
  REQUIRE(upgraded);
  auto conn = store::test::observer(dir.file("test.db"));
  CHECK(store::test::query_int(
            *conn,
            "SELECT COUNT(*) FROM grants WHERE rowid = 7 AND grant_id = 'g-online' AND "
            "client_id = 'app' AND auth_time = 5 AND context_json = '{\"patient\":\"1\"}' AND "
            "refresh_kind = 'online' AND session_hash = 'sess' AND created_at = 6 AND "
            "revoked_at IS NULL") == 1);
  CHECK(store::test::query_int(*conn, "SELECT rowid FROM grants WHERE revoked_at = 1699999999") ==
        9);
  CHECK(store::test::query_int(*conn,
                               "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND "
                               "tbl_name = 'grants' AND name LIKE 'grants_%'") == 3);
  SqliteGrantStore grants{**upgraded};
  auto found = grants.find_refresh("online-hash");
  REQUIRE(found);
  CHECK(found->grant.refresh == RefreshKind::online);
  CHECK((*upgraded)->write_sync([](Connection& c) {
    return c.exec(
        "INSERT INTO grants(grant_id, client_id, user_id, fhir_user, user_name, auth_time, scope, "
        "aud, refresh_kind, created_at, expires_at) VALUES ('g-bad', 'app', 'u', 'f', 'U', 0, "
        "'s', 'a', 'forever', 0, 1)");
  }) == StoreStatus::constraint);
  // The foreign key to clients still cascades.
  REQUIRE((*upgraded)->write_sync([](Connection& c) {
    return c.exec("DELETE FROM clients WHERE client_id = 'app'");
  }) == StoreStatus::ok);
  CHECK(store::test::query_int(*conn, "SELECT COUNT(*) FROM grants") == 0);
}

TEST_CASE("migration 0013 gives each refresh token its grant's rowid as grant_seq",
          "[tokens][grants]") {
  // Grants keep their rowids (now grant_seq, which VACUUM keeps), their tokens point at them and
  // still rotate; a token whose grant was already gone stays unknown.
  store::test::TempDir dir;
  FakeClock clock{kT0};
  {
    auto old = open_up_to(dir, clock, 12);
    REQUIRE(store::test::add_public_client(*old, "app") == StoreStatus::ok);
    REQUIRE(old->write_sync([](Connection& conn) {
      return conn.exec(
          "INSERT INTO grants(rowid, grant_id, client_id, user_id, fhir_user, user_name, "
          "auth_time, scope, aud, refresh_kind, created_at, expires_at) VALUES "
          "(41, 'g-old', 'app', 'u', 'Patient/1', 'U', 0, 'offline_access', 'https://fhir', "
          "'offline', 0, 1700001000);"
          "INSERT INTO refresh_tokens(token_hash, grant_id, scope, issued_at, expires_at) VALUES "
          "('old-hash', 'g-old', 'offline_access', 0, 1700001000), "
          "('orphan-hash', 'g-deleted', 'offline_access', 0, 1700001000)");
    }) == StoreStatus::ok);
  }
  auto upgraded =
      store::Database::open(store::test::settings_in(dir), store::embedded_migrations(), clock);
  REQUIRE(upgraded);
  auto conn = store::test::observer(dir.file("test.db"));
  CHECK(query_int(*conn, "SELECT grant_seq FROM grants WHERE grant_id = 'g-old'") == 41);
  CHECK(query_int(*conn, "SELECT rowid FROM grants WHERE grant_id = 'g-old'") == 41);
  CHECK(query_int(*conn, "SELECT grant_seq FROM refresh_tokens WHERE token_hash = 'old-hash'") ==
        41);
  CHECK(query_int(*conn,
                  "SELECT count(*) FROM refresh_tokens WHERE token_hash = 'orphan-hash' "
                  "AND grant_seq IS NULL") == 1);
  SqliteGrantStore grants{**upgraded};
  CHECK(grants.find_refresh("orphan-hash").error() == StoreStatus::not_found);
  auto found = grants.find_refresh("old-hash");
  REQUIRE(found);
  CHECK(found->grant.grant_id == "g-old");
  CHECK(wait_for_done([&](DoneFn done) {
          (*upgraded)->write(grants.rotate("old-hash", kT0, 5, refresh("next-hash", "g-old")),
                             std::move(done));
        }) == StoreStatus::ok);
  CHECK(query_int(*conn, "SELECT grant_seq FROM refresh_tokens WHERE token_hash = 'next-hash'") ==
        41);
  CHECK(grants.find_refresh("next-hash"));
}

}  // namespace
}  // namespace sa::tokens
