#include "demo/sample_app.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "demo/demo_files.hpp"
#include "demo/routes.hpp"

namespace sa::demo {
namespace {

using http::Method;

// What the app asks for. EHR launch: `launch` and the patient's and user's data; standalone: a
// patient picked at authorize (launch/patient). Both within config::kDemoAppScope.
constexpr std::string_view kEhrScope = "launch openid fhirUser profile patient/*.rs user/*.rs";
constexpr std::string_view kStandaloneScope = "launch/patient openid fhirUser profile patient/*.rs";

// The app's page and script: the script may only come from us and talk to us (it fetches
// discovery and the token endpoint, same origin); no inline script, no framing.
constexpr std::string_view kAppPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

http::Handler file_handler(std::string_view file, std::string content_type) {
  return http::sync_handler([file, content_type](const http::Request&) {
    http::Response response = http::Response::text(200, std::string(demo_file(file)), content_type);
    response.set("Content-Security-Policy", std::string(kAppPolicy));
    response.set("X-Frame-Options", "DENY");
    return response;
  });
}

}  // namespace

std::string sample_app_config_json(const config::Config& config) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto put = [&w](std::string_view key, std::string_view value) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  put("client_id", config::kDemoAppClientId);
  put("redirect_uri", config.server.public_base_url + std::string(config::kDemoAppPath));
  // SMART App Launch 2.2: a standalone app's aud is the FHIR base it names itself.
  put("fhir_base_url", config.smart.fhir_base_url);
  put("ehr_scope", kEhrScope);
  put("standalone_scope", kStandaloneScope);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

void register_sample_app_routes(http::Router& router, const config::Config& config) {
  // No-store (the router's default): the page's URL carries the code and the launch.
  for (auto path : {paths::kApp, paths::kAppLaunch}) {
    router.add(Method::GET, std::string(path), "demo_app",
               file_handler("app.html", "text/html; charset=utf-8"));
  }
  router.add(Method::GET, std::string(paths::kAppScript), "demo_app_script",
             file_handler("app.js", "text/javascript; charset=utf-8"), {.cacheable = true});
  router.add(Method::GET, std::string(paths::kStyle), "demo_style",
             file_handler("demo.css", "text/css; charset=utf-8"), {.cacheable = true});
  router.add(Method::GET, std::string(paths::kAppConfig), "demo_app_config",
             http::sync_handler([document = sample_app_config_json(config)](const http::Request&) {
               return http::Response::json(200, document);
             }));
}

}  // namespace sa::demo
