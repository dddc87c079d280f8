// The bundled sample SMART app, served under /demo/app/ (files/app.html, app.js, demo.css,
// compiled in): a browser app that runs an EHR launch (iss + launch) or a standalone launch with
// PKCE S256 and state, exchanges the code at the token endpoint with plain fetch, and shows the
// token response, the decoded id_token and access-token claims and the launch context. Its
// settings (client_id, redirect_uri, FHIR base, scopes) come from kAppConfig, derived from the
// config. Its page may run only our own script (CSP script-src 'self', no inline script).
#pragma once

#include <string>

#include "config/config.hpp"
#include "http/router.hpp"

namespace sa::demo {

// {"client_id", "redirect_uri", "fhir_base_url", "ehr_scope", "standalone_scope"} for app.js.
std::string sample_app_config_json(const config::Config& config);

void register_sample_app_routes(http::Router& router, const config::Config& config);

}  // namespace sa::demo
