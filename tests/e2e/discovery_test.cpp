// Discovery documents and their HTTP behaviour, against the running binary.
#include <set>

#include "e2e/running_service.hpp"

using sa::test::parse_json;
using sa::test::RunningService;

namespace {
std::set<std::string> strings_of(const rapidjson::Value& array) {
  std::set<std::string> out;
  for (const auto& v : array.GetArray()) out.insert(v.GetString());
  return out;
}
}  // namespace

TEST_CASE("smart-configuration is JSON with the required fields whatever the Accept header",
          "[discovery]") {
  RunningService svc("  public_base_url: \"https://auth.example.test\"\n");
  for (const char* accept : {"application/json", "text/html", "*/*", ""}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (*accept) headers.emplace_back("Accept", accept);
    auto res = svc.client->request("GET", "/.well-known/smart-configuration", headers);
    REQUIRE(res.status == 200);                                            // DISC-1
    REQUIRE(res.header("Content-Type").value().rfind("application/json", 0) == 0);  // DISC-2
    auto doc = parse_json(res.body);
    REQUIRE(doc["capabilities"].IsArray());                                // DISC-7
    REQUIRE(doc["grant_types_supported"].IsArray());                       // DISC-6
    auto methods = strings_of(doc["code_challenge_methods_supported"]);    // DISC-8
    REQUIRE(methods == std::set<std::string>{"S256"});
    // DISC-3: every endpoint URL is absolute, under the configured issuer.
    REQUIRE(std::string(doc["jwks_uri"].GetString()) ==
            "https://auth.example.test/.well-known/jwks.json");
    // DISC-9, OIDC-10: sso-openid-connect, so the issuer, the same as the id_token's iss.
    REQUIRE(std::string(doc["issuer"].GetString()) == "https://auth.example.test");
  }
}

TEST_CASE("an endpoint is advertised only once it is registered", "[discovery]") {
  RunningService svc;
  auto doc = parse_json(svc.client->get("/.well-known/smart-configuration").body);
  // INTRO-1, REVOKE-1, OIDC-9: they work, so both documents list them, absolute.
  auto oidc = parse_json(svc.client->get("/.well-known/openid-configuration").body);
  for (auto [field, path] : {std::pair{"introspection_endpoint", "/auth/introspect"},
                             std::pair{"revocation_endpoint", "/auth/revoke"},
                             std::pair{"userinfo_endpoint", "/auth/userinfo"}}) {
    INFO(field);
    REQUIRE(std::string(doc[field].GetString()) == std::string("https://localhost:8443") + path);
    REQUIRE(std::string(oidc[field].GetString()) == std::string("https://localhost:8443") + path);
  }
  // DISC-2: the authorization endpoint works, so it is advertised, with what it supports.
  REQUIRE(std::string(doc["authorization_endpoint"].GetString()) ==
          "https://localhost:8443/auth/authorize");
  REQUIRE(strings_of(doc["response_types_supported"]) == std::set<std::string>{"code"});
  REQUIRE(doc["authorization_response_iss_parameter_supported"].GetBool());  // AUTHZ-10
  auto capabilities = strings_of(doc["capabilities"]);
  for (const char* capability :
       {"launch-ehr", "launch-standalone", "authorize-post", "client-public", "context-ehr-patient",
        "context-ehr-encounter", "context-standalone-patient", "context-standalone-encounter",
        "context-banner", "context-style", "permission-patient", "permission-user",
        "permission-v1", "permission-v2"}) {
    INFO(capability);
    CHECK(capabilities.count(capability) == 1);
  }
  // The code exchange issues id_tokens and the refresh grant is wired: OpenID Connect sign-in,
  // offline and online access (OIDC-1, REFRESH-1), and the grant types behind them (DISC-6).
  for (const char* capability : {"sso-openid-connect", "permission-offline", "permission-online"}) {
    INFO(capability);
    CHECK(capabilities.count(capability) == 1);
  }
  auto grant_types = strings_of(doc["grant_types_supported"]);
  CHECK(grant_types.count("authorization_code") == 1);
  CHECK(grant_types.count("refresh_token") == 1);
  // REFRESH-1: the scopes that ask for a refresh token are listed with the grant that honours them.
  const auto scopes = strings_of(doc["scopes_supported"]);
  for (const char* scope : {"offline_access", "online_access"}) {
    INFO(scope);
    CHECK(scopes.count(scope) == 1);
  }
  // Registration works, so it is advertised.
  REQUIRE(std::string(doc["registration_endpoint"].GetString()).find("/auth/register") !=
          std::string::npos);
}

