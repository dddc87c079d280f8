// Token introspection (RFC 7662, SMART App Launch 2.2 "Token Introspection") against the running
// binary: who may ask, what an active token reports, and that every inactive token (revoked,
// garbage, another issuer's, forged) reads exactly {"active":false}.
#include <signal.h>

#include <chrono>
#include <random>

#include "e2e/token_support.hpp"
#include "support/test_keys.hpp"

using namespace sa::test;

namespace {

const std::string kInactive = R"({"active":false})";
const std::string kAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_id() {
  static std::mt19937_64 rng(std::random_device{}());
  return std::to_string(rng()) + std::to_string(rng());
}

// A JWT shaped like ours, signed by a key this server never had.
std::string foreign_jwt(const std::string& iss, const std::string& jti) {
  auto key = make_test_key("ES256", "stranger");
  std::int64_t now = now_s();
  return sign_jws_with_pem(key.private_pem, "ES256",
                           R"({"alg":"ES256","kid":"stranger","typ":"at+jwt"})",
                           R"({"iss":")" + iss +
                               R"(","sub":"x","aud":"https://localhost:8443/fhir","client_id":"x",)"
                               R"("scope":"system/*.rs","iat":)" +
                               std::to_string(now) + R"(,"exp":)" + std::to_string(now + 300) +
                               R"(,"jti":")" + jti + R"("})");
}

}  // namespace

TEST_CASE("a confidential client introspects an active access token and reads what it carries",
          "[introspection]") {  // INTRO-1, INTRO-3, INTRO-7
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  auto token = client_credentials_token(*svc.client, backend);
  auto claims = parse_json(jws_part_json(token, 1));

  auto res = introspect(*svc.client, backend.basic(), token);
  INFO(res.body);
  REQUIRE(res.status == 200);
  REQUIRE(res.header("Content-Type").value().rfind("application/json", 0) == 0);
  REQUIRE(res.header("Cache-Control") == "no-store");
  auto doc = parse_json(res.body);
  REQUIRE(doc["active"].IsBool());
  REQUIRE(doc["active"].GetBool());
  CHECK(std::string(doc["scope"].GetString()) == "system/*.rs");
  CHECK(std::string(doc["client_id"].GetString()) == backend.client_id);
  CHECK(std::string(doc["sub"].GetString()) == backend.client_id);
  REQUIRE(doc["exp"].IsInt64());
  CHECK(doc["exp"].GetInt64() == claims["exp"].GetInt64());
  CHECK(doc["iat"].GetInt64() == claims["iat"].GetInt64());
  CHECK(std::string(doc["iss"].GetString()) == "https://localhost:8443");
  CHECK(std::string(doc["aud"].GetString()) == "https://localhost:8443/fhir");
  CHECK(std::string(doc["token_type"].GetString()) == "Bearer");

  // RFC 7662 §2.1: the hint is never decisive; a wrong one still finds the token.
  auto hinted = introspect(*svc.client, backend.basic(), token, "refresh_token");
  REQUIRE(hinted.status == 200);
  REQUIRE(parse_json(hinted.body)["active"].GetBool());
}

TEST_CASE("a configured resource server introspects with HTTP Basic", "[introspection]") {
  // INTRO-2
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  auto token = client_credentials_token(*svc.client, backend);
  auto res = introspect(*svc.client, basic_auth(kResourceServerId, kResourceServerSecret), token);
  INFO(res.body);
  REQUIRE(res.status == 200);
  REQUIRE(parse_json(res.body)["active"].GetBool());

  // An unknown token: inactive, and that answer is audited (a probed or stolen token).
  auto unknown = introspect(*svc.client, basic_auth(kResourceServerId, kResourceServerSecret),
                            "not-a-token-of-ours");
  REQUIRE(unknown.status == 200);
  REQUIRE_FALSE(parse_json(unknown.body)["active"].GetBool());
  // Both answers are counted; only the inactive one is audited.
  const auto metrics = svc.client->get("/metrics").body;
  CHECK(metrics.find("smart_auth_introspections_total{active=\"true\"} 1") != std::string::npos);
  CHECK(metrics.find("smart_auth_introspections_total{active=\"false\"} 1") != std::string::npos);

  auto wrong =
      introspect(*svc.client, basic_auth(kResourceServerId, kResourceServerSecret + "x"), token);
  REQUIRE(wrong.status == 401);
  REQUIRE(wrong.header("WWW-Authenticate").value().rfind("Basic", 0) == 0);
  REQUIRE(std::string(parse_json(wrong.body)["error"].GetString()) == "invalid_client");

  auto stopped = svc.process.stop(SIGTERM);
  REQUIRE(stopped.exited);
  // The failure is audited with who it claimed to be, never with the secret.
  auto failed =
      find_audit_event(svc.process.log(), "introspection_auth_failed", "caller", kResourceServerId);
  REQUIRE(failed);
  CHECK(failed->get("reason") == "SecretMismatch");
  // An inactive answer is audited with who holds the credential
  // (introspection.resource_servers); an active one is routine and only counted.
  auto answered =
      find_audit_event(svc.process.log(), "token_introspected", "caller", kResourceServerId);
  REQUIRE(answered);
  CHECK(answered->get("description") == "e2e FHIR server");
  CHECK(answered->get("active") == "false");
  CHECK(answered->get("reason") == "malformed");
  CHECK(svc.process.log().find(kResourceServerSecret) == std::string::npos);
}

TEST_CASE("an unauthenticated caller or a public client may not introspect", "[introspection]") {
  // INTRO-2
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  auto app = register_public_app(*svc.client);
  auto token = client_credentials_token(*svc.client, backend);

  SECTION("no credentials at all") {
    auto res = svc.client->post_form("/auth/introspect", form_of({{"token", token}}));
    REQUIRE(res.status == 401);
    REQUIRE(res.header("WWW-Authenticate"));
    REQUIRE(std::string(parse_json(res.body)["error"].GetString()) == "invalid_client");
  }
  SECTION("a wrong client secret") {
    Client wrong = backend;
    wrong.client_secret += "x";
    auto res = introspect(*svc.client, wrong.basic(), token);
    REQUIRE(res.status == 401);
    REQUIRE(std::string(parse_json(res.body)["error"].GetString()) == "invalid_client");
  }
  SECTION("a public client naming itself") {
    auto res = svc.client->post_form("/auth/introspect",
                                     form_of({{"token", token}, {"client_id", app.client_id}}));
    REQUIRE(res.status == 401);
    REQUIRE(res.header("WWW-Authenticate"));
    REQUIRE(std::string(parse_json(res.body)["error"].GetString()) == "invalid_client");
  }
}

TEST_CASE("a request without a token is invalid_request", "[introspection]") {  // INTRO-1
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  auto res = svc.client->post_form("/auth/introspect", "token_type_hint=access_token",
                                   {{"Authorization", backend.basic()}});
  REQUIRE(res.status == 400);
  REQUIRE(std::string(parse_json(res.body)["error"].GetString()) == "invalid_request");
}

TEST_CASE("revoked, garbage, forged and another issuer's tokens read exactly active false",
          "[introspection]") {  // INTRO-6, INTRO-1
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  auto token = client_credentials_token(*svc.client, backend);
  auto jti = std::string(parse_json(jws_part_json(token, 1))["jti"].GetString());
  REQUIRE(revoke(*svc.client, backend, token).status == 200);

  const std::string header = token.substr(0, token.find('.'));
  for (const std::string& inactive :
       {token,                                                  // revoked
        std::string("garbage"), std::string("a.b.c"),           // not a JWT of ours
        std::string(200, 'A'),                                  // could be a refresh token: unknown
        foreign_jwt("https://elsewhere.example", random_id()),  // another issuer's
        foreign_jwt("https://localhost:8443", jti),             // our iss and a real jti, forged
        foreign_jwt("https://localhost:8443", random_id())}) {
    INFO(inactive);
    for (const std::string& hint :
         {std::string(), std::string("access_token"), std::string("refresh_token")}) {
      auto res = introspect(*svc.client, backend.basic(), inactive, hint);
      REQUIRE(res.status == 200);  // INTRO-1: 200 for garbage too
      REQUIRE(res.body == kInactive);
    }
  }
}

TEST_CASE("a private_key_jwt caller's assertion cannot be replayed at introspection",
          "[introspection]") {  // INTRO-2, BACKEND-3
  RunningService svc({}, read_endpoints_config());
  auto key = make_test_key("ES384", "k1");
  auto client = register_client(
      *svc.client, R"({"client_name":"backend jwt","grant_types":["client_credentials"],)"
                   R"("token_endpoint_auth_method":"private_key_jwt","scope":"system/*.rs",)"
                   R"("jwks":)" +
                       jwks_of(key) + "}");
  auto backend = register_backend(*svc.client);
  auto token = client_credentials_token(*svc.client, backend);

  std::string assertion =
      sign_jws_with_pem(key.private_pem, "ES384", R"({"alg":"ES384","kid":"k1","typ":"JWT"})",
                        R"({"iss":")" + client.client_id + R"(","sub":")" + client.client_id +
                            R"(","aud":"https://localhost:8443/auth/token","jti":")" + random_id() +
                            R"(","exp":)" + std::to_string(now_s() + 120) + "}");
  auto body = form_of({{"token", token},
                       {"client_assertion_type", kAssertionType},
                       {"client_assertion", assertion}});
  auto first = svc.client->post_form("/auth/introspect", body);
  INFO(first.body);
  REQUIRE(first.status == 200);
  REQUIRE(parse_json(first.body)["active"].GetBool());

  // RFC 7523 §3 item 7: the jti was remembered by the first request.
  auto replayed = svc.client->post_form("/auth/introspect", body);
  INFO(replayed.body);
  REQUIRE(replayed.status == 401);
  REQUIRE(std::string(parse_json(replayed.body)["error"].GetString()) == "invalid_client");
}
