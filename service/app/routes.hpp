// Every route of the service is registered here, with its path as a named constant, so grepping
// a URL finds exactly one registration. Modules add their Features (capabilities, grant types)
// next to their routes; discovery is built from both afterwards.
#pragma once

#include <string_view>

#include "config/config.hpp"
#include "http/router.hpp"
#include "keys/key_ring.hpp"
#include "obs/metrics.hpp"
#include "smart/discovery.hpp"
#include "store/database.hpp"

namespace sa::app {

namespace paths {
inline constexpr std::string_view kSmartConfiguration = "/.well-known/smart-configuration";
inline constexpr std::string_view kOpenIdConfiguration = "/.well-known/openid-configuration";
inline constexpr std::string_view kJwks = "/.well-known/jwks.json";
inline constexpr std::string_view kHealth = "/healthz";
inline constexpr std::string_view kMetrics = "/metrics";
}  // namespace paths

struct Services {
  const config::Config& config;
  store::Database& database;
  keys::KeyRing& keys;
  obs::Metrics& metrics;
};

// Registers every route and returns the discovery documents built from them.
void register_routes(http::Router& router, Services& services);

}  // namespace sa::app
