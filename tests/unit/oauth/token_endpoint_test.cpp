#include "oauth/token_endpoint.hpp"

#include <catch2/catch.hpp>

#include "crypto/hash.hpp"
#include "unit/oauth/oauth_test_support.hpp"
#include "util/base64url.hpp"

namespace sa::oauth {
namespace {

using clientauth::test::FakeClientStore;
using clientauth::test::FakeReplayStore;
using clientauth::test::kTokenUrl;
using clientauth::test::ManualFetch;

// A grant that answers whatever the test sets, and counts its calls.
class ScriptedGrant final : public Grant {
 public:
  std::string_view grant_type() const override { return "urn:test:scripted"; }
  void handle(const TokenRequest& request, GrantDone done) const override {
    ++calls;
    last_client = request.client.client.client_id;
    // As a grant that records its token does: the claim first, in the same (here fake) write.
    if (records && request.claim_write()) {
      auto status = request.claim_write()(clientauth::test::scratch_connection());
      if (status != store::StoreStatus::ok) {
        return done(unexpected(make_error(ErrorCode::server_error, "cannot record the token")));
      }
    }
    done(answer);
  }
  bool records = true;  // false: a grant that records nothing, leaving the claim to the endpoint
  GrantResult answer = Granted{TokenResponse{.access_token = "at", .expires_in = 60,
                                             .scope = "system/Patient.rs"},
                               "jti-1"};
  mutable int calls = 0;
  mutable std::string last_client;
};

struct Fixture {
  FakeClock clock{clientauth::test::kNow};
  FakeClientStore clients;
  FakeReplayStore replay;
  ManualFetch fetch;
  config::ClientAuthSettings settings;
  clientauth::JwksResolver resolver{settings, clock, fetch.fn()};
  clientauth::ClientAuthenticator auth{{kTokenUrl, settings}, clients, resolver, replay, clock};
  obs::Metrics metrics;
  TokenEndpoint endpoint{auth, metrics};
  ScriptedGrant* grant = nullptr;