TEST_CASE("openid-configuration carries the issuer and the OIDC required members",
          "[discovery]") {
  RunningService svc("  public_base_url: \"https://auth.example.test\"\n");
  auto res = svc.client->get("/.well-known/openid-configuration");
  REQUIRE(res.status == 200);  // DISC-16
  REQUIRE(res.header("Content-Type").value().rfind("application/json", 0) == 0);
  auto doc = parse_json(res.body);
  REQUIRE(std::string(doc["issuer"].GetString()) == "https://auth.example.test");  // OIDC-10
  REQUIRE(std::string(doc["jwks_uri"].GetString()) ==
          "https://auth.example.test/.well-known/jwks.json");
  REQUIRE(strings_of(doc["subject_types_supported"]) == std::set<std::string>{"public"});
  // OIDC Discovery 1.0 §3: both REQUIRED and non-empty. They say what the server really does,
  // the same as the SMART document: the response types authorize serves, and RS256 (always in
  // the JWKS) for id_tokens.
  auto smart = parse_json(svc.client->get("/.well-known/smart-configuration").body);
  const auto smart_response_types = smart.HasMember("response_types_supported")
                                        ? strings_of(smart["response_types_supported"])
                                        : std::set<std::string>{};
  REQUIRE(strings_of(doc["response_types_supported"]) == smart_response_types);
  REQUIRE(smart_response_types == std::set<std::string>{"code"});
  REQUIRE(strings_of(doc["id_token_signing_alg_values_supported"]) ==
          std::set<std::string>{"RS256"});
  REQUIRE(std::string(doc["authorization_endpoint"].GetString()) ==
          "https://auth.example.test/auth/authorize");
}

TEST_CASE("openid-configuration lists every OIDC Discovery member and the claims id_tokens carry",
          "[discovery][oidc]") {
  RunningService svc("  public_base_url: \"https://auth.example.test\"\n");
  auto doc = parse_json(svc.client->get("/.well-known/openid-configuration").body);
  // DISC-17, OIDC Discovery 1.0 §3: the REQUIRED members, and the RECOMMENDED ones we can fill.
  for (const char* member : {"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
                             "scopes_supported", "response_types_supported",
                             "subject_types_supported", "id_token_signing_alg_values_supported",
                             "claims_supported", "token_endpoint_auth_methods_supported",
                             "grant_types_supported", "code_challenge_methods_supported"}) {
    INFO(member);
    REQUIRE(doc.HasMember(member));
  }
  REQUIRE(std::string(doc["token_endpoint"].GetString()) == "https://auth.example.test/auth/token");
  // OIDC Discovery 1.0 §3: scopes_supported MUST contain openid; SMART's identity scopes too.
  auto scopes = strings_of(doc["scopes_supported"]);
  for (const char* scope : {"openid", "fhirUser", "profile", "launch", "launch/patient"}) {
    INFO(scope);
    CHECK(scopes.count(scope) == 1);
  }
  // OIDC-5, OIDC-6, OIDC-7: the claims an id_token (and userinfo) can carry.
  REQUIRE(strings_of(doc["claims_supported"]) == std::set<std::string>{"sub", "iss", "aud", "exp",
                                                                       "iat", "auth_time", "nonce",
                                                                       "fhirUser", "name"});
  REQUIRE(strings_of(doc["id_token_signing_alg_values_supported"]) ==
          std::set<std::string>{"RS256"});  // OIDC-2
  REQUIRE(strings_of(doc["code_challenge_methods_supported"]) ==
          std::set<std::string>{"S256"});  // DISC-8
  REQUIRE(strings_of(doc["grant_types_supported"]).count("authorization_code") == 1);
  REQUIRE(doc["token_endpoint_auth_methods_supported"].Size() > 0);
}

