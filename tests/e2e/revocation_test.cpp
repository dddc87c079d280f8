// Token revocation (RFC 7009) against the running binary: a client ends its own tokens, answers
// are 200 for unknown tokens, another client's token stays active, bad credentials are 401.
#include <signal.h>

#include "e2e/token_support.hpp"

using namespace sa::test;

namespace {
const std::string kInactive = R"({"active":false})";
}  // namespace

TEST_CASE("a client revokes its own access token and introspection then reads it inactive",
          "[revocation]") {  // REVOKE-1, REVOKE-2, REVOKE-3
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  auto token = client_credentials_token(*svc.client, backend);
  auto rs = basic_auth(kResourceServerId, kResourceServerSecret);
  REQUIRE(parse_json(introspect(*svc.client, rs, token).body)["active"].GetBool());

  // The hint is never decisive: a wrong one still finds the access token.
  auto res = revoke(*svc.client, backend, token, "refresh_token");
  INFO(res.body);
  REQUIRE(res.status == 200);
  REQUIRE(res.header("Cache-Control") == "no-store");
  REQUIRE(introspect(*svc.client, rs, token).body == kInactive);
  // Revoking it again is still 200 (RFC 7009 §2.2).
  REQUIRE(revoke(*svc.client, backend, token).status == 200);

  auto jti = std::string(parse_json(jws_part_json(token, 1))["jti"].GetString());
  REQUIRE(svc.process.stop(SIGTERM).exited);
  auto audited = find_audit_event(svc.process.log(), "token_revoked", "jti", jti);
  REQUIRE(audited);
  CHECK(audited->get("client_id") == backend.client_id);
}

TEST_CASE("a client_credentials token outlives a restart and ends when its client is deleted",
          "[revocation][unrecorded]") {  // INTRO-7; RFC 7592 §2.3: DELETE ends its tokens
  TempDir dir;
  const std::string config = test_config_yaml(dir.path(), {}, read_endpoints_config());
  const std::string rs = basic_auth(kResourceServerId, kResourceServerSecret);
  std::string token, client_path, registration_token;
  {
    ServiceProcess svc(dir.path(), config);
    REQUIRE(svc.wait_ready());
    HttpsClient http(svc.https_port(), svc.ca_file().string());
    auto reg = http.request(
        "POST", "/auth/register",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kTokenIat}},
        R"({"client_name":"backend","grant_types":["client_credentials"],)"
        R"("token_endpoint_auth_method":"client_secret_basic","scope":"system/*.rs"})");
    INFO(reg.body);
    REQUIRE(reg.status == 201);
    auto doc = parse_json(reg.body);
    Client backend{doc["client_id"].GetString(), doc["client_secret"].GetString()};
    const std::string uri = doc["registration_client_uri"].GetString();
    client_path = uri.substr(uri.find("/auth/register/"));
    registration_token = doc["registration_access_token"].GetString();
    token = client_credentials_token(http, backend);
  }
  ServiceProcess again(dir.path(), config);
  REQUIRE(again.wait_ready());
  HttpsClient http(again.https_port(), again.ca_file().string());
  // No row was written for it: its signature, by a key the ring keeps, is what proves it.
  REQUIRE(parse_json(introspect(http, rs, token).body)["active"].GetBool());
  auto deleted =
      http.request("DELETE", client_path, {{"Authorization", "Bearer " + registration_token}});
  REQUIRE(deleted.status == 204);
  CHECK(introspect(http, rs, token).body == kInactive);
}

TEST_CASE("revoking another client's token answers 200 and leaves it active", "[revocation]") {
  // REVOKE-4
  RunningService svc({}, read_endpoints_config());
  auto owner = register_backend(*svc.client);
  auto other = register_backend(*svc.client);
  auto token = client_credentials_token(*svc.client, owner);

  auto res = revoke(*svc.client, other, token);
  REQUIRE(res.status == 200);
  auto still = introspect(*svc.client, owner.basic(), token);
  REQUIRE(parse_json(still.body)["active"].GetBool());

  REQUIRE(svc.process.stop(SIGTERM).exited);
  auto refused =
      find_audit_event(svc.process.log(), "token_revocation_refused", "client_id", other.client_id);
  REQUIRE(refused);
  CHECK(refused->get("owner") == owner.client_id);
}

TEST_CASE("an unknown token is answered 200", "[revocation]") {  // REVOKE-2
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  for (const std::string& unknown :
       {std::string("garbage"), std::string("a.b.c"), std::string(43, 'A')}) {
    for (const std::string& hint :
         {std::string(), std::string("access_token"), std::string("refresh_token")}) {
      REQUIRE(revoke(*svc.client, backend, unknown, hint).status == 200);
    }
  }
}

TEST_CASE("bad client credentials are 401 and a missing token is invalid_request",
          "[revocation]") {  // REVOKE-1
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  auto token = client_credentials_token(*svc.client, backend);

  Client wrong = backend;
  wrong.client_secret += "x";
  auto bad = revoke(*svc.client, wrong, token);
  REQUIRE(bad.status == 401);
  REQUIRE(bad.header("WWW-Authenticate"));
  REQUIRE(std::string(parse_json(bad.body)["error"].GetString()) == "invalid_client");
  auto none = svc.client->post_form("/auth/revoke", form_of({{"token", token}}));
  REQUIRE(none.status == 401);
  REQUIRE(introspect(*svc.client, backend.basic(), token).body != kInactive);  // untouched

  auto missing = svc.client->post_form("/auth/revoke", "token_type_hint=access_token",
                                       {{"Authorization", backend.basic()}});
  REQUIRE(missing.status == 400);
  REQUIRE(std::string(parse_json(missing.body)["error"].GetString()) == "invalid_request");
}

TEST_CASE("a public client authenticates with its client_id alone", "[revocation]") {
  // REVOKE-1: as at the token endpoint
  RunningService svc({}, read_endpoints_config());
  auto app = register_public_app(*svc.client);
  auto res = svc.client->post_form("/auth/revoke",
                                   form_of({{"token", "unknown"}, {"client_id", app.client_id}}));
  REQUIRE(res.status == 200);
}
