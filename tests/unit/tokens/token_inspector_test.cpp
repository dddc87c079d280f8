#include "tokens/token_inspector.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <map>

#include "crypto/hash.hpp"
#include "crypto/keys.hpp"
#include "crypto/random.hpp"
#include "keys/sqlite_key_store.hpp"
#include "tokens/access_token.hpp"
#include "unit/tokens/token_test_support.hpp"
#include "util/base64url.hpp"

namespace sa::tokens {
namespace {

using store::DoneFn;
using store::StoreStatus;
using store::test::wait_for_done;

constexpr const char* kIssuer = "https://auth.example";

// Refresh lookups by hash, as the test lays them out; the rest of GrantStore is not used here.
class FakeGrantStore final : public GrantStore {
 public:
  std::map<std::string, RefreshLookup, std::less<>> by_hash;
  StoreStatus failure = StoreStatus::ok;

  store::Database::WriteFn create(GrantRecord, std::optional<RefreshTokenRecord>) override {
    return {};
  }
  store::Database::WriteFn rotate(std::string, std::int64_t, std::uint32_t,
                                  RefreshTokenRecord) override {
    return {};
  }
  Expected<RefreshLookup, StoreStatus> find_refresh(std::string_view token_hash) override {
    if (failure != StoreStatus::ok) return unexpected(failure);
    auto found = by_hash.find(token_hash);
    if (found == by_hash.end()) return unexpected(StoreStatus::not_found);
    return found->second;
  }
  Expected<GrantRecord, StoreStatus> find_grant(std::string_view) override {
    return unexpected(StoreStatus::not_found);
  }
  void revoke(std::string, std::int64_t, DoneFn done) override { done(StoreStatus::ok); }
  void delete_expired(std::int64_t, std::uint32_t, store::PurgedFn done) override {
    done(StoreStatus::ok, 0);
  }
};

struct Inspecting : test::TokenDatabase {
  SqliteTokenStore tokens{*db};
  keys::SqliteKeyStore key_store{*db};
  config::KeySettings key_settings = [] {
    config::KeySettings s;
    s.retired_key_ttl_s = 600;
    return s;
  }();
  keys::KeyRing ring{key_store, key_settings, clock};
  crypto::FakeRandom random{3};
  AccessTokenIssuer issuer{ring,
                           AccessTokenSettings{.issuer = kIssuer,
                                               .audience = "https://fhir.example/r4",
                                               .alg = config::AccessTokenAlg::ES256},
                           clock, random};
  FakeGrantStore grants;
  TokenInspector inspector{ring, kIssuer, tokens, grants,
                           RefreshRules{.reuse_grace_s = 5, .session_idle_timeout_s = 1'800}};

  Inspecting() {
    REQUIRE_FALSE(ring.load_or_create());
    REQUIRE(add_client("app") == StoreStatus::ok);
    REQUIRE(add_grant("grant-1", "app") == StoreStatus::ok);
  }

  // Issues a real token and records it as a grant would: with its hash unless told otherwise.
  IssuedAccessToken issue(bool with_hash = true) {
    auto issued = issuer.issue(
        AccessTokenRequest{.subject = "user-1",
                           .client_id = "app",
                           .scope = "openid patient/*.rs",
                           .lifetime_s = 3'600,
                           .context = {.patient = "p1", .fhir_user = "Practitioner/d1"}});
    REQUIRE(issued);
    AccessTokenRecord record{.jti = issued->jti,
                             .client_id = "app",
                             .subject = "user-1",
                             .scope = issued->scope,
                             .issued_at = issued->issued_at,
                             .expires_at = issued->expires_at,
                             .grant_id = "grant-1",
                             .context_json = R"({"patient":"p1"})"};
    if (with_hash) record.token_hash = crypto::sha256_b64url(issued->jwt);
    REQUIRE(wait_for_done([&](DoneFn done) {
              tokens.record(std::move(record), {}, std::move(done));
            }) == StoreStatus::ok);
    return *issued;
  }
};

// A compact JWS with the given payload, signed by a key this server never had.
std::string signed_by_stranger(const std::string& payload, const std::string& kid) {
  auto key = crypto::generate_key(crypto::KeyType::EC_P256);
  REQUIRE(key);
  auto jws = crypto::sign_compact(*key, {crypto::JwsAlg::ES256, kid, "at+jwt"}, payload);
  REQUIRE(jws);
  return *jws;
}

std::string payload_of(const std::string& jwt) {
  auto first = jwt.find('.');
  auto second = jwt.find('.', first + 1);
  return *base64url_decode(std::string_view(jwt).substr(first + 1, second - first - 1));
}

}  // namespace

TEST_CASE_METHOD(Inspecting, "an access token as issued is active and found with its record",
                 "[tokens][inspector]") {  // INTRO-1
  auto token = issue();
  auto found = inspector.access_token(token.jwt, clock.now_seconds());
  REQUIRE(found);
  CHECK(found->record.jti == token.jti);
  CHECK(found->record.client_id == "app");
  CHECK(found->record.context_json == std::optional<std::string>(R"({"patient":"p1"})"));
  CHECK(found->audience == "https://fhir.example/r4");
  CHECK(found->fhir_user == std::optional<std::string>("Practitioner/d1"));
}

TEST_CASE_METHOD(Inspecting, "a revoked access token is inactive but still found for its owner",
                 "[tokens][inspector]") {  // INTRO-6, REVOKE-4
  auto token = issue();
  REQUIRE(wait_for_done([&](DoneFn done) {
            tokens.revoke(token.jti, clock.now_seconds(), std::move(done));
          }) == StoreStatus::ok);
  auto active = inspector.access_token(token.jwt, clock.now_seconds());
  REQUIRE_FALSE(active);
  CHECK(active.error() == Inactive::revoked);
  REQUIRE(inspector.find_access_token(token.jwt));
}

TEST_CASE_METHOD(Inspecting, "an access token is inactive from the second its exp names",
                 "[tokens][inspector]") {  // INTRO-6
  auto token = issue();
  REQUIRE(inspector.access_token(token.jwt, token.expires_at - 1));
  auto at_exp = inspector.access_token(token.jwt, token.expires_at);
  REQUIRE_FALSE(at_exp);
  CHECK(at_exp.error() == Inactive::expired);
}

TEST_CASE_METHOD(Inspecting, "strings that are not three base64url parts are malformed",
                 "[tokens][inspector]") {  // INTRO-6
  issue();
  auto text = GENERATE(as<std::string>{}, "", "garbage", "a.b", "a.b.c.d", "..", "a..c",
                       "e30.!!!.c2ln", "e30.bm90IGpzb24.c2ln", "e30.WzFd.c2ln");
  INFO(text);
  auto found = inspector.access_token(text, clock.now_seconds());
  REQUIRE_FALSE(found);
  CHECK(found.error() == Inactive::malformed);
}

TEST_CASE_METHOD(Inspecting, "another issuer's token or one without a jti is unknown",
                 "[tokens][inspector]") {  // INTRO-6
  auto ours = issue();
  // Same jti as a recorded token, signed by a stranger, claiming another issuer.
  auto other_issuer = signed_by_stranger(
      R"({"iss":"https://elsewhere.example","jti":")" + ours.jti + R"("})", "k1");
  auto no_jti = signed_by_stranger(R"({"iss":"https://auth.example"})", "k1");
  for (const auto& token : {other_issuer, no_jti}) {
    auto found = inspector.access_token(token, clock.now_seconds());
    REQUIRE_FALSE(found);
    CHECK(found.error() == Inactive::unknown);
  }
}

TEST_CASE_METHOD(Inspecting, "a forged token naming a recorded jti does not match the stored hash",
                 "[tokens][inspector]") {  // INTRO-6
  auto ours = issue();
  const auto kid = ring.current()->signer(crypto::JwsAlg::ES256)->kid;
  auto forged = signed_by_stranger(payload_of(ours.jwt), kid);
  auto found = inspector.access_token(forged, clock.now_seconds());
  REQUIRE_FALSE(found);
  CHECK(found.error() == Inactive::unknown);
}

TEST_CASE_METHOD(Inspecting,
                 "a row without a hash is checked by the signature of the key its kid names",
                 "[tokens][inspector]") {  // INTRO-1, OIDC-11
  auto legacy = issue(false);
  REQUIRE(inspector.access_token(legacy.jwt, clock.now_seconds()));

  SECTION("after a rotation, by the retired key") {
    REQUIRE(ring.rotate().has_value());
    REQUIRE(inspector.access_token(legacy.jwt, clock.now_seconds()));
  }
  SECTION("a stranger's signature over the same payload is unknown") {
    const auto kid = ring.current()->signer(crypto::JwsAlg::ES256)->kid;
    auto forged = signed_by_stranger(payload_of(legacy.jwt), kid);
    auto found = inspector.access_token(forged, clock.now_seconds());
    REQUIRE_FALSE(found);
    CHECK(found.error() == Inactive::unknown);
  }
  SECTION("a kid this server does not know is unknown") {
    auto forged = signed_by_stranger(payload_of(legacy.jwt), "not-ours");
    auto found = inspector.access_token(forged, clock.now_seconds());
    REQUIRE_FALSE(found);
    CHECK(found.error() == Inactive::unknown);
  }
}

TEST_CASE_METHOD(Inspecting, "a jti no row has is unknown", "[tokens][inspector]") {  // INTRO-6
  auto kid = ring.current()->signer(crypto::JwsAlg::ES256)->kid;
  auto token = signed_by_stranger(R"({"iss":"https://auth.example","jti":"never-issued"})", kid);
  auto found = inspector.access_token(token, clock.now_seconds());
  REQUIRE_FALSE(found);
  CHECK(found.error() == Inactive::unknown);
}

namespace {

constexpr std::int64_t kIssued = 1'700'000'000;

RefreshLookup family(RefreshKind kind) {
  RefreshLookup lookup;
  lookup.grant = GrantRecord{.grant_id = "grant-1",
                             .client_id = "app",
                             .user_id = "user-1",
                             .scope = "openid offline_access",
                             .refresh = kind,
                             .created_at = kIssued,
                             .expires_at = kIssued + 86'400};
  lookup.token = RefreshTokenRecord{.token_hash = crypto::sha256_b64url("refresh-1"),
                                    .grant_id = "grant-1",
                                    .scope = "openid offline_access",
                                    .issued_at = kIssued,
                                    .expires_at = kIssued + 86'400};
  if (kind == RefreshKind::online) {
    lookup.session = SessionTimes{.expires_at = kIssued + 3'600, .last_seen = kIssued};
  }
  return lookup;
}

}  // namespace

TEST_CASE_METHOD(Inspecting, "a current refresh token of a live family is active",
                 "[tokens][inspector]") {  // INTRO-7
  auto kind = GENERATE(RefreshKind::offline, RefreshKind::online);
  grants.by_hash[crypto::sha256_b64url("refresh-1")] = family(kind);
  auto found = inspector.refresh_token("refresh-1", kIssued + 60);
  REQUIRE(found);
  CHECK(found->grant.client_id == "app");
  auto unknown = inspector.refresh_token("refresh-2", kIssued + 60);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error() == Inactive::unknown);
}

TEST_CASE_METHOD(Inspecting,
                 "a refresh token is inactive once retired, expired, revoked or its session ended",
                 "[tokens][inspector]") {  // INTRO-6, INTRO-7
  struct Case {
    const char* what;
    std::function<void(RefreshLookup&, std::int64_t&)> change;
    Inactive expected;
  };
  auto c = GENERATE(values<Case>(
      {{"rotated out, even within the reuse grace window",
        [](RefreshLookup& l, std::int64_t& now) { l.token.retired_at = now - 1; },
        Inactive::revoked},
       {"its family revoked",
        [](RefreshLookup& l, std::int64_t& now) { l.grant.revoked_at = now - 1; },
        Inactive::revoked},
       {"past its expires_at",
        [](RefreshLookup& l, std::int64_t& now) {
          now = l.token.expires_at;
          l.session = SessionTimes{.expires_at = now + 10, .last_seen = now};
        },
        Inactive::expired},
       {"its login session gone", [](RefreshLookup& l, std::int64_t&) { l.session.reset(); },
        Inactive::expired},
       {"its login session expired",
        [](RefreshLookup& l, std::int64_t& now) {
          now = l.session->expires_at;
          l.session->last_seen = now;
        },
        Inactive::expired},
       {"its login session idle too long",
        [](RefreshLookup& l, std::int64_t& now) { now = l.session->last_seen + 1'800; },
        Inactive::expired}}));
  INFO(c.what);
  RefreshLookup lookup = family(RefreshKind::online);
  std::int64_t now = kIssued + 60;
  c.change(lookup, now);
  const Inactive expected = c.expected;
  grants.by_hash[crypto::sha256_b64url("refresh-1")] = lookup;
  auto found = inspector.refresh_token("refresh-1", now);
  REQUIRE_FALSE(found);
  CHECK(found.error() == expected);
  REQUIRE(inspector.find_refresh_token("refresh-1"));  // still found for its owner
}

TEST_CASE_METHOD(Inspecting, "a store failure is told apart from an unknown token",
                 "[tokens][inspector]") {
  grants.failure = StoreStatus::busy;
  auto found = inspector.refresh_token("refresh-1", kIssued);
  REQUIRE_FALSE(found);
  CHECK(found.error() == Inactive::store_error);
}

}  // namespace sa::tokens
