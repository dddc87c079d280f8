// The launched-app grants over the real store with a fake clock: a code exchange and a refresh
// are each ONE durable write (issue 6 §4), all or nothing, and the refresh grace window is
// judged at the clock's instant, so reuse timing is tested without waiting.
#include <catch2/catch.hpp>
#include <future>

#include "authorize/sqlite_code_store.hpp"
#include "authorize/sqlite_flow_store.hpp"
#include "crypto/hash.hpp"
#include "crypto/jws.hpp"
#include "oauth/grants/authorization_code.hpp"
#include "oauth/grants/refresh_token.hpp"
#include "scopes/scope.hpp"
#include "tokens/sqlite_grant_store.hpp"
#include "unit/oauth/oauth_test_support.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::oauth {
namespace {

constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";  // RFC 7636 B
constexpr const char* kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
constexpr const char* kScope = "launch/patient openid patient/*.rs offline_access";
// Access tokens active as the token store reads them: neither the token nor its grant revoked
// (a grant's revocation is one row, migration 0009).
constexpr const char* kLiveAccessTokens =
    "SELECT count(*) FROM access_tokens a JOIN grants g ON g.grant_id = a.grant_id "
    "WHERE a.revoked_at IS NULL AND g.revoked_at IS NULL";

// The code store as a request sees it when another request redeems the same code between its
// read and its write: find() still says unused.
class StaleReads final : public authorize::CodeStore {
 public:
  explicit StaleReads(authorize::CodeStore& real) : real_(real) {}
  void create(std::string hash, authorize::AuthorizationCode code, store::DoneFn done) override {
    real_.create(std::move(hash), std::move(code), std::move(done));
  }
  void consume(std::string hash, std::int64_t now, authorize::ConsumeCodeFn done) override {
    real_.consume(std::move(hash), now, std::move(done));
  }
  Expected<authorize::StoredCode, store::StoreStatus> find(std::string_view hash) override {
    auto found = real_.find(hash);
    if (found) found->used_at.reset();
    return found;
  }
  store::Database::WriteFn redeem(std::string hash, std::int64_t now) override {
    return real_.redeem(std::move(hash), now);
  }
  void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) override {
    real_.delete_expired(now, limit, std::move(done));
  }

 private:
  authorize::CodeStore& real_;
};

struct AppGrants : test::Issuing {
  store::test::TempDir dir;
  std::unique_ptr<store::Database> db = [this] {
    auto opened = store::Database::open(store::test::settings_in(dir));
    if (!opened) throw std::runtime_error(opened.error());
    return std::move(*opened);
  }();
  config::Config config;
  tokens::SqliteTokenStore tokens{*db};
  tokens::SqliteGrantStore grants{*db};
  authorize::SqliteCodeStore codes{*db};
  authorize::SqliteFlowStore sessions{*db};
  tokens::IdTokenIssuer id_tokens{ring, "https://auth.example", clock};
  AppTokenDeps deps{config, issuer, id_tokens, tokens, grants, clock, random};
  AuthorizationCodeGrant code_grant{deps, codes, sessions};
  RefreshTokenGrant refresh_grant{deps};
  clientauth::AuthenticatedClient app;

  AppGrants() {
    app.client.client_id = "app";
    app.client.token_endpoint_auth_method = "none";
    app.client.grant_types = {"authorization_code", "refresh_token"};
    app.method = "none";
  }

  void add_client_row() {
    REQUIRE(db->write_sync([](store::Connection& conn) {
      return conn
          .prepare(
              "INSERT INTO clients VALUES ('app', 'none', 'authorization_code refresh_token', "
              "'https://app.example/cb', 'launch/patient openid patient/*.rs offline_access', "
              "'', '', '', 0, '', 0, 0, 0, '{}', NULL)")
          .run();
    }) == store::StoreStatus::ok);
  }

  void add_code(const std::string& code) {
    authorize::AuthorizationCode c;
    c.grant_id = "grant-1";
    c.client_id = "app";
    c.redirect_uri = "https://app.example/cb";
    c.redirect_uri_sent = true;
    c.code_challenge = kChallenge;
    c.user_id = "pat-1";
    c.fhir_user = "Patient/1";
    c.user_name = "Pat";
    c.auth_time = clock.now_seconds();
    c.scope = kScope;
    c.context_json = R"({"patient":"1","need_patient_banner":true})";
    c.issued_at = clock.now_seconds();
    c.expires_at = clock.now_seconds() + 60;
    c.aud = "https://fhir.example/r4";
    std::promise<store::StoreStatus> done;
    codes.create(crypto::sha256_b64url(code), c, [&](store::StoreStatus s) { done.set_value(s); });
    REQUIRE(done.get_future().get() == store::StoreStatus::ok);
  }

