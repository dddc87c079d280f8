// grant_type=refresh_token end to end (RFC 6749 §6, RFC 9700 §4.14.2, SMART App Launch 2.2 step
// 7): rotation with a grace window for the app's own concurrent refreshes, family revocation on
// later reuse, narrowing but never widening, and offline_access against online_access, over HTTPS
// against the real binary. Time is never waited for: a retired token is aged in the store.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "token_flow_support.hpp"
#include "tokens/grant_store.hpp"

using namespace sa::test;

namespace {

const std::string kAppScope =
    "launch/patient openid fhirUser profile patient/*.rs offline_access online_access";
const std::string kOffline = "launch/patient openid fhirUser patient/*.rs offline_access";
const std::string kOnline = "launch/patient openid fhirUser patient/*.rs online_access";

struct Issued {
  std::string access_token;
  std::string refresh_token;
};

Issued tokens_of(const HttpResponse& r) {
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == 200);
  auto body = parse_json(r.body);
  REQUIRE(body["refresh_token"].IsString());
  return {body["access_token"].GetString(), body["refresh_token"].GetString()};
}

// Ages the rotation of a retired refresh token past any grace window.
void retire_long_ago(TokenFixture& f, const std::string& refresh_token) {
  f.sql("UPDATE refresh_tokens SET retired_at = retired_at - 3600 WHERE token_hash = ?1",
        sa::tokens::refresh_token_key(refresh_token));
}

}  // namespace

