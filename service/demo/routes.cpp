#include "demo/routes.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include "authorize/cookies.hpp"
#include "demo/launcher_form.hpp"
#include "demo/launcher_page.hpp"
#include "demo/sample_app.hpp"
#include "launch/create_launch.hpp"
#include "obs/log.hpp"
#include "url/query.hpp"

namespace sa::demo {
namespace {

using http::Method;

// Double-submit CSRF token (RFC 9700 §4.16 / AUTHZ-14, as the authorize pages' forms): the same
// random value in a __Host- cookie (SameSite=Lax, so a cross-site POST does not carry it) and in
// the form's hidden field. A page that renders the form reuses the browser's cookie, so two tabs
// both work.
constexpr std::string_view kCsrfCookie = "__Host-smart-auth-demo-csrf";
constexpr std::size_t kCsrfBytes = 32;
constexpr std::size_t kCsrfChars = 43;  // base64url of kCsrfBytes, unpadded
constexpr std::int64_t kCsrfCookieMaxAgeS = 8 * 3600;

// Most registered apps the launcher offers (the newest first), so that open registration cannot
// grow the page without bound.
constexpr std::size_t kMaxRegisteredApps = 50;

struct Launcher {
  DemoServices s;

  // The static apps, then registered clients with a launch_uri (read from the store on each
  // page, so an app registered a moment ago is offered).
  std::vector<DemoApp> apps() const {
    std::vector<clients::ClientRecord> registered;
    if (s.registered_clients != nullptr) {
      if (auto rows = s.registered_clients->registered_clients()) {
        registered = std::move(*rows);
      } else {
        obs::log(obs::Level::warn, "demo launcher: registered clients could not be read");
      }
    }
    std::sort(registered.begin(), registered.end(),
              [](const auto& a, const auto& b) { return a.issued_at > b.issued_at; });
    std::vector<DemoApp> all = launchable_apps(s.config, registered);
    const std::size_t static_count = launchable_apps(s.config).size();
    if (all.size() > static_count + kMaxRegisteredApps) all.resize(static_count + kMaxRegisteredApps);
    return all;
  }

  // The browser's CSRF token, or a new one with the cookie that sets it.
  std::string csrf_token(const http::Request& request, std::optional<std::string>& set_cookie) {
    if (auto cookie = authorize::read_cookie(request, kCsrfCookie);
        cookie && cookie->size() == kCsrfChars) {
      return *cookie;
    }
    std::string token = crypto::random_token(s.random, kCsrfBytes);
    set_cookie = authorize::set_cookie(kCsrfCookie, token, kCsrfCookieMaxAgeS);
    return token;
  }

  http::Response page(const http::Request& request, int status, std::string message,
                       LaunchChoice selected = {}) {
    std::optional<std::string> cookie;
    LauncherView view{s.directory, apps(), csrf_token(request, cookie), std::move(message),
                      std::move(selected)};
    http::Response response = launcher_page(status, view);
    if (cookie) response.add("Set-Cookie", *cookie);
    return response;
  }
};

std::string field(const std::vector<url::QueryParam>& form, std::string_view name) {
  for (const url::QueryParam& p : form) {
    if (p.name == name) return p.value;
  }
  return {};
}

http::Handler launch_handler(std::shared_ptr<Launcher> launcher) {
  return [launcher](const http::Request& request, http::Responder respond) {
    auto refuse = [&](int status, std::string message, std::string_view reason,
                      LaunchChoice selected = {}) {
      obs::audit("demo_launch_rejected", {{"request_id", request.request_id},
                                          {"remote_addr", request.remote_addr},
                                          {"reason", std::string(reason)}});
      respond(launcher->page(request, status, std::move(message), std::move(selected)));
    };
    auto parsed = url::parse_query(request.body, {.max_params = 16, .max_length = 4096});
    if (!parsed) return refuse(400, "The form could not be read. Try again.", "malformed form");
    const std::vector<url::QueryParam>& form = *parsed;
    // AUTHZ-14: the form must come from our own page in this browser.
    const auto cookie = authorize::read_cookie(request, kCsrfCookie);
    const std::string presented = field(form, "csrf");
    if (!cookie || presented.empty() || !authorize::secrets_equal(*cookie, presented)) {
      return refuse(403, "This form has expired. It has been reloaded: press Launch again.",
                    "csrf token missing or wrong");
    }
    if (launcher->s.directory == nullptr) {
      return refuse(400, "The demo launcher needs the builtin directory.", "http directory");
    }
    LaunchChoice choice{field(form, "user"), field(form, "patient"), field(form, "encounter"),
                        field(form, "app"), field(form, "need_patient_banner") == "true"};
    auto chosen = choose_launch(*launcher->s.directory, launcher->apps(), choice);
    if (!chosen) return refuse(400, chosen.error(), chosen.error(), choice);

    // The same path as POST /auth/launch (CONTRACT "EHR launch-context API"), minus the key: this
    // page is the EHR.
    const std::string launch_uri = chosen->launch_uri;
    const std::string fhir_base_url = launcher->s.config.smart.fhir_base_url;
    launch::create_launch(
        launcher->s.launch, std::move(chosen->launch),
        {request.request_id, request.remote_addr, "demo_launcher"},
        [launcher, respond, request, launch_uri, fhir_base_url, choice](
            Expected<launch::CreatedLaunch, oauth::Error> created) {
          if (!created) {
            obs::audit("demo_launch_rejected",
                       {{"request_id", request.request_id},
                        {"remote_addr", request.remote_addr},
                        {"reason", created.error().internal.empty() ? created.error().description
                                                                    : created.error().internal}});
            return respond(launcher->page(request, 500,
                                          "The launch could not be created: " +
                                              created.error().description,
                                          choice));
          }
          // LAUNCH-1: the app's launch URL with iss (the FHIR base URL, the aud the app will send)
          // and the opaque launch handle.
          const url::QueryParam params[] = {{"iss", fhir_base_url},
                                             {"launch", created->launch_id}};
          auto location = url::add_query_params(launch_uri, params);
          if (!location) {
            return respond(launcher->page(request, 500, "The app's launch URL is not valid.",
                                          choice));
          }
          http::Response response;
          response.status = 303;  // RFC 9110 §15.4.4: the POST's answer is fetched with GET
          response.set("Location", *location);
          respond(std::move(response));
        });
  };
}

}  // namespace

void register_demo_routes(http::Router& router, const DemoServices& services) {
  auto launcher = std::make_shared<Launcher>(Launcher{services});
  router.add(Method::GET, std::string(paths::kLauncherNoSlash), "demo_launcher",
             http::sync_handler([](const http::Request&) {
               http::Response response;
               response.status = 308;
               response.set("Location", std::string(paths::kLauncher));
               return response;
             }));
  router.add(Method::GET, std::string(paths::kLauncher), "demo_launcher",
             http::sync_handler([launcher](const http::Request& request) {
               return launcher->page(request, 200, "");
             }));
  router.add(Method::POST, std::string(paths::kLaunch), "demo_launch",
             launch_handler(launcher));
  register_sample_app_routes(router, services.config);
}

}  // namespace sa::demo
