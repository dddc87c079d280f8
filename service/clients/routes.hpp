// The registrar's routes: RFC 7591 registration and RFC 7592 client configuration, with their
// paths as named constants. The app wires them with one call; start-up loads the static clients
// from the YAML with load_static_clients() (static_clients.hpp).
#pragma once

#include <string_view>

#include "clients/client_store.hpp"
#include "clients/initial_access_tokens.hpp"
#include "config/config.hpp"
#include "crypto/random.hpp"
#include "http/router.hpp"
#include "obs/metrics.hpp"
#include "util/clock.hpp"

namespace sa::clients {

namespace paths {
inline constexpr std::string_view kRegister = "/auth/register";
// registration_client_uri = public_base_url + kRegister + "/" + client_id (RFC 7592 §1).
inline constexpr std::string_view kClientConfiguration = "/auth/register/{client_id}";
}  // namespace paths

// What the registrar endpoints need; every member must outlive the router.
struct RegistrationServices {
  const config::Config& config;
  ClientStore& clients;
  const Clock& clock;
  crypto::Random& random;
  const InitialAccessTokens& initial_access_tokens;
  obs::Metrics& metrics;  // errors are counted like the token endpoint's (oauth::reply_error)
};

// POST kRegister (advertised as registration_endpoint unless registration is closed) and
// GET/PUT/DELETE kClientConfiguration. None is cacheable: the router answers them no-store
// (RFC 7591 §3.2.1), since they return secrets and registration access tokens.
void register_registration_routes(http::Router& router, const RegistrationServices& services);

}  // namespace sa::clients
