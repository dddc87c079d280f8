#include "demo/launcher_page.hpp"

#include <kainjow/mustache.hpp>

#include "authorize/pages.hpp"
#include "demo/demo_files.hpp"
#include "demo/routes.hpp"

namespace sa::demo {
namespace {

namespace mustache = kainjow::mustache;

// scheme://authority of an absolute URL, for CSP form-action; "" when it has none we trust. The
// launch_uri passed the client URL rules at start (url::check_client_url), so it holds nothing
// that could end a CSP directive; the character check is kept anyway (CSP 3 §2.3.1).
std::string origin_of(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return {};
  const auto path = url.find_first_of("/?#", scheme_end + 3);
  std::string origin = url.substr(0, path);
  for (char c : origin) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == ':' || c == '/' || c == '[' || c == ']';
    if (!ok) return {};
  }
  return origin;
}

mustache::data option(const std::string& value, const std::string& label, bool selected) {
  mustache::data out = mustache::data::type::object;
  out.set("value", value);
  out.set("label", label);
  out.set("selected", selected);
  return out;
}

mustache::data choices(const LauncherView& view) {
  const directory::BuiltinDirectoryData& data = view.directory->data();
  const LaunchChoice& chosen = view.selected;
  mustache::data users = mustache::data::type::list;
  for (const directory::BuiltinUser& u : data.users) {
    users.push_back(option(u.user.id, u.user.name + " (" + u.user.fhir_user + ")",
                           u.user.id == chosen.user));
  }
  mustache::data patients = mustache::data::type::list;
  mustache::data encounter_groups = mustache::data::type::list;
  for (const directory::BuiltinPatient& p : data.patients) {
    std::string label = p.patient.name + ", Patient/" + p.patient.id;
    if (!p.patient.birth_date.empty()) label += ", born " + p.patient.birth_date;
    patients.push_back(option(p.patient.id, label, p.patient.id == chosen.patient));
    if (p.encounters.empty()) continue;
    mustache::data encounters = mustache::data::type::list;
    for (const directory::Encounter& e : p.encounters) {
      std::string text = e.type.empty() ? e.id : e.type;
      if (!e.period.empty()) text += ", " + e.period;
      encounters.push_back(option(e.id, text, e.id == chosen.encounter));
    }
    mustache::data group = mustache::data::type::object;
    group.set("label", p.patient.name);
    group.set("encounters", encounters);
    encounter_groups.push_back(group);
  }
  mustache::data apps = mustache::data::type::list;
  for (const DemoApp& app : view.apps) {
    apps.push_back(option(app.client_id, app.name + " (" + app.client_id + ")",
                          app.client_id == chosen.app));
  }
  mustache::data out = mustache::data::type::object;
  out.set("users", users);
  out.set("patients", patients);
  out.set("encounter_groups", encounter_groups);
  out.set("apps", apps);
  out.set("has_apps", !view.apps.empty());
  out.set("need_patient_banner", chosen.need_patient_banner);
  return out;
}

}  // namespace

http::Response launcher_page(int status, const LauncherView& view) {
  mustache::data data = mustache::data::type::object;
  data.set("stylesheet", std::string(authorize::kStylesheetPath));
  data.set("demo_stylesheet", std::string(paths::kStyle));
  data.set("app_path", std::string(paths::kApp));
  data.set("action", std::string(paths::kLaunch));
  data.set("csrf", view.csrf);
  if (!view.message.empty()) data.set("message", view.message);
  if (view.directory != nullptr) {
    data.set("choices", choices(view));
  } else {
    data.set("needs_builtin", true);
  }
  // Parsed once; rendered from a copy (kainjow's render() is not const, and pages render on many
  // threads).
  static const mustache::mustache parsed(std::string(demo_file("launcher.mustache")));
  mustache::mustache page = parsed;
  http::Response response;
  response.status = status;
  response.body = page.render(data);
  response.set("Content-Type", "text/html; charset=utf-8");
  // The form posts to us, and we answer with a redirect to the chosen app's launch URL: CSP 3
  // form-action covers that redirect, so each app's origin is listed.
  std::string form_action = "'self'";
  for (const DemoApp& app : view.apps) {
    if (std::string origin = origin_of(app.launch_uri);
        !origin.empty() && form_action.find(" " + origin) == std::string::npos) {
      form_action += " " + origin;
    }
  }
  // RFC 9700 §4.16 (clickjacking): never framed. No script-src: default-src 'none' forbids all.
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'self'; form-action " + form_action +
                   "; frame-ancestors 'none'; base-uri 'none'");
  response.set("X-Frame-Options", "DENY");
  return response;
}

}  // namespace sa::demo
