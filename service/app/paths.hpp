// The paths of the service's own routes, as named constants: routes.cpp registers each once, and
// anything that needs an endpoint's URL (the assertion audience, discovery) builds it from here.
// Registration paths live with the registrar: clients/routes.hpp (kRegister, kClientConfiguration);
// the launch paths with the launch API: launch/routes.hpp (kLaunch, kSmartStyle).
#pragma once

#include <string_view>

namespace sa::app {

namespace paths {
inline constexpr std::string_view kSmartConfiguration = "/.well-known/smart-configuration";
inline constexpr std::string_view kOpenIdConfiguration = "/.well-known/openid-configuration";
inline constexpr std::string_view kJwks = "/.well-known/jwks.json";
inline constexpr std::string_view kHealth = "/healthz";
inline constexpr std::string_view kMetrics = "/metrics";
inline constexpr std::string_view kToken = "/auth/token";
inline constexpr std::string_view kIntrospect = "/auth/introspect";  // RFC 7662
inline constexpr std::string_view kRevoke = "/auth/revoke";          // RFC 7009
inline constexpr std::string_view kUserinfo = "/auth/userinfo";      // OIDC Core §5.3
}  // namespace paths

}  // namespace sa::app
