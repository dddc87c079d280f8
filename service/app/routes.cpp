#include "app/routes.hpp"

#include <algorithm>

#include "app/ops_endpoints.hpp"
#include "authorize/flow.hpp"
#include "authorize/pages.hpp"
#include "clientauth/assertion.hpp"
#include "clientauth/credentials.hpp"
#include "clients/routes.hpp"
#include "demo/routes.hpp"
#include "launch/routes.hpp"
#include "oauth/grants/authorization_code.hpp"
#include "oauth/grants/client_credentials.hpp"
#include "oauth/grants/refresh_token.hpp"
#include "smart/discovery.hpp"
#include "smart/well_known.hpp"
#include "tokens/id_token.hpp"

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
  // SMART App Launch 2.2, Client Confidential Symmetric: MUST rate-limit brute force.
  router.limit(Method::POST, clients::paths::kRegister,
               {c.registration_limit.get(), "registration_per_ip", &c.metrics});

  // EHR launch-context API and the default SMART style document (paths in launch/routes.hpp).
  launch::register_launch_routes(
      router, {c.config, *c.launches, *c.clients, c.clock, c.random, c.ehr_api_key,
               c.failed_launch_auth_limit.get(), c.metrics});

  // The demo EHR launcher and sample app (paths in demo/routes.hpp): only when demo.enabled.
  if (c.config.demo.enabled) {
    demo::register_demo_routes(
        router, {c.config, c.builtin_directory,
                 {c.config, *c.launches, *c.clients, c.clock, c.random, c.ehr_api_key, nullptr,
                  c.metrics},
                 c.random, c.client_rows.get()});
  }

  // Token endpoint and its grants.
  endpoints.token = std::make_unique<oauth::TokenEndpoint>(*c.authenticator, c.metrics);
  endpoints.token->add_grant(
      std::make_unique<oauth::ClientCredentialsGrant>(c.config.tokens, *c.issuer));
  // Launched apps (SMART App Launch 2.2 steps 5 and 7): code exchange and refresh.
  const oauth::AppTokenDeps app_tokens{c.config, *c.issuer, *c.id_tokens, *c.tokens,
                                       *c.grants, c.clock,  c.random};
  endpoints.token->add_grant(
      std::make_unique<oauth::AuthorizationCodeGrant>(app_tokens, *c.codes, *c.flow_store));
  endpoints.token->add_grant(std::make_unique<oauth::RefreshTokenGrant>(app_tokens));
  for (auto capability : oauth::AuthorizationCodeGrant::kCapabilities) {
    features.capabilities.emplace_back(capability);
  }
  for (auto capability : oauth::RefreshTokenGrant::kCapabilities) {
    features.capabilities.emplace_back(capability);
  }
  router.add(Method::POST, std::string(paths::kToken), "token", endpoints.token->handler(),
             {.cors = true, .discovery_field = "token_endpoint"});
  for (auto& grant : endpoints.token->grant_types()) features.grant_types.push_back(grant);
  // What the one client-authentication module (clientauth/) accepts, as it enforces it.
  for (auto method : clientauth::kConfidentialMethods) {
    features.token_endpoint_auth_methods.emplace_back(clientauth::to_string(method));
    // SMART App Launch 2.2 capabilities: symmetric = a client secret, asymmetric = a key set.
    const char* capability = method == clientauth::AuthMethod::private_key_jwt
                                 ? "client-confidential-asymmetric"
                                 : "client-confidential-symmetric";
    if (std::find(features.capabilities.begin(), features.capabilities.end(), capability) ==
        features.capabilities.end()) {
      features.capabilities.emplace_back(capability);
    }
  }
  for (auto alg : clientauth::kAssertionAlgs) {
    features.token_endpoint_auth_signing_algs.emplace_back(crypto::to_string(alg));
  }
  for (auto scope : oauth::ClientCredentialsGrant::kAdvertisedScopes) {
    features.scopes_supported.emplace_back(scope);
  }
  // offline_access and online_access: listed with the grant that honours them.
  for (auto scope : oauth::RefreshTokenGrant::kAdvertisedScopes) {
    features.scopes_supported.emplace_back(scope);
  }

  // Introspection (RFC 7662), revocation (RFC 7009) and userinfo (OIDC Core §5.3).
  endpoints.resource_servers = std::make_unique<oauth::ResourceServers>(c.config.introspection);
  endpoints.introspection = std::make_unique<oauth::IntrospectionEndpoint>(oauth::IntrospectionDeps{
      *c.authenticator, *c.inspector, *endpoints.resource_servers, c.failed_auth_limits.get(),
      c.config.server.public_base_url, c.clock, c.metrics});
  router.add(Method::POST, std::string(paths::kIntrospect), "introspect",
             endpoints.introspection->handler(), {.discovery_field = "introspection_endpoint"});
  endpoints.revocation = std::make_unique<oauth::RevocationEndpoint>(oauth::RevocationDeps{
      *c.authenticator, *c.inspector, *c.tokens, *c.grants, c.clock, c.metrics});
  // Browser apps revoke their own tokens on sign-out: CORS as at the token endpoint.
  router.add(Method::POST, std::string(paths::kRevoke), "revoke", endpoints.revocation->handler(),
             {.cors = true, .discovery_field = "revocation_endpoint"});
  endpoints.userinfo = std::make_unique<oauth::UserinfoEndpoint>(
      oauth::UserinfoDeps{*c.inspector, *c.grants, c.clock, c.metrics});
  for (auto method : {Method::GET, Method::POST}) {
    router.add(method, std::string(paths::kUserinfo), "userinfo", endpoints.userinfo->handler(),
               {.cors = true, .discovery_field = "userinfo_endpoint"});
  }

  // Authorization endpoint (RFC 6749 §4.1; SMART App Launch 2.2 "App Launch") and its pages.
  {
    namespace ap = authorize::paths;
    auto& flow = *c.authorize;
    router.add(Method::GET, std::string(ap::kAuthorize), "authorize", flow.start(),
               {.discovery_field = "authorization_endpoint"});
    router.add(Method::POST, std::string(ap::kAuthorize), "authorize", flow.start());
    // Each authorization request stores a transaction: a stranger may not repeat it unbounded.
    for (auto method : {Method::GET, Method::POST}) {
      router.limit(method, ap::kAuthorize,
                   {c.authorize_limit.get(), "authorize_per_ip", &c.metrics});
    }
    router.add(Method::POST, std::string(ap::kLogin), "authorize_login", flow.login());
    router.add(Method::GET, std::string(ap::kPatient), "authorize_patient", flow.search_patients());
    router.add(Method::POST, std::string(ap::kPatient), "authorize_patient", flow.choose_patient());
    router.add(Method::POST, std::string(ap::kEncounter), "authorize_encounter",
               flow.choose_encounter());
    router.add(Method::POST, std::string(ap::kConsent), "authorize_consent", flow.consent());
    router.add(Method::GET, std::string(authorize::kStylesheetPath), "pages_css",
               http::sync_handler([&pages = *c.pages](const http::Request&) {
                 return http::Response::text(200, pages.stylesheet(), "text/css; charset=utf-8");
               }),
               {.cacheable = true});
    features.response_types.emplace_back("code");
    features.authorization_response_iss = true;  // RFC 9207 §3
    // RS256 is always in the JWKS (CONTRACT); id_tokens are signed with it.
    features.id_token_signing_algs.emplace_back("RS256");
    for (auto claim : tokens::kIdTokenClaims) features.claims_supported.emplace_back(claim);
    for (auto scope : authorize::kAdvertisedScopes) features.scopes_supported.emplace_back(scope);
    for (auto capability : authorize::kCapabilities) features.capabilities.emplace_back(capability);
  }

  // Operations.
  router.add(Method::GET, std::string(paths::kHealth), "healthz", health_endpoint(*c.database));
  router.add(Method::GET, std::string(paths::kMetrics), "metrics", metrics_endpoint(c.metrics, *c.database));

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
