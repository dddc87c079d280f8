// SMART (/.well-known/smart-configuration) and OpenID (/.well-known/openid-configuration)
// discovery documents. Built once at start-up from config, from the routes that advertise
// themselves in the router, and from the Features that each grant or module registers when it
// is wired in; so an endpoint or capability is listed exactly when it works.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "http/router.hpp"

namespace sa::smart {

// What the wired-in modules support. Each module appends its own entries in app/routes.cpp.
struct Features {
  std::vector<std::string> capabilities;              // SMART capability strings
  std::vector<std::string> grant_types;               // "authorization_code", ...
  std::vector<std::string> response_types;            // "code" once authorize works
  std::vector<std::string> token_endpoint_auth_methods;
  std::vector<std::string> token_endpoint_auth_signing_algs;
  std::vector<std::string> scopes_supported;          // built-in list; config overrides
  std::vector<std::string> id_token_signing_algs;     // "RS256" once id_tokens are issued
  std::vector<std::string> claims_supported;
  bool authorization_response_iss = false;            // RFC 9207 iss on authorize redirects
};

struct DiscoveryDocuments {
  std::string smart_configuration;
  std::string openid_configuration;
};

DiscoveryDocuments build_discovery(const config::Config& config, const http::Router& router,
                                   const Features& features);

}  // namespace sa::smart