TEST_CASE("the SMART and OpenID documents agree on the issuer and everything both list",
          "[discovery][oidc]") {
  RunningService svc("  public_base_url: \"https://auth.example.test\"\n");
  auto smart = parse_json(svc.client->get("/.well-known/smart-configuration").body);
  auto oidc = parse_json(svc.client->get("/.well-known/openid-configuration").body);
  // OIDC-10: one issuer (the SMART document lists it with sso-openid-connect, DISC-9).
  REQUIRE(std::string(oidc["issuer"].GetString()) == "https://auth.example.test");
  if (strings_of(smart["capabilities"]).count("sso-openid-connect") == 1) {
    REQUIRE(std::string(smart["issuer"].GetString()) == oidc["issuer"].GetString());
  }
  // Every endpoint and every list the SMART document gives, the OpenID one gives identically.
  std::size_t endpoints = 0;
  for (const auto& member : smart.GetObject()) {
    const std::string name = member.name.GetString();
    INFO(name);
    const bool endpoint =
        name == "jwks_uri" || (name.size() > 9 && name.substr(name.size() - 9) == "_endpoint");
    if (endpoint && name != "management_endpoint") {
      ++endpoints;
      REQUIRE(oidc.HasMember(member.name));
      REQUIRE(std::string(oidc[member.name].GetString()) == member.value.GetString());
    }
  }
  CHECK(endpoints >= 4);  // authorization, token, registration, jwks_uri at least
  for (const char* list :
       {"grant_types_supported", "scopes_supported", "response_types_supported",
        "code_challenge_methods_supported", "token_endpoint_auth_methods_supported",
        "token_endpoint_auth_signing_alg_values_supported"}) {
    INFO(list);
    REQUIRE(smart.HasMember(list) == oidc.HasMember(list));
    if (smart.HasMember(list)) REQUIRE(strings_of(smart[list]) == strings_of(oidc[list]));
  }
}

TEST_CASE("discovery and JWKS allow any origin and may be cached; other routes are no-store",
          "[discovery][cors]") {
  RunningService svc;
  for (const char* path : {"/.well-known/smart-configuration", "/.well-known/jwks.json",
                           "/.well-known/openid-configuration"}) {
    INFO(path);
    auto res = svc.client->request("GET", path, {{"Origin", "https://app.example.org"}});
    REQUIRE(res.status == 200);
    REQUIRE(res.header("Access-Control-Allow-Origin") == "https://app.example.org");  // CORS-1
    REQUIRE(res.header("Cache-Control").value().find("no-store") == std::string::npos);
    REQUIRE(res.header("X-Content-Type-Options") == "nosniff");
    REQUIRE(res.header("Referrer-Policy") == "no-referrer");
    REQUIRE(res.header("Strict-Transport-Security").has_value());

    auto pre = svc.client->request("OPTIONS", path,
                                   {{"Origin", "https://app.example.org"},
                                    {"Access-Control-Request-Method", "GET"}});
    REQUIRE(pre.status == 204);
    REQUIRE(pre.header("Access-Control-Allow-Origin") == "https://app.example.org");
    REQUIRE(pre.header("Access-Control-Allow-Methods").value().find("GET") != std::string::npos);
  }
  auto health = svc.client->request("GET", "/healthz", {{"Origin", "https://app.example.org"}});
  REQUIRE(health.header("Cache-Control") == "no-store");
  REQUIRE_FALSE(health.header("Access-Control-Allow-Origin").has_value());
}

TEST_CASE("CORS is limited to the configured origins when a list is given", "[cors]") {
  RunningService svc("  cors_allowed_origins: [\"https://good.example.org\"]\n");
  auto good = svc.client->request("GET", "/.well-known/jwks.json",
                                  {{"Origin", "https://good.example.org"}});
  REQUIRE(good.header("Access-Control-Allow-Origin") == "https://good.example.org");
  auto bad = svc.client->request("GET", "/.well-known/jwks.json",
                                 {{"Origin", "https://evil.example.org"}});
  REQUIRE(bad.status == 200);
  REQUIRE_FALSE(bad.header("Access-Control-Allow-Origin").has_value());
}

TEST_CASE("unknown paths get a JSON 404 and wrong methods a JSON 405 with Allow", "[router]") {
  RunningService svc;
  auto missing = svc.client->get("/no/such/thing");
  REQUIRE(missing.status == 404);
  REQUIRE(std::string(parse_json(missing.body)["error"].GetString()) == "not_found");
  REQUIRE(missing.header("Cache-Control") == "no-store");

  auto wrong = svc.client->request("DELETE", "/.well-known/jwks.json");
  REQUIRE(wrong.status == 405);
  REQUIRE(parse_json(wrong.body)["error"].IsString());
  auto allow = wrong.header("Allow").value();
  REQUIRE(allow.find("GET") != std::string::npos);
  REQUIRE(allow.find("DELETE") == std::string::npos);
}
