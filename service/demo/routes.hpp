// The demo EHR launcher and the bundled sample app (README "Demo walk-through"), registered only
// when demo.enabled is true: otherwise every path below is 404. The launcher plays an EHR whose
// user is already logged in, so it asks for no password: anyone who reaches it may launch an app
// as any user of the builtin directory. Demo only; never in production.
#pragma once

#include <string_view>

#include "clients/sqlite_client_store.hpp"
#include "config/config.hpp"
#include "crypto/random.hpp"
#include "directory/builtin_directory.hpp"
#include "http/router.hpp"
#include "launch/routes.hpp"

namespace sa::demo {

namespace paths {
inline constexpr std::string_view kLauncherNoSlash = "/demo";  // redirected to kLauncher
inline constexpr std::string_view kLauncher = "/demo/";
inline constexpr std::string_view kLaunch = "/demo/launch";  // the launcher's form posts here
// The sample app: one page at its redirect_uri and its launch_uri (config.hpp names both).
inline constexpr std::string_view kApp = config::kDemoAppPath;
inline constexpr std::string_view kAppLaunch = config::kDemoAppLaunchPath;
inline constexpr std::string_view kAppScript = "/demo/app/app.js";
inline constexpr std::string_view kStyle = "/demo/demo.css";  // the launcher's and the app's
inline constexpr std::string_view kAppConfig = "/demo/app/config.json";
}  // namespace paths

struct DemoServices {
  const config::Config& config;
  // The builtin directory's data; null with the http adapter (the launcher then says it needs
  // the builtin directory; the sample app still works, standalone).
  const directory::BuiltinDirectory* directory;
  // The launch API's own services: the launcher creates launches through create_launch().
  launch::LaunchServices launch;
  crypto::Random& random;  // CSRF tokens
  // Registered clients with a launch_uri are offered too (null: static apps only).
  clients::SqliteClientStore* registered_clients = nullptr;
};

void register_demo_routes(http::Router& router, const DemoServices& services);

}  // namespace sa::demo
