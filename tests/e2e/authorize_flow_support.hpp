// What the authorize end-to-end tests share: a service with the demo directory and an EHR API
// key, a registered public app, and the PKCE pair for its requests.
#pragma once

#include <string>
#include <utility>

#include "browser_session.hpp"
#include "crypto/hash.hpp"
#include "running_service.hpp"
#include "util/base64url.hpp"

namespace sa::test {

// The demo logins README lists (config/demo-directory.yaml).
inline constexpr const char* kDoctor = "dr.smith";
inline constexpr const char* kDoctorPassword = "demo-doctor-1";
inline constexpr const char* kPatientUser = "pat.jones";
inline constexpr const char* kPatientPassword = "demo-patient-1";
inline constexpr const char* kEhrKey = "e2e-ehr-api-key-0123456789-abcdefghijklmnop";
inline constexpr const char* kRedirect = "https://app.example/callback";
inline constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";  // RFC 7636 B

// test_config_yaml() already points the builtin directory at config/demo-directory.yaml.
inline std::string authorize_config(const std::string& extra = {}) {
  return std::string("launch:\n  ehr_api_key: ") + kEhrKey + "\n" + extra;
}

inline std::string s256(const std::string& verifier) {
  auto digest = crypto::sha256(verifier);
  return base64url_encode(std::span<const std::uint8_t>(digest));
}

// `fields` with each of `with` replacing the field of its name (or added), and every field whose
// value is "" removed: how a test varies a request from its usual parameters.
inline Fields with_overrides(Fields fields, const Fields& with) {
  for (const auto& [name, value] : with) {
    bool replaced = false;
    for (auto& f : fields) {
      if (f.first == name) {
        f.second = value;
        replaced = true;
      }
    }
    if (!replaced) fields.emplace_back(name, value);
  }
  Fields kept;
  for (auto& f : fields) {
    if (!f.second.empty()) kept.push_back(f);
  }
  return kept;
}

struct AuthorizeFixture {
  explicit AuthorizeFixture(const std::string& extra = {}, const std::string& directory_yaml = {})
      : service({}, authorize_config(extra), directory_yaml) {}

  // Registers a public app (RFC 7591) and returns its client_id.
  std::string register_app(const std::string& scope, const std::string& name = "E2E App") {
    std::string body = R"({"client_name":")" + name + R"(","redirect_uris":[")" + kRedirect +
                       R"("],"token_endpoint_auth_method":"none","grant_types":["authorization_code"],)"
                       R"("response_types":["code"],"scope":")" + scope + R"("})";
    auto r = service.client->request("POST", "/auth/register",
                                     {{"Content-Type", "application/json"}}, body);
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto doc = parse_json(r.body);
    return doc["client_id"].GetString();
  }

  // The authorize URL for client_id with the usual parameters, overridden or removed by `with`
  // (a value of "" removes the parameter).
  std::string authorize_url(const std::string& client_id, const std::string& scope,
                            Fields with = {}) const {
    Fields fields = {{"response_type", "code"},
                     {"client_id", client_id},
                     {"redirect_uri", kRedirect},
                     {"scope", scope},
                     {"state", "st-123"},
                     {"aud", "https://localhost:8443/fhir"},
                     {"code_challenge", s256(kVerifier)},
                     {"code_challenge_method", "S256"}};
    return "/auth/authorize?" + form_encode(with_overrides(std::move(fields), with));
  }

  std::string create_launch(const std::string& json) {
    auto r = service.client->request(
        "POST", "/auth/launch",
        {{"Authorization", std::string("Bearer ") + kEhrKey}, {"Content-Type", "application/json"}},
        json);
    INFO(r.body);
    REQUIRE(r.status == 201);
    return parse_json(r.body)["launch"].GetString();
  }

  BrowserSession browser() { return {service.process.https_port(), service.process.ca_file().string()}; }

  RunningService service;
};

// Logs in on a login page and returns the next answer.
inline HttpResponse log_in(BrowserSession& browser, const HttpResponse& login_page,
                           const std::string& username, const std::string& password) {
  INFO(login_page.body);
  REQUIRE(login_page.status == 200);
  REQUIRE(login_page.body.find("name=\"password\"") != std::string::npos);
  return browser.post("/auth/authorize/login", {{"csrf", input_value(login_page.body, "csrf")},
                                                {"username", username},
                                                {"password", password}});
}

// Approves every offered scope on a consent page.
inline HttpResponse approve_all(BrowserSession& browser, const HttpResponse& consent_page) {
  INFO(consent_page.body);
  REQUIRE(consent_page.status == 200);
  Fields fields = {{"csrf", input_value(consent_page.body, "csrf")}, {"decision", "approve"}};
  for (auto& v : input_values(consent_page.body, "scope")) {
    if (v.find('?') == std::string::npos) fields.emplace_back("scope", v);  // parents only
  }
  return browser.post("/auth/authorize/consent", fields);
}

}  // namespace sa::test
