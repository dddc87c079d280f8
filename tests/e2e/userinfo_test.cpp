// UserInfo (OIDC Core §5.3) against the running binary: the RFC 6750 §3 challenges for a missing,
// invalid or revoked token and for a token without openid, and CORS for browser apps.
#include "e2e/token_support.hpp"

using namespace sa::test;

TEST_CASE("userinfo without a token is 401 with a bare Bearer challenge", "[userinfo]") {
  // OIDC-9, RFC 6750 §3.1
  RunningService svc({}, read_endpoints_config());
  for (const char* method : {"GET", "POST"}) {
    INFO(method);
    auto res = svc.client->request(method, "/auth/userinfo");
    REQUIRE(res.status == 401);
    auto challenge = res.header("WWW-Authenticate").value();
    REQUIRE(challenge.rfind("Bearer realm=", 0) == 0);
    REQUIRE(challenge.find("error=") == std::string::npos);
  }
}

TEST_CASE("userinfo refuses an invalid or revoked token with invalid_token", "[userinfo]") {
  // OIDC-9, RFC 6750 §3.1
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  auto token = client_credentials_token(*svc.client, backend);
  REQUIRE(revoke(*svc.client, backend, token).status == 200);
  for (const std::string& bad : {std::string("garbage"), token}) {
    INFO(bad);
    auto res = svc.client->request("GET", "/auth/userinfo", {{"Authorization", "Bearer " + bad}});
    REQUIRE(res.status == 401);
    REQUIRE(res.header("WWW-Authenticate").value().find("error=\"invalid_token\"") !=
            std::string::npos);
    // RFC 6750 §2.2: the same through the form body of a POST.
    auto posted = svc.client->post_form("/auth/userinfo", form_of({{"access_token", bad}}));
    REQUIRE(posted.status == 401);
  }
}

TEST_CASE("userinfo refuses an active token without openid with insufficient_scope",
          "[userinfo]") {  // OIDC-9, RFC 6750 §3.1
  RunningService svc({}, read_endpoints_config());
  auto backend = register_backend(*svc.client);
  auto token = client_credentials_token(*svc.client, backend);
  auto res = svc.client->request(
      "GET", "/auth/userinfo",
      {{"Authorization", "Bearer " + token}, {"Origin", "https://app.example.org"}});
  REQUIRE(res.status == 403);
  REQUIRE(res.header("WWW-Authenticate").value().find("error=\"insufficient_scope\"") !=
          std::string::npos);
  REQUIRE(res.header("Access-Control-Allow-Origin") == "https://app.example.org");  // CORS-1

  // RFC 6750 §3.1: a token sent two ways at once is invalid_request.
  auto twice = svc.client->post_form("/auth/userinfo", form_of({{"access_token", token}}),
                                     {{"Authorization", "Bearer " + token}});
  REQUIRE(twice.status == 400);
}
