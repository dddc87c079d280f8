#include "smart/discovery.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

using namespace sa;

namespace {
rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}
http::Handler noop() {
  return http::sync_handler([](const http::Request&) { return http::Response{}; });
}
}  // namespace

TEST_CASE("discovery lists exactly the registered endpoints as absolute URLs", "[discovery]") {
  config::Config cfg;
  cfg.server.public_base_url = "https://auth.test";
  http::Router router;
  router.add(http::Method::POST, "/auth/token", "token", noop(),
             {.discovery_field = "token_endpoint"});
  auto docs = smart::build_discovery(cfg, router, {});
  auto smart_doc = parse(docs.smart_configuration);
  REQUIRE(std::string(smart_doc["token_endpoint"].GetString()) == "https://auth.test/auth/token");
  REQUIRE_FALSE(smart_doc.HasMember("authorization_endpoint"));
  auto oidc = parse(docs.openid_configuration);
  REQUIRE(std::string(oidc["token_endpoint"].GetString()) == "https://auth.test/auth/token");
}

TEST_CASE("features become sorted, de-duplicated discovery arrays", "[discovery]") {
  config::Config cfg;
  smart::Features f;
  f.capabilities = {"permission-v2", "client-public", "permission-v2"};
  f.grant_types = {"client_credentials"};
  f.token_endpoint_auth_methods = {"private_key_jwt", "client_secret_basic"};
  f.token_endpoint_auth_signing_algs = {"RS384", "ES384"};
  auto doc = parse(smart::build_discovery(cfg, http::Router{}, f).smart_configuration);
  REQUIRE(doc["capabilities"].Size() == 2);
  REQUIRE(std::string(doc["capabilities"][0].GetString()) == "client-public");
  REQUIRE(std::string(doc["token_endpoint_auth_methods_supported"][0].GetString()) ==
          "client_secret_basic");
  REQUIRE(doc["token_endpoint_auth_signing_alg_values_supported"].Size() == 2);
}

TEST_CASE("issuer appears in SMART discovery only with sso-openid-connect", "[discovery]") {
  config::Config cfg;  // DISC-9
  REQUIRE_FALSE(parse(smart::build_discovery(cfg, http::Router{}, {}).smart_configuration)
                    .HasMember("issuer"));
  smart::Features f;
  f.capabilities = {"sso-openid-connect"};
  auto doc = parse(smart::build_discovery(cfg, http::Router{}, f).smart_configuration);
  REQUIRE(std::string(doc["issuer"].GetString()) == cfg.server.public_base_url);
}

TEST_CASE("PKCE methods are S256 only, never plain", "[discovery]") {  // DISC-8
  config::Config cfg;
  auto doc = parse(smart::build_discovery(cfg, http::Router{}, {}).smart_configuration);
  REQUIRE(doc["code_challenge_methods_supported"].Size() == 1);
  REQUIRE(std::string(doc["code_challenge_methods_supported"][0].GetString()) == "S256");
}

TEST_CASE("configured scopes_supported replace the built-in list", "[discovery]") {
  config::Config cfg;
  cfg.smart.scopes_supported = {"system/*.rs"};
  smart::Features f;
  f.scopes_supported = {"openid"};
  auto doc = parse(smart::build_discovery(cfg, http::Router{}, f).smart_configuration);
  REQUIRE(doc["scopes_supported"].Size() == 1);
  REQUIRE(std::string(doc["scopes_supported"][0].GetString()) == "system/*.rs");
}

TEST_CASE("management_endpoint is listed when configured", "[discovery]") {
  config::Config cfg;
  cfg.smart.management_endpoint = "https://ehr.test/apps";
  auto doc = parse(smart::build_discovery(cfg, http::Router{}, {}).smart_configuration);
  REQUIRE(std::string(doc["management_endpoint"].GetString()) == "https://ehr.test/apps");
}

TEST_CASE("introspection, revocation and userinfo routes appear in both documents",
          "[discovery][oidc]") {  // DISC-10, OIDC-9
  config::Config cfg;
  cfg.server.public_base_url = "https://auth.test";
  http::Router router;
  router.add(http::Method::POST, "/auth/introspect", "introspect", noop(),
             {.discovery_field = "introspection_endpoint"});
  router.add(http::Method::POST, "/auth/revoke", "revoke", noop(),
             {.discovery_field = "revocation_endpoint"});
  // userinfo answers GET and POST (OIDC Core §5.3.1): two routes, one member.
  for (auto method : {http::Method::GET, http::Method::POST}) {
    router.add(method, "/auth/userinfo", "userinfo", noop(),
               {.discovery_field = "userinfo_endpoint"});
  }
  auto docs = smart::build_discovery(cfg, router, {});
  for (const auto& text : {docs.smart_configuration, docs.openid_configuration}) {
    auto doc = parse(text);
    REQUIRE(std::string(doc["introspection_endpoint"].GetString()) ==
            "https://auth.test/auth/introspect");
    REQUIRE(std::string(doc["revocation_endpoint"].GetString()) == "https://auth.test/auth/revoke");
    REQUIRE(std::string(doc["userinfo_endpoint"].GetString()) == "https://auth.test/auth/userinfo");
  }
}

TEST_CASE("claims_supported is an OpenID member only", "[discovery][oidc]") {
  config::Config cfg;
  smart::Features f;
  f.claims_supported = {"sub", "fhirUser"};
  auto docs = smart::build_discovery(cfg, http::Router{}, f);
  REQUIRE(parse(docs.openid_configuration)["claims_supported"].Size() == 2);
  REQUIRE_FALSE(parse(docs.smart_configuration).HasMember("claims_supported"));
}
