// Every route of the service is registered here, with its path as a named constant, so grepping
// a URL finds exactly one registration. Modules add their Features (capabilities, grant types)
// next to their routes; discovery is built from both afterwards.
#pragma once

#include <string_view>

#include <memory>
#include <vector>

#include "app/components.hpp"
#include "http/router.hpp"
#include "oauth/token_endpoint.hpp"

namespace sa::app {

namespace paths {
inline constexpr std::string_view kSmartConfiguration = "/.well-known/smart-configuration";
inline constexpr std::string_view kOpenIdConfiguration = "/.well-known/openid-configuration";
inline constexpr std::string_view kJwks = "/.well-known/jwks.json";
inline constexpr std::string_view kHealth = "/healthz";
inline constexpr std::string_view kMetrics = "/metrics";
inline constexpr std::string_view kToken = "/auth/token";
// Registration paths live with the registrar: clients/routes.hpp (kRegister,
// kClientConfiguration).
}  // namespace paths

// Endpoint objects the routes call into; they must outlive the router.
struct Endpoints {
  std::unique_ptr<oauth::TokenEndpoint> token;
};

// Registers every route, then discovery built from them. Returns the endpoint objects.
Endpoints register_routes(http::Router& router, Components& components);

}  // namespace sa::app
