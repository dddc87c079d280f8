#include "demo/launcher_form.hpp"

#include <algorithm>

namespace sa::demo {

std::vector<DemoApp> launchable_apps(const config::Config& config) {
  std::vector<DemoApp> apps;
  for (const config::StaticClient& c : config.clients) {
    const bool code_flow = std::find(c.grant_types.begin(), c.grant_types.end(),
                                     "authorization_code") != c.grant_types.end();
    if (c.launch_uri.empty() || !code_flow) continue;
    DemoApp app{c.client_id, c.client_name.empty() ? c.client_id : c.client_name, c.launch_uri};
    if (c.client_id == config::kDemoAppClientId) {
      apps.insert(apps.begin(), std::move(app));
    } else {
      apps.push_back(std::move(app));
    }
  }
  return apps;
}

Expected<ChosenLaunch, std::string> choose_launch(const directory::BuiltinDirectory& directory,
                                                  const std::vector<DemoApp>& apps,
                                                  const LaunchChoice& choice) {
  const directory::BuiltinDirectoryData& data = directory.data();
  const auto user = std::find_if(data.users.begin(), data.users.end(), [&](const auto& u) {
    return u.user.id == choice.user;
  });
  if (user == data.users.end()) return unexpected(std::string("Choose a user from the list."));
  const auto patient = std::find_if(data.patients.begin(), data.patients.end(),
                                    [&](const auto& p) { return p.patient.id == choice.patient; });
  if (patient == data.patients.end()) {
    return unexpected(std::string("Choose a patient from the list."));
  }
  // CONTRACT "User directory adapter": the directory says which patients a user may open; an EHR
  // would not offer the others.
  if (!directory.may_open(*user, choice.patient)) {
    return unexpected(user->user.name + " may not open " + patient->patient.name +
                      "'s record in the directory.");
  }
  std::optional<std::string> encounter;
  if (!choice.encounter.empty()) {
    const bool of_patient =
        std::any_of(patient->encounters.begin(), patient->encounters.end(),
                    [&](const directory::Encounter& e) { return e.id == choice.encounter; });
    if (!of_patient) {
      return unexpected("Choose one of " + patient->patient.name + "'s encounters, or none.");
    }
    encounter = choice.encounter;
  }
  const auto app = std::find_if(apps.begin(), apps.end(),
                                [&](const DemoApp& a) { return a.client_id == choice.app; });
  if (app == apps.end()) return unexpected(std::string("Choose an app from the list."));

  ChosenLaunch chosen;
  chosen.launch.user_id = user->user.id;
  chosen.launch.patient = patient->patient.id;
  chosen.launch.encounter = std::move(encounter);
  // LAUNCH-2: bound to the app it opens.
  chosen.launch.client_id = app->client_id;
  chosen.launch.need_patient_banner = choice.need_patient_banner;
  chosen.launch_uri = app->launch_uri;
  return chosen;
}

}  // namespace sa::demo
