// The EHR launch routes with their paths as named constants: POST kLaunch (the EHR launch-context
// API, CONTRACT "EHR launch-context API") and GET kSmartStyle (the default SMART style
// document). The app wires them with one call; the authorize endpoint consumes launches through
// LaunchStore::consume() and fills a missing smart_style_url with
// effective_default_smart_style_url() (smart_style.hpp).
#pragma once

#include <string_view>

#include "clients/client_store.hpp"
#include "config/config.hpp"
#include "crypto/random.hpp"
#include "http/router.hpp"
#include "launch/ehr_api_key.hpp"
#include "launch/launch_store.hpp"
#include "obs/metrics.hpp"
#include "ratelimit/window_limiter.hpp"
#include "util/clock.hpp"

namespace sa::launch {

namespace paths {
inline constexpr std::string_view kLaunch = "/auth/launch";
inline constexpr std::string_view kSmartStyle = "/smart-style.json";
}  // namespace paths

// What the launch endpoint needs; every member must outlive the router.
struct LaunchServices {
  const config::Config& config;
  LaunchStore& launches;
  clients::ClientStore& clients;  // a client_id given must exist
  const Clock& clock;
  crypto::Random& random;
  const EhrApiKey& ehr_api_key;
  // Wrong or missing keys per address (rate_limits.failed_launch_auth_per_ip); null: no limit.
  ratelimit::WindowLimiter* failed_auth_limit;
  obs::Metrics& metrics;  // errors are counted like every OAuth endpoint's (oauth::reply_error)
};

// POST kLaunch, never cacheable (the router answers it no-store: it returns a bearer handle),
// no CORS (the EHR's server calls it, not a browser); GET kSmartStyle, cacheable, CORS (apps
// fetch it from the browser).
void register_launch_routes(http::Router& router, const LaunchServices& services);

}  // namespace sa::launch
