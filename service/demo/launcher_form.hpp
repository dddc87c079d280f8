// The demo launcher's choices and how its form becomes a launch. Pure: reads the builtin
// directory's data and the config's static clients, creates nothing (routes.cpp stores the
// launch through launch::create_launch()). The same directory rule as the authorize pages decides
// which patients a user may open.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "directory/builtin_directory.hpp"
#include "launch/launch_store.hpp"
#include "util/expected.hpp"

namespace sa::demo {

// An app the launcher can open: a static client with a launch_uri and the authorization_code
// grant. Registered (RFC 7591) clients are not offered: the client store cannot list them.
struct DemoApp {
  std::string client_id;
  std::string name;  // client_name, or the client_id
  std::string launch_uri;
};
// In config order; the sample app, added last by the loader, is moved to the front.
std::vector<DemoApp> launchable_apps(const config::Config& config);

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
