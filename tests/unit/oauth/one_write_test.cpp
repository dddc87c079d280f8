// The token path over the real store: a private_key_jwt client_credentials request is one durable
// write, its assertion's jti (issue 6 §4); the token itself is not recorded (migration 0010), and
// leaves only once the jti is durable.
#include <catch2/catch.hpp>
#include <future>

#include "clientauth/failed_auth_limits.hpp"
#include "clientauth/replay_store.hpp"
#include "oauth/grants/client_credentials.hpp"
#include "oauth/token_endpoint.hpp"
#include "unit/oauth/oauth_test_support.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::oauth {
namespace {

using clientauth::test::claims;
using clientauth::test::FakeClientStore;
using clientauth::test::jwks_for;
using clientauth::test::kTokenUrl;
using clientauth::test::ManualFetch;
using clientauth::test::sign;

struct RealStore : test::Issuing {
  store::test::TempDir dir;
  std::unique_ptr<store::Database> db = [this] {
    auto opened = store::Database::open(store::test::settings_in(dir));
    if (!opened) throw std::runtime_error(opened.error());
    return std::move(*opened);
  }();
  std::unique_ptr<clientauth::SqliteReplayStore> replay =
      clientauth::SqliteReplayStore::open(*db, 0).value();
  FakeClientStore clients;
  ManualFetch fetch;
  config::ClientAuthSettings settings;
  clientauth::JwksResolver resolver{settings, clock, fetch.fn()};
  obs::Metrics metrics;
  // One failed authentication per client per window: the next attempt is refused (429).
  clientauth::FailedAuthLimits limits{config::RateLimitSettings{.failed_auth_per_client = 1}, clock,
                                      metrics};
  clientauth::ClientAuthenticator auth{
      {kTokenUrl, settings}, clients, resolver, *replay, clock, {}, &limits};
  TokenEndpoint endpoint{auth, metrics};
  crypto::PKey key = crypto::generate_key(crypto::KeyType::EC_P384).value();

  RealStore() {
    endpoint.add_grant(std::make_unique<ClientCredentialsGrant>(config::TokenSettings{}, issuer));
    clients::ClientRecord c{.client_id = "backend",
                            .token_endpoint_auth_method = "private_key_jwt"};
    c.scope = "system/*.rs";
    c.grant_types = {"client_credentials"};
    c.jwks_json = jwks_for(key, "k1");
    clients.clients["backend"] = c;
  }
  // The client's row, as a registered client has; the authenticator reads the fake.
  void add_client_row() {
    REQUIRE(db->write_sync([](store::Connection& conn) {
      return conn
          .prepare(
              "INSERT INTO clients VALUES ('backend', 'private_key_jwt', 'client_credentials', "
              "'', 'system/*.rs', '', '', '', 0, '', 0, 0, 0, '{}', NULL)")
          .run();
    }) == store::StoreStatus::ok);
  }
  std::int64_t count(const char* table) {
    return db->read([&](store::Connection& conn) {
      auto stmt = conn.prepare(std::string("SELECT count(*) FROM ") + table);
      return stmt.step() ? stmt.column_int64(0) : -1;
    });
  }
  http::Response post(const std::string& jti) {
    auto assertion =
        sign(key, crypto::JwsAlg::ES384, "k1", claims("backend", clock.now_seconds() + 300, jti));
    http::Request req;
    req.method = http::Method::POST;
    req.path = "/auth/token";
    req.body =
        "grant_type=client_credentials&scope=system/*.rs&client_assertion_type="
        "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
        "&client_assertion=" +
        assertion;
    req.request_id = "req-1";
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    std::promise<http::Response> out;
    auto answer = out.get_future();
    endpoint.handle(req, http::Responder([&](http::Response r) { out.set_value(std::move(r)); }));
    return answer.get();
  }
};

TEST_CASE_METHOD(RealStore, "an assertion request is one durable write: the jti, and no token row",
                 "[oauth][replay]") {  // CAUTH-6
  add_client_row();
  const auto before = db->stats().ops;
  REQUIRE(post("one-write").status == 200);
  CHECK(db->stats().ops - before == 1);
  CHECK(count("access_tokens") == 0);
  CHECK(count("assertion_jti_log") == 1);
}

TEST_CASE_METHOD(RealStore, "a replayed jti is refused as replayed",
                 "[oauth][replay]") {  // CAUTH-6
  add_client_row();
  REQUIRE(post("twice").status == 200);
  auto replayed = post("twice");
  CHECK(replayed.status == 400);
  CHECK(replayed.body.find("invalid_client") != std::string::npos);
  CHECK(replayed.body.find("access_token") == std::string::npos);
  // The replay counted as a failed authentication (SMART App Launch 2.2: rate-limit brute force).
  CHECK(post("fresh").status == 429);
}

TEST_CASE_METHOD(RealStore, "a jti that cannot be remembered hands out no token",
                 "[oauth][replay]") {  // CAUTH-6: the token leaves only once its jti is durable
  add_client_row();
  REQUIRE(db->write_sync([](store::Connection& conn) {
    return conn.exec("DROP TABLE assertion_jti_log");
  }) == store::StoreStatus::ok);
  auto failed = post("lost");
  CHECK(failed.status == 500);
  CHECK(failed.body.find("access_token") == std::string::npos);
}

}  // namespace
}  // namespace sa::oauth
