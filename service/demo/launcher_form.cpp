#include "demo/launcher_form.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <optional>

namespace sa::demo {

namespace {

bool has_code_flow(const std::vector<std::string>& grant_types) {
  return std::find(grant_types.begin(), grant_types.end(), "authorization_code") !=
         grant_types.end();
}

// A registered client's launch_uri and client_name, from the metadata it registered (checked by
// the client URL rules then, like a static client's at start).
std::optional<DemoApp> registered_app(const clients::ClientRecord& c) {
  if (c.is_static || !has_code_flow(c.grant_types)) return std::nullopt;
  rapidjson::Document metadata;
  metadata.Parse(c.metadata_json.data(), c.metadata_json.size());
  if (metadata.HasParseError() || !metadata.IsObject()) return std::nullopt;
  auto text = [&](const char* name) -> std::string {
    auto m = metadata.FindMember(name);
    return m != metadata.MemberEnd() && m->value.IsString()
               ? std::string(m->value.GetString(), m->value.GetStringLength())
               : std::string();
  };
  std::string launch_uri = text("launch_uri");
  if (launch_uri.empty()) return std::nullopt;
  std::string name = text("client_name");
  return DemoApp{c.client_id, name.empty() ? c.client_id : std::move(name), std::move(launch_uri)};
}

}  // namespace

std::vector<DemoApp> launchable_apps(const config::Config& config,
                                     const std::vector<clients::ClientRecord>& registered) {
  std::vector<DemoApp> apps;
  for (const config::StaticClient& c : config.clients) {
    if (c.launch_uri.empty() || !has_code_flow(c.grant_types)) continue;
    DemoApp app{c.client_id, c.client_name.empty() ? c.client_id : c.client_name, c.launch_uri};
    if (c.client_id == config::kDemoAppClientId) {
      apps.insert(apps.begin(), std::move(app));
    } else {
      apps.push_back(std::move(app));
    }
  }
  for (const clients::ClientRecord& c : registered) {
    if (auto app = registered_app(c)) apps.push_back(std::move(*app));
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
