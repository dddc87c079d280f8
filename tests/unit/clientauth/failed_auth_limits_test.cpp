// CAUTH-2: failed client authentications counted per address and per client_id, through the
// real ClientAuthenticator with fakes around it and a fake clock.
#include "clientauth/failed_auth_limits.hpp"

#include <catch2/catch.hpp>

#include "clientauth/client_authenticator.hpp"
#include "crypto/hash.hpp"
#include "unit/clientauth/clientauth_test_support.hpp"
#include "util/base64url.hpp"

namespace sa::clientauth {
namespace {

using namespace test;
using Result = Expected<AuthenticatedClient, oauth::Error>;

std::string basic(const std::string& raw) { return "Basic " + base64_encode(raw); }

TEST_CASE("past the failure budget even the right credential is refused until the window ends",
          "[clientauth][ratelimit]") {  // CAUTH-2
  FakeClock clock{kNow};
  FakeClientStore clients;
  FakeReplayStore replay;
  ManualFetch fetch;
  config::ClientAuthSettings settings;
  JwksResolver resolver{settings, clock, fetch.fn()};
  obs::Metrics metrics;
  config::RateLimitSettings limits_settings{
      .window_s = 60, .failed_auth_per_ip = 100, .failed_auth_per_client = 2};
  FailedAuthLimits limits(limits_settings, clock, metrics);
  ClientAuthenticator auth{{kTokenUrl, settings}, clients, resolver, replay, clock, {}, &limits};
  clients::ClientRecord app{.client_id = "basic-app",
                          .token_endpoint_auth_method = "client_secret_basic"};
  app.secret_hash = crypto::sha256_b64url("s3cret");
  clients.clients["basic-app"] = app;
  auto run = [&](const std::string& credentials) {
    http::Request req;
    req.remote_addr = "192.0.2.7";
    req.headers.push_back({"Authorization", basic(credentials)});
    std::optional<Result> out;
    auth.authenticate(req, oauth::Form::parse("grant_type=client_credentials").value(),
                      [&](Result r) { out = std::move(r); });
    REQUIRE(out);
    return std::move(*out);
  };
  CHECK(run("basic-app:guess1").error().code == oauth::ErrorCode::invalid_client);
  clock.advance(10);
  CHECK(run("basic-app:guess2").error().code == oauth::ErrorCode::invalid_client);
  auto refused = run("basic-app:s3cret");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == oauth::ErrorCode::temporarily_unavailable);
  CHECK(oauth::status_of(refused.error()) == 429);
  CHECK(refused.error().retry_after_s == 50);
  auto response = oauth::to_response(refused.error());
  CHECK(response.header("Retry-After") == "50");
  CHECK(response.status == 429);
  CHECK(
      metrics.render().find("smart_auth_rate_limited_total{limit=\"failed_auth_per_client\"} 1") !=
      std::string::npos);
  clock.advance(50);
  CHECK(run("basic-app:s3cret"));
}

}  // namespace
}  // namespace sa::clientauth
