#include "tokens/refresh_policy.hpp"

#include <catch2/catch.hpp>

namespace sa::tokens {
namespace {

// Every case is judged at explicit instants (the fake clock of this test): T is when the family's
// current token was issued.
constexpr std::int64_t T = 1'700'000'000;
constexpr RefreshRules kRules{.reuse_grace_s = 5, .session_idle_timeout_s = 1'800};

RefreshLookup offline_token() {
  return RefreshLookup{.token = RefreshTokenRecord{.token_hash = "h-1",
                                                   .grant_id = "g-1",
                                                   .scope = "patient/*.rs offline_access",
                                                   .issued_at = T,
                                                   .expires_at = T + 7'776'000},
                       .grant = GrantRecord{.grant_id = "g-1",
                                            .client_id = "app",
                                            .scope = "patient/*.rs offline_access",
                                            .refresh = RefreshKind::offline,
                                            .created_at = T,
                                            .expires_at = T + 7'776'000}};
}

// An online family whose login session lasts until T + 3600 and was last seen at T.
RefreshLookup online_token() {
  RefreshLookup lookup = offline_token();
  lookup.grant.refresh = RefreshKind::online;
  lookup.grant.session_hash = "sess-1";
  lookup.grant.scope = "patient/*.rs online_access";
  lookup.token.expires_at = T + 3'600;
  lookup.session = SessionTimes{.expires_at = T + 3'600, .last_seen = T};
  return lookup;
}

RefreshVerdict judge(const RefreshLookup& lookup, std::int64_t now,
                     std::string_view client_id = "app") {
  return judge_refresh(lookup, client_id, now, kRules);
}

TEST_CASE("a current refresh token of the presenting client rotates", "[tokens][refresh]") {
  // REFRESH-8: rotation on every use, RFC 9700 §4.14.2.
  CHECK(judge(offline_token(), T) == RefreshVerdict::rotate);
  CHECK(judge(offline_token(), T + 86'400) == RefreshVerdict::rotate);
}

TEST_CASE("a refresh token presented by another client is refused without revoking",
          "[tokens][refresh]") {
  // REFRESH-2: bound to its client_id (RFC 6749 §6); the owner's family stays intact.
  CHECK(judge(offline_token(), T, "intruder") == RefreshVerdict::wrong_client);
  RefreshLookup retired = offline_token();
  retired.token.retired_at = T;
  CHECK(judge(retired, T + 60, "intruder") == RefreshVerdict::wrong_client);
}

TEST_CASE("a retired refresh token rotates within the grace window and is reuse after it",
          "[tokens][refresh]") {
  // REFRESH-8: an app's own concurrent refreshes get a few seconds; later the family is revoked.
  RefreshLookup retired = offline_token();
  retired.token.retired_at = T + 100;
  CHECK(judge(retired, T + 100) == RefreshVerdict::rotate);
  CHECK(judge(retired, T + 105) == RefreshVerdict::rotate);  // the window's last second
  CHECK(judge(retired, T + 106) == RefreshVerdict::reused);
  CHECK(judge(retired, T + 86'400) == RefreshVerdict::reused);

  SECTION("a zero-second window allows only the instant of retirement") {
    CHECK(judge_refresh(retired, "app", T + 100, RefreshRules{.reuse_grace_s = 0}) ==
          RefreshVerdict::rotate);
    CHECK(judge_refresh(retired, "app", T + 101, RefreshRules{.reuse_grace_s = 0}) ==
          RefreshVerdict::reused);
  }
  SECTION("reuse is reported even once the retired token has expired") {
    // Reuse matters more than expiry (RFC 9700 §4.14.2): the family's newer tokens may be live.
    CHECK(judge(retired, retired.token.expires_at + 10) == RefreshVerdict::reused);
  }
}

TEST_CASE("a refresh token expires at its expires_at", "[tokens][refresh]") {
  // REFRESH-7, REFRESH-9: offline tokens live their configured period, then invalid_grant.
  const RefreshLookup lookup = offline_token();
  CHECK(judge(lookup, lookup.token.expires_at - 1) == RefreshVerdict::rotate);
  CHECK(judge(lookup, lookup.token.expires_at) == RefreshVerdict::expired);
  CHECK(judge(lookup, lookup.token.expires_at + 1) == RefreshVerdict::expired);

  SECTION("also within the grace window of its retirement") {
    RefreshLookup retired = lookup;
    retired.token.retired_at = lookup.token.expires_at - 2;
    CHECK(judge(retired, lookup.token.expires_at) == RefreshVerdict::expired);
  }
}

TEST_CASE("a token of a revoked family is refused, current or retired", "[tokens][refresh]") {
  // REFRESH-7, REFRESH-8: once revoked (code reuse, refresh reuse, RFC 7009) nothing rotates;
  // the family is already revoked, so it is not reported as reuse again.
  RefreshLookup revoked = offline_token();
  revoked.grant.revoked_at = T + 50;
  revoked.token.retired_at = T + 50;
  CHECK(judge(revoked, T + 50) == RefreshVerdict::revoked);
  CHECK(judge(revoked, T + 51) == RefreshVerdict::revoked);
  CHECK(judge(revoked, T + 10'000) == RefreshVerdict::revoked);
}

TEST_CASE("an online refresh token lives only as long as its login session", "[tokens][refresh]") {
  // REFRESH-10, SMART App Launch 2.2 "online_access": usable while the session exists, has not
  // expired and has not been idle for session_idle_timeout_s.
  const RefreshLookup online = online_token();
  CHECK(judge(online, T + 60) == RefreshVerdict::rotate);

  SECTION("the session is gone") {
    RefreshLookup gone = online;
    gone.session.reset();
    CHECK(judge(gone, T + 60) == RefreshVerdict::session_ended);
  }
  SECTION("the session expires at its expires_at") {
    RefreshLookup lasting = online;
    lasting.token.expires_at = T + 86'400;  // even if the token itself would last longer
    lasting.session->last_seen = T + 3'000;
    CHECK(judge(lasting, T + 3'599) == RefreshVerdict::rotate);
    CHECK(judge(lasting, T + 3'600) == RefreshVerdict::session_ended);
  }
  SECTION("the session is idle from last_seen + session_idle_timeout_s") {
    CHECK(judge(online, T + 1'799) == RefreshVerdict::rotate);
    CHECK(judge(online, T + 1'800) == RefreshVerdict::session_ended);
    RefreshLookup seen_later = online;
    seen_later.session->last_seen = T + 1'000;
    CHECK(judge(seen_later, T + 1'800) == RefreshVerdict::rotate);
  }
  SECTION("an offline family ignores sessions altogether") {
    RefreshLookup offline = offline_token();
    offline.session = SessionTimes{.expires_at = T, .last_seen = T - 10'000};
    CHECK(judge(offline, T + 60) == RefreshVerdict::rotate);
  }
}

TEST_CASE("a refresh token of a grant that issues none is refused", "[tokens][refresh]") {
  // REFRESH-1: only offline_access / online_access grants have refresh tokens at all.
  RefreshLookup none = offline_token();
  none.grant.refresh = RefreshKind::none;
  CHECK(judge(none, T + 60) == RefreshVerdict::revoked);
}

TEST_CASE("every refresh verdict has a name for the audit log", "[tokens][refresh]") {
  CHECK(to_string(RefreshVerdict::rotate) == "rotate");
  CHECK(to_string(RefreshVerdict::wrong_client) == "wrong_client");
  CHECK(to_string(RefreshVerdict::expired) == "expired");
  CHECK(to_string(RefreshVerdict::revoked) == "revoked");
  CHECK(to_string(RefreshVerdict::session_ended) == "session_ended");
  CHECK(to_string(RefreshVerdict::reused) == "reused");
}

}  // namespace
}  // namespace sa::tokens