  Fixture() {
    auto owned = std::make_unique<ScriptedGrant>();
    grant = owned.get();
    endpoint.add_grant(std::move(owned));
    add_client("registered", {"urn:test:scripted"});
    add_client("other-grant", {"client_credentials"});
    clients::ClientRecord jwt{.client_id = "jwt-app",
                              .token_endpoint_auth_method = "private_key_jwt"};
    jwt.jwks_json = clientauth::test::jwks_for(key, "k1");
    jwt.grant_types = {"urn:test:scripted"};
    clients.clients["jwt-app"] = jwt;
    jwt.client_id = "jwt-other-grant";
    jwt.grant_types = {"client_credentials"};
    clients.clients[jwt.client_id] = jwt;
  }
  crypto::PKey key = crypto::generate_key(crypto::KeyType::EC_P384).value();
  http::Response post_assertion(const std::string& jti, const std::string& client_id = "jwt-app") {
    auto assertion = clientauth::test::sign(
        key, crypto::JwsAlg::ES384, "k1",
        clientauth::test::claims(client_id, clientauth::test::kNow + 300, jti));
    return post(
        "grant_type=urn:test:scripted"
        "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type"
        "%3Ajwt-bearer&client_assertion=" +
            assertion,
        "");
  }
  void add_client(const std::string& id, std::vector<std::string> grants) {
    clients::ClientRecord c{.client_id = id, .token_endpoint_auth_method = "client_secret_basic"};
    c.secret_hash = crypto::sha256_b64url("secret-of-" + id);
    c.grant_types = std::move(grants);
    clients.clients[id] = c;
  }
  http::Response post(const std::string& body, const std::string& client_id = "registered",
                       const std::string& query = "", std::string secret = "") {
    if (secret.empty()) secret = "secret-of-" + client_id;
    http::Request req;
    req.method = http::Method::POST;
    req.path = "/auth/token";
    req.query = query;
    req.body = body;
    req.request_id = "req-1";
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    if (!client_id.empty()) {
      req.headers.push_back(
          {"Authorization", "Basic " + base64_encode(client_id + ":" + secret)});
    }
    std::optional<http::Response> out;
    endpoint.handle(req, http::Responder([&](http::Response r) { out = std::move(r); }));
    REQUIRE(out);
    return std::move(*out);
  }
  bool counted(const std::string& line) const {
    return metrics.render().find(line) != std::string::npos;
  }
};

TEST_CASE_METHOD(Fixture, "the token endpoint answers a grant's success with the token response",
                 "[oauth][token]") {
  auto res = post("grant_type=urn:test:scripted");
  CHECK(res.status == 200);
  CHECK(res.body.find(R"("access_token":"at")") != std::string::npos);
  CHECK(res.body.find(R"("token_type":"Bearer")") != std::string::npos);  // TOKEN-5
  CHECK(res.body.find(R"("expires_in":60)") != std::string::npos);        // TOKEN-6
  CHECK(grant->calls == 1);
  CHECK(grant->last_client == "registered");
  CHECK(counted(R"(smart_auth_tokens_issued_total{grant_type="urn:test:scripted"} 1)"));
}

TEST_CASE_METHOD(Fixture, "a grant's error leaves through the one error mapping and is counted",
                 "[oauth][token]") {
  grant->answer = unexpected(make_error(ErrorCode::invalid_grant, "no such code", "internal"));
  auto res = post("grant_type=urn:test:scripted");
  CHECK(res.status == 400);
  CHECK(res.body.find(R"("error":"invalid_grant")") != std::string::npos);
  CHECK(res.body.find("internal") == std::string::npos);  // the internal reason stays in the log
  CHECK(counted(R"(smart_auth_oauth_errors_total{endpoint="token",error="invalid_grant"} 1)"));
  CHECK_FALSE(counted("smart_auth_tokens_issued_total{"));
}

TEST_CASE_METHOD(Fixture, "a client not registered for the grant type is unauthorized_client",
                 "[oauth][token]") {
  // RFC 6749 §5.2; checked by the endpoint for every grant, before the grant runs.
  auto res = post("grant_type=urn:test:scripted", "other-grant");
  CHECK(res.status == 400);
  CHECK(res.body.find(R"("error":"unauthorized_client")") != std::string::npos);
  CHECK(grant->calls == 0);
}

TEST_CASE_METHOD(Fixture, "an unknown grant_type is unsupported_grant_type", "[oauth][token]") {
  // TOKEN-11
  auto res = post("grant_type=password&username=a&password=b");
  CHECK(res.status == 400);
  CHECK(res.body.find(R"("error":"unsupported_grant_type")") != std::string::npos);
  CHECK(grant->calls == 0);
}

TEST_CASE_METHOD(Fixture, "a request without grant_type is invalid_request", "[oauth][token]") {
  auto res = post("scope=system/Patient.rs");
  CHECK(res.status == 400);
  CHECK(res.body.find(R"("error":"invalid_request")") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "parameters in the URL are refused", "[oauth][token]") {
  auto res = post("grant_type=urn:test:scripted", "registered", "client_secret=x");
  CHECK(res.status == 400);
  CHECK(res.body.find(R"("error":"invalid_request")") != std::string::npos);
  CHECK(grant->calls == 0);
}

TEST_CASE_METHOD(Fixture, "a client that fails authentication never reaches the grant",
                 "[oauth][token]") {
  auto res = post("grant_type=urn:test:scripted", "registered", "", "a wrong secret");
  CHECK(res.status == 401);  // RFC 6749 §5.2: Basic was used, so 401 with a challenge
  CHECK(res.header("WWW-Authenticate"));
  CHECK(res.body.find(R"("error":"invalid_client")") != std::string::npos);
  CHECK(grant->calls == 0);
}

TEST_CASE_METHOD(Fixture, "an assertion's jti is claimed in the grant's write, once",
                 "[oauth][token][replay]") {  // CAUTH-6
  CHECK(post_assertion("once").status == 200);
  CHECK(replay.alone == 0);  // no write of its own: it went with the grant's
  auto replayed = post_assertion("once");
  CHECK(replayed.status == 400);
  CHECK(replayed.body.find(R"("error":"invalid_client")") != std::string::npos);
  CHECK(replayed.body.find("client authentication failed") != std::string::npos);
  CHECK(counted(R"(smart_auth_tokens_issued_total{grant_type="urn:test:scripted"} 1)"));
}

TEST_CASE_METHOD(Fixture, "a grant that records nothing: its token leaves once the jti is durable",
                 "[oauth][token][replay]") {  // CAUTH-6: the claim cannot be forgotten
  grant->records = false;  // as client_credentials, whose tokens are not recorded
  auto res = post_assertion("unrecorded");
  CHECK(res.status == 200);
  CHECK(replay.alone == 1);  // the endpoint committed the claim on its own
  auto replayed = post_assertion("unrecorded");
  CHECK(replayed.status == 400);
  CHECK(replayed.body.find(R"("error":"invalid_client")") != std::string::npos);
  CHECK(replayed.body.find("access_token") == std::string::npos);
  // A claim that cannot be made durable hands out no token.
  replay.fail_with = store::StoreStatus::io_error;
  auto failed = post_assertion("not-durable");
  CHECK(failed.status == 500);
  CHECK(failed.body.find("access_token") == std::string::npos);
  CHECK(counted(R"(smart_auth_tokens_issued_total{grant_type="urn:test:scripted"} 1)"));
}

TEST_CASE_METHOD(Fixture, "a request that fails before recording still uses up its jti",
                 "[oauth][token][replay]") {  // CAUTH-6, as when the jti was claimed up front
  grant->records = false;
  grant->answer = unexpected(make_error(ErrorCode::invalid_scope, "no"));
  auto first = post_assertion("failed");
  CHECK(first.body.find(R"("error":"invalid_scope")") != std::string::npos);
  CHECK(replay.alone == 1);
  auto replayed = post_assertion("failed");
  CHECK(replayed.body.find(R"("error":"invalid_client")") != std::string::npos);
  // Not registered for the grant type: refused before the grant, the jti used up all the same.
  auto unregistered = post_assertion("other", "jwt-other-grant");
  CHECK(unregistered.body.find(R"("error":"unauthorized_client")") != std::string::npos);
  auto again = post_assertion("other", "jwt-other-grant");
  CHECK(again.body.find(R"("error":"invalid_client")") != std::string::npos);
  CHECK(grant->calls == 2);
}

}  // namespace
}  // namespace sa::oauth
