// The demo launcher's choices and how its form becomes a launch. Pure: reads the builtin
// directory's data, the config's static clients and the registered clients it is given, and
// creates nothing (routes.cpp stores the launch through launch::create_launch()). The same
// directory rule as the authorize pages decides which patients a user may open.
#pragma once

#include <string>
#include <vector>

#include "clients/client_store.hpp"
#include "config/config.hpp"
#include "directory/builtin_directory.hpp"
#include "launch/launch_store.hpp"
#include "util/expected.hpp"

namespace sa::demo {

// An app the launcher can open: a client with a launch_uri and the authorization_code grant,
// static (YAML) or registered (RFC 7591, `launch_uri` in its metadata).
struct DemoApp {
  std::string client_id;
  std::string name;  // client_name, or the client_id
  std::string launch_uri;
};
// The static clients in config order (the sample app, added last by the loader, moved to the
// front), then the registered ones in `registered`'s order.
std::vector<DemoApp> launchable_apps(const config::Config& config,
                                     const std::vector<clients::ClientRecord>& registered = {});

// The launcher form's fields.
struct LaunchChoice {
  std::string user;       // directory user id
  std::string patient;    // patient id
  std::string encounter;  // encounter id of that patient, or "" for none
  std::string app;        // client_id
  bool need_patient_banner = false;
};

struct ChosenLaunch {
  launch::Launch launch;  // bound to the chosen app; created_at and expires_at left 0
  std::string launch_uri;
};

// The launch the form asks for, or one sentence for the page naming what is wrong: an unknown
// user, patient, encounter or app, or a patient the user may not open.
Expected<ChosenLaunch, std::string> choose_launch(const directory::BuiltinDirectory& directory,
                                                  const std::vector<DemoApp>& apps,
                                                  const LaunchChoice& choice);

}  // namespace sa::demo