  GrantResult run(const Grant& grant, const std::string& body) {
    auto form = Form::parse(body);
    REQUIRE(form);
    TokenRequest request{std::move(*form), app, "req-1"};
    std::promise<GrantResult> out;
    grant.handle(request, [&](GrantResult r) { out.set_value(std::move(r)); });
    return out.get_future().get();
  }
  GrantResult exchange(const std::string& code) {
    return run(code_grant, "grant_type=authorization_code&code=" + code +
                               "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier=" +
                               kVerifier + "&client_id=app");
  }
  GrantResult refresh(const std::string& token) {
    return run(refresh_grant, "grant_type=refresh_token&client_id=app&refresh_token=" + token);
  }
  std::int64_t count(const std::string& sql) {
    return db->read([&](store::Connection& conn) {
      auto stmt = conn.prepare(sql);
      return stmt.step() ? stmt.column_int64(0) : -1;
    });
  }
};

TEST_CASE_METHOD(AppGrants, "a code exchange is one durable write: redemption, grant, tokens",
                 "[oauth][code]") {
  add_client_row();
  add_code("code-1");
  const auto before = db->stats().ops;
  auto granted = exchange("code-1");
  REQUIRE(granted);
  CHECK(db->stats().ops - before == 1);
  CHECK(count("SELECT count(*) FROM authorization_codes WHERE used_at IS NOT NULL") == 1);
  CHECK(count("SELECT count(*) FROM grants WHERE grant_id = 'grant-1'") == 1);
  CHECK(count("SELECT count(*) FROM refresh_tokens WHERE grant_id = 'grant-1'") == 1);
  CHECK(count("SELECT count(*) FROM access_tokens WHERE grant_id = 'grant-1' AND "
              "token_hash IS NOT NULL") == 1);
  CHECK(granted->response.refresh_token);
  CHECK(granted->response.id_token);  // openid
  CHECK(granted->response.context_json ==
        std::optional<std::string>(R"({"patient":"1","need_patient_banner":true})"));
}

TEST_CASE_METHOD(AppGrants, "a code exchange that loses the race to another is treated as reuse",
                 "[oauth][code]") {
  // RFC 6749 §4.1.2 (TOKEN-4): the redemption in the write conflicts: the other request's tokens
  // are revoked and this one gets invalid_grant, with nothing of its own recorded.
  add_client_row();
  add_code("code-race");
  StaleReads stale{codes};
  AuthorizationCodeGrant racing{deps, stale, sessions};
  REQUIRE(exchange("code-race"));
  auto lost = run(racing, "grant_type=authorization_code&code=code-race"
                          "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier=" +
                              std::string(kVerifier) + "&client_id=app");
  REQUIRE_FALSE(lost);
  CHECK(lost.error().code == ErrorCode::invalid_grant);
  CHECK(count("SELECT count(*) FROM access_tokens") == 1);
  CHECK(count(kLiveAccessTokens) == 0);
  CHECK(count("SELECT count(*) FROM grants WHERE revoked_at IS NOT NULL") == 1);
}

TEST_CASE_METHOD(AppGrants, "a code exchange that cannot record its token keeps nothing",
                 "[oauth][code]") {
  // The grant's id is taken: its insert fails after the code was redeemed, before the token.
  add_client_row();
  add_code("code-2");
  REQUIRE(db->write_sync([](store::Connection& conn) {
    return conn
        .prepare(
            "INSERT INTO grants(grant_id, client_id, user_id, fhir_user, user_name, "
            "auth_time, scope, aud, refresh_kind, created_at, expires_at) "
            "VALUES ('grant-1', 'app', 'u', '', '', 0, '', '', 'none', 0, 0)")
        .run();
  }) == store::StoreStatus::ok);
  auto failed = exchange("code-2");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == ErrorCode::server_error);
  CHECK(count("SELECT count(*) FROM authorization_codes WHERE used_at IS NOT NULL") == 0);
  CHECK(count("SELECT count(*) FROM grants") == 1);  // only the one that was there
  CHECK(count("SELECT count(*) FROM refresh_tokens") == 0);
  CHECK(count("SELECT count(*) FROM access_tokens") == 0);
}

