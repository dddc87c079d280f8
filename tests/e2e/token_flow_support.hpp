// What the token end-to-end tests (code exchange, refresh) share: the authorize fixture plus apps
// registered for refresh_token, the way to an authorization code through the real pages, the
// token requests an app makes, JWKS verification with the independent checker, and reads of
// the service's database for what only the store shows (revocation marks).
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "authorize_flow_support.hpp"
#include "support/jose_check.hpp"

namespace sa::test {

// An aud every test asks for (authorize_url's default): the access token's audience.
inline constexpr const char* kFhirBase = "https://localhost:8443/fhir";

struct TokenFixture : AuthorizeFixture {
  using AuthorizeFixture::AuthorizeFixture;

  // Registers a public app (RFC 7591) with the grant types given and returns its client_id.
  std::string register_public_app(
      const std::string& scope,
      const std::string& grant_types = R"(["authorization_code","refresh_token"])") {
    std::string body = R"({"client_name":"Token App","redirect_uris":[")" + std::string(kRedirect) +
                       R"("],"token_endpoint_auth_method":"none","grant_types":)" + grant_types +
                       R"(,"response_types":["code"],"scope":")" + scope + R"("})";
    auto r = service.client->request("POST", "/auth/register",
                                     {{"Content-Type", "application/json"}}, body);
    INFO(r.body);
    REQUIRE(r.status == 201);
    return parse_json(r.body)["client_id"].GetString();
  }

  // A standalone launch through the login and consent pages, down to the code.
  std::string standalone_code(BrowserSession& browser, const std::string& client_id,
                              const std::string& scope, Fields with = {}) {
    auto first = browser.get(authorize_url(client_id, scope, std::move(with)));
    // A live login session skips the login page (and a remembered consent, the consent page).
    if (first.status == 303) return code_of(first);
    if (first.body.find("name=\"password\"") != std::string::npos) {
      first = log_in(browser, first, kPatientUser, kPatientPassword);
      if (first.status == 303) return code_of(first);
    }
    return code_of(approve_all(browser, first));
  }

  static std::string code_of(const HttpResponse& done) {
    INFO(done.status << " " << done.body);
    REQUIRE(done.status == 303);
    auto params = location_params(done);
    REQUIRE_FALSE(params["code"].empty());
    return params["code"];
  }

  // grant_type=authorization_code as a public app sends it (SMART App Launch 2.2 step 5), with
  // fields overridden or removed ("" removes) by `with`.
  HttpResponse exchange(const std::string& code, const std::string& client_id, Fields with = {}) {
    Fields fields = {{"grant_type", "authorization_code"},
                     {"code", code},
                     {"redirect_uri", kRedirect},
                     {"code_verifier", kVerifier},
                     {"client_id", client_id}};
    return post_token(fields, with);
  }

  HttpResponse refresh(const std::string& refresh_token, const std::string& client_id,
                       Fields with = {}) {
    return post_token({{"grant_type", "refresh_token"},
                       {"refresh_token", refresh_token},
                       {"client_id", client_id}},
                      with);
  }

  HttpResponse post_token(Fields fields, const Fields& with,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
    return service.client->post_form(
        "/auth/token", form_encode(with_overrides(std::move(fields), with)), std::move(headers));
  }

  std::string jwks() {
    auto r = service.client->get("/.well-known/jwks.json");
    REQUIRE(r.status == 200);
    return r.body;
  }

  // Verifies a JWT with nothing but the published JWKS (an independent OpenSSL verifier) and
  // returns its payload.
  rapidjson::Document verified_payload(const std::string& jwt) {
    auto jwk = find_jwk_for(jwt, jwks());
    INFO(jws_part_json(jwt, 0));
    REQUIRE(jwk);
    CHECK(verify_jws_with_jwk(jwt, *jwk).empty());
    return parse_json(jws_part_json(jwt, 1));
  }

  std::filesystem::path db_path() const { return service.dir.path() / "data" / "smart-auth.db"; }

  // Runs one statement against the service's database (as an operator's sqlite3 would) and
  // returns the first column of the first row, if any. `text` binds to ?1.
  std::optional<std::string> sql(const std::string& statement, const std::string& text = {}) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5'000);
    sqlite3_stmt* stmt = nullptr;
    INFO(statement << ": " << sqlite3_errmsg(db));
    REQUIRE(sqlite3_prepare_v2(db, statement.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    if (statement.find("?1") != std::string::npos) {
      sqlite3_bind_text(stmt, 1, text.c_str(), -1, SQLITE_TRANSIENT);
    }
    std::optional<std::string> out;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    CHECK((rc == SQLITE_ROW || rc == SQLITE_DONE));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }
};

// TOKEN-7: every token response, success or error, is uncacheable.
inline void check_uncacheable(const HttpResponse& r) {
  auto cache_control = r.header("Cache-Control");
  REQUIRE(cache_control);
  CHECK(cache_control->find("no-store") != std::string::npos);
  auto pragma = r.header("Pragma");
  REQUIRE(pragma);
  CHECK(pragma->find("no-cache") != std::string::npos);
}

inline std::string error_of(const HttpResponse& r) {
  auto doc = parse_json(r.body);
  REQUIRE(doc.IsObject());
  REQUIRE(doc.HasMember("error"));
  return doc["error"].GetString();
}

inline std::string jti_of(const std::string& jwt) {
  return parse_json(jws_part_json(jwt, 1))["jti"].GetString();
}

}  // namespace sa::test
