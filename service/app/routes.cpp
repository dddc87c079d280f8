#include "app/routes.hpp"

#include "app/ops_endpoints.hpp"
#include "clients/routes.hpp"
#include "oauth/grants/client_credentials.hpp"
#include "smart/discovery.hpp"
#include "smart/well_known.hpp"

namespace sa::app {

using http::Method;

Endpoints register_routes(http::Router& router, Components& c) {
  smart::Features features;
  Endpoints endpoints;

  // Keys. The JWKS is public and works from the first start.
  router.add(Method::GET, std::string(paths::kJwks), "jwks", smart::jwks_endpoint(*c.keys),
             {.cors = true, .cacheable = true, .discovery_field = "jwks_uri"});

  // Registration (RFC 7591/7592).
  clients::register_registration_routes(
      router, {c.config, *c.clients, c.clock, c.random, c.initial_access_tokens, c.metrics});
  router.limit(Method::POST, clients::paths::kRegister,
               {c.registration_limit.get(), "registration_per_ip", &c.metrics});  // CAUTH-2

  // Token endpoint and its grants.
  endpoints.token = std::make_unique<oauth::TokenEndpoint>(*c.authenticator, c.metrics);
  endpoints.token->add_grant(std::make_unique<oauth::ClientCredentialsGrant>(
      c.config.tokens, *c.issuer, *c.tokens));
  router.add(Method::POST, std::string(paths::kToken), "token", endpoints.token->handler(),
             {.cors = true, .discovery_field = "token_endpoint"});
  for (auto& grant : endpoints.token->grant_types()) features.grant_types.push_back(grant);
  // The one client-authentication module (clientauth/) supports these at every endpoint.
  features.token_endpoint_auth_methods = {"client_secret_basic", "client_secret_post",
                                          "private_key_jwt"};
  features.token_endpoint_auth_signing_algs = {"RS384", "ES384", "RS256", "ES256"};
  features.capabilities.push_back("client-confidential-symmetric");
  features.capabilities.push_back("client-confidential-asymmetric");
  // SMART Backend Services: system scopes, v1 and v2 syntax (BACKEND-4).
  for (const char* s : {"system/*.rs", "system/*.cruds", "system/*.read", "system/*.write"}) {
    features.scopes_supported.emplace_back(s);
  }

  // Operations.
  router.add(Method::GET, std::string(paths::kHealth), "healthz", health_endpoint(*c.database));
  router.add(Method::GET, std::string(paths::kMetrics), "metrics", metrics_endpoint(c.metrics));

  // Discovery last: it describes everything registered above.
  auto docs = smart::build_discovery(c.config, router, features);
  router.add(Method::GET, std::string(paths::kSmartConfiguration), "smart_configuration",
             smart::json_document_endpoint(std::move(docs.smart_configuration)),
             {.cors = true, .cacheable = true});
  router.add(Method::GET, std::string(paths::kOpenIdConfiguration), "openid_configuration",
             smart::json_document_endpoint(std::move(docs.openid_configuration)),
             {.cors = true, .cacheable = true});
  return endpoints;
}

}  // namespace sa::app