TEST_CASE_METHOD(AppGrants, "a refresh is one durable write that rotates the token",
                 "[oauth][refresh]") {
  add_client_row();
  add_code("code-3");
  auto first = exchange("code-3");
  REQUIRE(first);
  const auto before = db->stats().ops;
  auto next = refresh(*first->response.refresh_token);
  REQUIRE(next);
  CHECK(db->stats().ops - before == 1);  // REFRESH-8: rotation and token record together
  CHECK(count("SELECT count(*) FROM refresh_tokens WHERE retired_at IS NULL") == 1);
  CHECK(count("SELECT count(*) FROM refresh_tokens WHERE retired_at IS NOT NULL") == 1);
  CHECK(count("SELECT count(*) FROM access_tokens") == 2);
  CHECK(next->response.context_json == first->response.context_json);
  // OIDC Core §12.2: no id_token on refresh by default (tokens.id_token_on_refresh).
  CHECK_FALSE(next->response.id_token);
}

TEST_CASE_METHOD(AppGrants, "with id_token_on_refresh a refresh brings an id_token without nonce",
                 "[oauth][refresh]") {
  config.tokens.id_token_on_refresh = true;
  add_client_row();
  add_code("code-id");
  auto first = exchange("code-id");
  REQUIRE(first);
  auto next = refresh(*first->response.refresh_token);
  REQUIRE(next);
  REQUIRE(next->response.id_token);  // OIDC-1: openid is in the refreshed scope
  auto parsed = crypto::parse_compact(*next->response.id_token);
  REQUIRE(parsed);
  CHECK(parsed->header.alg == crypto::JwsAlg::RS256);  // OIDC-2
  CHECK(parsed->payload.find("\"nonce\"") == std::string::npos);
}

TEST_CASE_METHOD(AppGrants, "a rotated refresh token is honoured up to the grace window, not after",
                 "[oauth][refresh]") {
  add_client_row();
  add_code("code-4");
  auto first = exchange("code-4");
  REQUIRE(first);
  const auto old = *first->response.refresh_token;
  REQUIRE(refresh(old));
  // REFRESH-8, RFC 9700 §4.14.2: tokens.refresh_reuse_grace_s (5) after its rotation: still ok.
  clock.advance(config.tokens.refresh_reuse_grace_s);
  auto within = refresh(old);
  REQUIRE(within);
  // One second later: reuse. Refused, and the family is revoked, the newest token included.
  clock.advance(1);
  auto reused = refresh(old);
  REQUIRE_FALSE(reused);
  CHECK(reused.error().code == ErrorCode::invalid_grant);
  CHECK(count("SELECT count(*) FROM grants WHERE revoked_at IS NOT NULL") == 1);
  CHECK(count(kLiveAccessTokens) == 0);
  auto newest = refresh(*within->response.refresh_token);
  REQUIRE_FALSE(newest);
  CHECK(newest.error().code == ErrorCode::invalid_grant);
}

TEST_CASE_METHOD(AppGrants, "an offline refresh token expires after its period, renewed on use",
                 "[oauth][refresh]") {
  add_client_row();
  add_code("code-5");
  auto first = exchange("code-5");
  REQUIRE(first);
  // REFRESH-9: each rotation starts a new period.
  clock.advance(config.tokens.offline_refresh_lifetime_s - 1);
  auto renewed = refresh(*first->response.refresh_token);
  REQUIRE(renewed);
  clock.advance(config.tokens.offline_refresh_lifetime_s - 1);
  auto again = refresh(*renewed->response.refresh_token);
  REQUIRE(again);
  clock.advance(config.tokens.offline_refresh_lifetime_s);
  auto expired = refresh(*again->response.refresh_token);
  REQUIRE_FALSE(expired);
  CHECK(expired.error().code == ErrorCode::invalid_grant);  // REFRESH-7
}

}  // namespace
TEST_CASE_METHOD(AppGrants, "a refresh scope longer than any scope string may be is invalid_scope",
                 "[oauth][refresh]") {
  // REFRESH-4, issue 6 finding 2.2: scope strings are bounded wherever they enter.
  add_client_row();
  add_code("code-long");
  auto first = exchange("code-long");
  REQUIRE(first);
  std::string scope;
  while (scope.size() <= scopes::kMaxScopeBytes) scope += "patient/*.rs+";
  auto refused = run(refresh_grant, "grant_type=refresh_token&client_id=app&refresh_token=" +
                                        *first->response.refresh_token + "&scope=" + scope);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_scope);
}

}  // namespace sa::oauth