TEST_CASE("a refresh returns a new pair and the same launch context", "[token][refresh]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto first = f.exchange(f.standalone_code(browser, client_id, kOffline), client_id);
  auto original = parse_json(first.body);
  auto issued = tokens_of(first);

  // REFRESH-3, REFRESH-4: no scope = the same scope.
  auto r = f.refresh(issued.refresh_token, client_id);
  auto next = tokens_of(r);
  check_uncacheable(r);  // REFRESH-6
  auto body = parse_json(r.body);
  // REFRESH-5: Bearer, expires_in, the scope; REFRESH-8: a new refresh token.
  CHECK(std::string(body["token_type"].GetString()) == "Bearer");
  CHECK(body["expires_in"].GetInt64() == 3600);
  CHECK(std::string(body["scope"].GetString()) == kOffline);
  CHECK(next.refresh_token != issued.refresh_token);
  CHECK(next.access_token != issued.access_token);
  // The launch context of the original response, member for member.
  for (const char* member : {"patient", "need_patient_banner", "smart_style_url"}) {
    INFO(member);
    REQUIRE(body.HasMember(member));
    CHECK(body[member] == original[member]);
  }
  auto at = f.verified_payload(next.access_token);
  CHECK(std::string(at["patient"].GetString()) == "1001");
  CHECK(std::string(at["aud"].GetString()) == kFhirBase);
  // OIDC Core §12.2: no id_token on refresh unless tokens.id_token_on_refresh (unit-tested).
  CHECK_FALSE(body.HasMember("id_token"));
  // REFRESH-9: offline_access: renewed for the configured period (90 days) on rotation.
  auto expires = f.sql("SELECT expires_at - issued_at FROM refresh_tokens WHERE token_hash = ?1",
                       sa::tokens::refresh_token_key(next.refresh_token));
  CHECK(expires == std::optional<std::string>(std::to_string(90 * 86'400)));

  // The new refresh token works in turn.
  tokens_of(f.refresh(next.refresh_token, client_id));
}

TEST_CASE("a rotated refresh token works within the grace window and revokes its family after",
          "[token][refresh]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto first = tokens_of(f.exchange(f.standalone_code(browser, client_id, kOffline), client_id));
  auto second = tokens_of(f.refresh(first.refresh_token, client_id));

  // RFC 9700 §4.14.2 with tokens.refresh_reuse_grace_s (5 s by default): the app's own
  // concurrent refresh with the token it just rotated still gets a pair.
  auto concurrent = tokens_of(f.refresh(first.refresh_token, client_id));
  auto newest = tokens_of(f.refresh(second.refresh_token, client_id));

  // REFRESH-8: past the grace window the reuse is refused and the whole family revoked ...
  retire_long_ago(f, first.refresh_token);
  auto reuse = f.refresh(first.refresh_token, client_id);
  CHECK(reuse.status == 400);
  CHECK(error_of(reuse) == "invalid_grant");
  check_uncacheable(reuse);
  // ... so the newest refresh token fails too, and every access token of the family is revoked.
  auto after = f.refresh(newest.refresh_token, client_id);
  CHECK(after.status == 400);
  CHECK(error_of(after) == "invalid_grant");
  for (const auto* token : {&first.access_token, &second.access_token, &concurrent.access_token,
                            &newest.access_token}) {
    // One grant row ends them all (migration 0009); introspection tests read it the same way.
    CHECK(
        f.sql("SELECT g.revoked_at FROM access_tokens a JOIN grants g USING (grant_id) "
              "WHERE a.jti = ?1",
              jti_of(*token)));
  }
  auto grant_id =
      f.sql("SELECT grant_id FROM access_tokens WHERE jti = ?1", jti_of(first.access_token));
  REQUIRE(grant_id);
  CHECK(f.sql("SELECT revoked_at FROM grants WHERE grant_id = ?1", *grant_id));
  CHECK(find_audit_event(f.service.process.log(), "refresh_reuse", "grant_id", *grant_id));
}

TEST_CASE("scope may narrow on refresh, never widen", "[token][refresh]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto first = tokens_of(f.exchange(f.standalone_code(browser, client_id, kOffline), client_id));

  // REFRESH-4: the full original scope, as Inferno sends it.
  CHECK(f.refresh(first.refresh_token, client_id, {{"scope", kOffline}}).status == 200);
  // Widening (profile was registered but not granted) is invalid_scope.
  auto wider = f.refresh(first.refresh_token, client_id, {{"scope", kOffline + " profile"}});
  CHECK(wider.status == 400);
  CHECK(error_of(wider) == "invalid_scope");

  // Narrowing: the access token carries only what was asked; no openid, no id_token.
  auto narrow = f.refresh(first.refresh_token, client_id, {{"scope", "patient/*.rs"}});
  INFO(narrow.body);
  REQUIRE(narrow.status == 200);
  auto body = parse_json(narrow.body);
  CHECK(std::string(body["scope"].GetString()) == "patient/*.rs");
  CHECK_FALSE(body.HasMember("id_token"));
  CHECK(std::string(f.verified_payload(body["access_token"].GetString())["scope"].GetString()) ==
        "patient/*.rs");
  // RFC 6749 §6: the new refresh token keeps the presented one's scope: the full set again.
  auto again = f.refresh(body["refresh_token"].GetString(), client_id);
  REQUIRE(again.status == 200);
  CHECK(std::string(parse_json(again.body)["scope"].GetString()) == kOffline);
}

TEST_CASE("online_access ends with the login session, offline_access does not",
          "[token][refresh]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto online = tokens_of(f.exchange(f.standalone_code(browser, client_id, kOnline), client_id));
  REQUIRE(browser.cookie("__Host-smart-auth-session"));
  auto offline = tokens_of(f.exchange(f.standalone_code(browser, client_id, kOffline), client_id));
  auto grant_id =
      f.sql("SELECT grant_id FROM access_tokens WHERE jti = ?1", jti_of(online.access_token));
  REQUIRE(grant_id);
  CHECK(f.sql("SELECT refresh_kind FROM grants WHERE grant_id = ?1", *grant_id) ==
        std::optional<std::string>("online"));
  // REFRESH-10: the online refresh token expires with the session.
  CHECK(f.sql("SELECT expires_at FROM refresh_tokens WHERE token_hash = ?1",
              sa::tokens::refresh_token_key(online.refresh_token)) ==
        f.sql("SELECT expires_at FROM login_sessions"));

  // While the session lives, online refresh works.
  online = tokens_of(f.refresh(online.refresh_token, client_id));
  // The login session ends (purged, as housekeeping does once it has expired).
  f.sql("DELETE FROM login_sessions");
  auto ended = f.refresh(online.refresh_token, client_id);
  CHECK(ended.status == 400);
  CHECK(error_of(ended) == "invalid_grant");
  // REFRESH-9: offline_access outlives the session.
  tokens_of(f.refresh(offline.refresh_token, client_id));
}

TEST_CASE("unknown refresh tokens and another client's are invalid_grant", "[token][refresh]") {
  TokenFixture f;
  auto owner = f.register_public_app(kAppScope);
  auto other = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto issued = tokens_of(f.exchange(f.standalone_code(browser, owner, kOffline), owner));
  // REFRESH-7 (g10: a random UUID).
  auto unknown = f.refresh("6f1c2b4e-8d1a-4c3b-9e2f-0a1b2c3d4e5f", owner);
  CHECK(unknown.status == 400);
  CHECK(error_of(unknown) == "invalid_grant");
  // REFRESH-2: bound to its client; the other app's attempt revokes nothing.
  auto stolen = f.refresh(issued.refresh_token, other);
  CHECK(stolen.status == 400);
  CHECK(error_of(stolen) == "invalid_grant");
  tokens_of(f.refresh(issued.refresh_token, owner));
}

TEST_CASE("an app not registered for refresh_token gets no refresh token and may not refresh",
          "[token][refresh]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope, R"(["authorization_code"])");
  auto browser = f.browser();
  auto r = f.exchange(f.standalone_code(browser, client_id, kOffline), client_id);
  REQUIRE(r.status == 200);
  // REFRESH-1: offline_access was granted, but the client did not register the grant.
  CHECK_FALSE(parse_json(r.body).HasMember("refresh_token"));
  auto refused = f.refresh("anything", client_id);
  CHECK(refused.status == 400);
  CHECK(error_of(refused) == "unauthorized_client");
}

TEST_CASE("the running service purges what has expired, and nothing else", "[token][purge]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto ended = tokens_of(f.exchange(f.standalone_code(browser, client_id, kOffline), client_id));
  auto live = tokens_of(f.exchange(f.standalone_code(browser, client_id, kOffline), client_id));
  f.create_launch(R"({"user":"prac-smith","patient":"1002"})");
  const auto count = [&f](const std::string& query, const std::string& arg = {}) {
    return std::stoi(f.sql(query, arg).value_or("-1"));
  };
  const auto grant_of = [&f](const Issued& issued) {
    auto grant =
        f.sql("SELECT grant_id FROM access_tokens WHERE jti = ?1", jti_of(issued.access_token));
    REQUIRE(grant);
    return *grant;
  };
  const std::string ended_grant = grant_of(ended);
  const std::string live_grant = grant_of(live);
  // One row of each kind per family, and something of every other kind to purge.
  const std::vector<std::string> per_grant = {
      "SELECT COUNT(*) FROM access_tokens WHERE grant_id = ?1",
      "SELECT COUNT(*) FROM refresh_tokens WHERE grant_id = ?1",
      "SELECT COUNT(*) FROM grants WHERE grant_id = ?1"};
  const std::vector<std::string> others = {"SELECT COUNT(*) FROM authorization_codes",
                                           "SELECT COUNT(*) FROM launches",
                                           "SELECT COUNT(*) FROM login_sessions"};
  for (const auto& query : per_grant) REQUIRE(count(query, ended_grant) == 1);
  for (const auto& query : others) REQUIRE(count(query) >= 1);

  // Expired as if the family's 90 days had gone by, and the codes', launch's and session's
  // minutes: the purge goes by expires_at alone.
  f.sql("UPDATE access_tokens SET expires_at = 1 WHERE grant_id = ?1", ended_grant);
  f.sql("UPDATE refresh_tokens SET expires_at = 1 WHERE grant_id = ?1", ended_grant);
  f.sql("UPDATE grants SET expires_at = 1 WHERE grant_id = ?1", ended_grant);
  for (const char* table : {"authorization_codes", "launches", "login_sessions"}) {
    f.sql(std::string("UPDATE ") + table + " SET expires_at = 1");
  }

  // The service purges a slice of each kind every second (Components::kPurgeInterval); the
  // bound only matters if it does not.
  const auto remaining = [&] {
    int rows = 0;
    for (const auto& query : per_grant) rows += count(query, ended_grant);
    for (const auto& query : others) rows += count(query);
    return rows;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (remaining() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (const auto& query : per_grant) CHECK(count(query, ended_grant) == 0);
  for (const auto& query : others) CHECK(count(query) == 0);

  // What has not expired stays, and works.
  for (const auto& query : per_grant) CHECK(count(query, live_grant) == 1);
  tokens_of(f.refresh(live.refresh_token, client_id));
}

TEST_CASE("a purge backlog of several slices is drained, and counted in /metrics",
          "[token][purge]") {
  // Components::kPurgeBatch rows go per write; while a write comes back full the purge writes
  // again (store::PurgeChain), so a backlog of ten slices needs no more than one tick.
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  f.sql(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
      "INSERT INTO access_tokens(jti, client_id, subject, scope, issued_at, expires_at) "
      "SELECT printf('aged-%05d', i), ?1, 'someone', 'patient/*.rs', 0, 1 FROM n",
      client_id);
  const auto aged = [&f] {
    return std::stoi(
        f.sql("SELECT COUNT(*) FROM access_tokens WHERE jti LIKE 'aged-%'").value_or("-1"));
  };
  REQUIRE(aged() == 2500);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (aged() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(aged() == 0);
  const auto metrics = f.service.client->get("/metrics").body;
  const std::string counter = "smart_auth_purged_rows_total{kind=\"access_tokens\"} ";
  const auto at = metrics.find(counter);
  REQUIRE(at != std::string::npos);
  CHECK(std::stoll(metrics.substr(at + counter.size())) >= 2500);
  CHECK(metrics.find("smart_auth_purge_failures_total") == std::string::npos);
}
