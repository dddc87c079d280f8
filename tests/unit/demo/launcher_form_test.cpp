// The demo launcher's choices (demo/launcher_form.hpp) over the shipped demo directory
// (config/demo-directory.yaml): which apps it offers and how a form becomes a launch, refused
// when the directory would not let the user open the patient.
#include "demo/launcher_form.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "config/loader.hpp"
#include "demo/sample_app.hpp"

using namespace sa;
using namespace sa::demo;

namespace {

std::string source_dir() {
  const char* dir = std::getenv("SMART_AUTH_SOURCE_DIR");
  REQUIRE(dir != nullptr);
  return dir;
}

const directory::BuiltinDirectory& demo_directory() {
  static const std::unique_ptr<directory::BuiltinDirectory> directory = [] {
    config::BuiltinDirectorySettings settings;
    settings.file = source_dir() + "/config/demo-directory.yaml";
    auto loaded = directory::BuiltinDirectory::load(settings);
    REQUIRE(loaded);
    return std::move(loaded).value();
  }();
  return *directory;
}

config::Config demo_config(const std::string& extra = {}) {
  auto result = config::load_config_text(
      "server:\n  public_base_url: https://ehr.example.org:9443\ndemo:\n  enabled: true\n" + extra,
      [](std::string_view) { return std::optional<std::string>(); });
  INFO((result.errors.empty() ? std::string() : config::format_error(result.errors.front())));
  REQUIRE(result.config);
  return *result.config;
}

const std::string kPortal =
    "clients:\n"
    "  - client_id: portal\n"
    "    client_name: Portal\n"
    "    token_endpoint_auth_method: none\n"
    "    redirect_uris: [https://portal.example.org/cb]\n"
    "    scope: launch openid\n"
    "    launch_uri: https://portal.example.org/launch\n"
    "  - client_id: no-launch-url\n"
    "    token_endpoint_auth_method: none\n"
    "    redirect_uris: [https://other.example.org/cb]\n"
    "    scope: openid\n";

LaunchChoice smith_1002() { return {"prac-smith", "1002", "enc-1002-1", "demo-app", false}; }

}  // namespace

TEST_CASE("the launcher offers the sample app first, then static clients with a launch_uri",
          "[demo]") {
  auto apps = launchable_apps(demo_config(kPortal));
  REQUIRE(apps.size() == 2);
  CHECK(apps[0].client_id == "demo-app");
  CHECK(apps[0].launch_uri == "https://ehr.example.org:9443/demo/app/launch.html");
  CHECK(apps[1].client_id == "portal");
  CHECK(apps[1].name == "Portal");
}

TEST_CASE("a launcher form becomes a launch bound to the chosen app", "[demo][launch]") {
  const auto apps = launchable_apps(demo_config());
  auto chosen = choose_launch(demo_directory(), apps, smith_1002());
  REQUIRE(chosen);
  CHECK(chosen->launch.user_id == "prac-smith");
  CHECK(chosen->launch.patient == std::optional<std::string>("1002"));
  CHECK(chosen->launch.encounter == std::optional<std::string>("enc-1002-1"));
  // LAUNCH-2: bound to the app it opens.
  CHECK(chosen->launch.client_id == std::optional<std::string>("demo-app"));
  CHECK(chosen->launch.need_patient_banner == std::optional<bool>(false));
  CHECK(chosen->launch_uri == "https://ehr.example.org:9443/demo/app/launch.html");

  LaunchChoice no_encounter = smith_1002();
  no_encounter.encounter = "";
  auto without = choose_launch(demo_directory(), apps, no_encounter);
  REQUIRE(without);
  CHECK_FALSE(without->launch.encounter);
}

TEST_CASE("the launcher refuses what an EHR would not offer", "[demo]") {
  struct Case {
    const char* what;
    LaunchChoice choice;
    const char* expected;
  };
  const auto apps = launchable_apps(demo_config());
  auto c = GENERATE(values<Case>({
      {"an unknown user", {"nobody", "1002", "", "demo-app"}, "Choose a user from the list."},
      {"an unknown patient", {"prac-smith", "9999", "", "demo-app"},
       "Choose a patient from the list."},
      // Dr. Patel may open 1002, 1004 and 1006 only.
      {"a patient the directory does not let the user open", {"prac-patel", "1001", "", "demo-app"},
       "Dr. Raj Patel may not open Emily Jones's record in the directory."},
      // A patient user (Patient/1001) opens only her own record.
      {"a patient user and another patient", {"pat-jones", "1002", "", "demo-app"},
       "Emily Jones may not open Robert Garcia's record in the directory."},
      {"another patient's encounter", {"prac-smith", "1002", "enc-1001-1", "demo-app"},
       "Choose one of Robert Garcia's encounters, or none."},
      {"an app that is not offered", {"prac-smith", "1002", "", "no-such-app"},
       "Choose an app from the list."},
  }));
  INFO(c.what);
  auto chosen = choose_launch(demo_directory(), apps, c.choice);
  REQUIRE_FALSE(chosen);
  CHECK(chosen.error() == c.expected);
}

TEST_CASE("the sample app's settings are derived from the public base URL", "[demo]") {
  const std::string json = sample_app_config_json(demo_config());
  CHECK(json.find(R"("client_id":"demo-app")") != std::string::npos);
  CHECK(json.find(R"("redirect_uri":"https://ehr.example.org:9443/demo/app/")") !=
        std::string::npos);
  CHECK(json.find(R"("fhir_base_url":"https://localhost:8443/fhir")") != std::string::npos);
}
