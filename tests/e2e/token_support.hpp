// What the introspection, revocation and userinfo tests share: a service configured for backend
// clients and one resource server, clients registered over RFC 7591, and client_credentials
// tokens to inspect, revoke and present.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "e2e/registration_support.hpp"
#include "e2e/running_service.hpp"
#include "support/jose_check.hpp"

namespace sa::test {

inline const std::string kTokenIat = "read-endpoints-e2e-initial-access-token";
inline const std::string kResourceServerId = "ehr-fhir-server";
inline const std::string kResourceServerSecret = "resource-server-secret-0123456789abcdef";

// Backend clients may register with secrets (CONTRACT "Registration policy"), and the EHR's FHIR
// server may introspect with HTTP Basic (introspection.resource_servers).
inline std::string read_endpoints_config() {
  return backend_config(kTokenIat, "system/*.cruds",
                        "private_key_jwt, client_secret_basic, client_secret_post") +
         "introspection:\n  resource_servers:\n    - id: " + kResourceServerId +
         "\n      secret: " + kResourceServerSecret + "\n      description: e2e FHIR server\n";
}

// With the initial access token (backend clients) or without (apps, open registration).
inline Client register_client(HttpsClient& http, const std::string& metadata,
                              bool with_initial_access_token = true) {
  return register_client_with(http, metadata, with_initial_access_token ? kTokenIat : "");
}

// A confidential backend client (client_secret_basic) allowed system/*.rs.
inline Client register_backend(HttpsClient& http) {
  return register_client(
      http, R"({"client_name":"backend","grant_types":["client_credentials"],)"
            R"("token_endpoint_auth_method":"client_secret_basic","scope":"system/*.rs"})");
}

// A public app (token_endpoint_auth_method none).
inline Client register_public_app(HttpsClient& http) {
  return register_client(
      http,
      R"({"client_name":"public app","grant_types":["authorization_code"],)"
      R"("token_endpoint_auth_method":"none","redirect_uris":["https://app.example/cb"],)"
      R"("scope":"launch/patient openid fhirUser patient/*.rs"})",
      false);
}

inline std::string client_credentials_token(HttpsClient& http, const Client& c,
                                            const std::string& scope = "system/*.rs") {
  auto res = http.post_form("/auth/token",
                            form_of({{"grant_type", "client_credentials"}, {"scope", scope}}),
                            {{"Authorization", c.basic()}});
  INFO(res.body);
  REQUIRE(res.status == 200);
  return parse_json(res.body)["access_token"].GetString();
}

inline HttpResponse introspect(HttpsClient& http, const std::string& authorization,
                               const std::string& token, const std::string& hint = {}) {
  std::string body = form_of({{"token", token}});
  if (!hint.empty()) body += "&token_type_hint=" + form_encode(hint);
  return http.post_form("/auth/introspect", body, {{"Authorization", authorization}});
}

inline HttpResponse revoke(HttpsClient& http, const Client& c, const std::string& token,
                           const std::string& hint = {}) {
  std::string body = form_of({{"token", token}});
  if (!hint.empty()) body += "&token_type_hint=" + form_encode(hint);
  return http.post_form("/auth/revoke", body, {{"Authorization", c.basic()}});
}

}  // namespace sa::test
