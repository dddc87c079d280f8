// Introspection, revocation and userinfo of launched apps' tokens (from the real authorize pages
// and code exchange), against the running binary: the launch context and identity an access
// token carries read back identically, refresh tokens introspect, and revoking one ends its
// family.
#include <catch2/catch.hpp>

#include "token_flow_support.hpp"

using namespace sa::test;

namespace {

const std::string kInactive = R"({"active":false})";
const std::string kRsId = "ehr-fhir-server";
const std::string kRsSecret = "resource-server-secret-0123456789abcdef";
const std::string kAppScope =
    "launch launch/patient launch/encounter openid fhirUser profile patient/*.rs user/*.rs "
    "offline_access online_access";
const std::string kPatientScope =
    "launch/patient openid fhirUser profile patient/*.rs offline_access";

std::string rs_config() {
  return "introspection:\n  resource_servers:\n    - id: " + kRsId +
         "\n      secret: " + kRsSecret + "\n      description: e2e FHIR server\n";
}

std::string rs_basic() { return "Basic " + b64(kRsId + ":" + kRsSecret); }

HttpResponse introspect(TokenFixture& f, const std::string& token, const std::string& hint = {}) {
  Fields fields{{"token", token}};
  if (!hint.empty()) fields.emplace_back("token_type_hint", hint);
  return f.service.client->post_form("/auth/introspect", form_encode(fields),
                                     {{"Authorization", rs_basic()}});
}

HttpResponse userinfo(TokenFixture& f, const std::string& token) {
  return f.service.client->request("GET", "/auth/userinfo", {{"Authorization", "Bearer " + token}});
}

}  // namespace

TEST_CASE("an EHR-launched app's access token introspects with its launch context and identity",
          "[introspection][launch]") {  // INTRO-3, INTRO-4, INTRO-5
  TokenFixture f(rs_config());
  auto client_id = f.register_public_app(kAppScope);
  auto launch = f.create_launch(
      R"({"user":"prac-smith","patient":"1002","encounter":"e1",)"
      R"("fhirContext":[{"reference":"DiagnosticReport/7"}],"intent":"reconcile-medications"})");
  auto browser = f.browser();
  auto consent = browser.get(
      f.authorize_url(client_id, "launch openid fhirUser patient/*.rs", {{"launch", launch}}));
  auto r = f.exchange(TokenFixture::code_of(approve_all(browser, consent)), client_id);
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto body = parse_json(r.body);
  const std::string access_token = body["access_token"].GetString();
  auto id = f.verified_payload(body["id_token"].GetString());
  auto at = f.verified_payload(access_token);

  auto res = introspect(f, access_token);
  INFO(res.body);
  REQUIRE(res.status == 200);
  auto doc = parse_json(res.body);
  REQUIRE(doc["active"].GetBool());
  CHECK(std::string(doc["scope"].GetString()) == body["scope"].GetString());
  CHECK(std::string(doc["client_id"].GetString()) == client_id);
  CHECK(doc["exp"].GetInt64() == at["exp"].GetInt64());
  CHECK(std::string(doc["token_type"].GetString()) == "Bearer");
  // INTRO-4: the launch context with identical values.
  CHECK(std::string(doc["patient"].GetString()) == body["patient"].GetString());
  CHECK(std::string(doc["encounter"].GetString()) == body["encounter"].GetString());
  CHECK(doc["fhirContext"] == body["fhirContext"]);
  CHECK(std::string(doc["intent"].GetString()) == body["intent"].GetString());
  // INTRO-5: iss and sub of the id_token; fhirUser as the token carries it.
  CHECK(std::string(doc["iss"].GetString()) == id["iss"].GetString());
  CHECK(std::string(doc["sub"].GetString()) == id["sub"].GetString());
  CHECK(std::string(doc["fhirUser"].GetString()) == id["fhirUser"].GetString());
  CHECK(std::string(doc["aud"].GetString()) == kFhirBase);
}

TEST_CASE("userinfo answers the id_token's sub and the claims the scope granted", "[userinfo]") {
  // OIDC-9, OIDC-6
  TokenFixture f(rs_config());
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto r = f.exchange(f.standalone_code(browser, client_id, kPatientScope), client_id);
  REQUIRE(r.status == 200);
  auto body = parse_json(r.body);
  const std::string access_token = body["access_token"].GetString();
  auto id = f.verified_payload(body["id_token"].GetString());

  auto got = userinfo(f, access_token);
  INFO(got.body);
  REQUIRE(got.status == 200);
  REQUIRE(got.header("Content-Type")->rfind("application/json", 0) == 0);
  REQUIRE(got.header("Cache-Control") == "no-store");
  auto claims = parse_json(got.body);
  CHECK(std::string(claims["sub"].GetString()) == id["sub"].GetString());
  CHECK(std::string(claims["fhirUser"].GetString()) == id["fhirUser"].GetString());
  CHECK(std::string(claims["name"].GetString()) == id["name"].GetString());

  // RFC 6750 §2.2: the same answer with the token in a POST form.
  auto posted = f.service.client->post_form("/auth/userinfo",
                                            form_encode(Fields{{"access_token", access_token}}));
  REQUIRE(posted.status == 200);
  CHECK(posted.body == got.body);
}

TEST_CASE("a refresh token introspects, and revoking it ends its family and access tokens",
          "[introspection][revocation]") {  // INTRO-7, REVOKE-1, REVOKE-3, REVOKE-5
  TokenFixture f(rs_config());
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto r = f.exchange(f.standalone_code(browser, client_id, kPatientScope), client_id);
  REQUIRE(r.status == 200);
  auto body = parse_json(r.body);
  const std::string access_token = body["access_token"].GetString();
  const std::string refresh_token = body["refresh_token"].GetString();
  auto id = f.verified_payload(body["id_token"].GetString());

  for (const std::string& hint :
       {std::string(), std::string("access_token"), std::string("refresh_token")}) {
    auto res = introspect(f, refresh_token, hint);
    INFO(res.body);
    REQUIRE(res.status == 200);
    auto doc = parse_json(res.body);
    REQUIRE(doc["active"].GetBool());
    CHECK(std::string(doc["token_type"].GetString()) == "refresh_token");
    CHECK(std::string(doc["client_id"].GetString()) == client_id);
    CHECK(std::string(doc["sub"].GetString()) == id["sub"].GetString());
    CHECK(std::string(doc["scope"].GetString()) == kPatientScope);
    CHECK(doc["exp"].IsInt64());
  }

  // RFC 7009 §2.1: a public app authenticates with its client_id; the hint is not decisive.
  auto revoked = f.service.client->post_form("/auth/revoke",
                                             form_encode(Fields{{"token", refresh_token},
                                                                {"token_type_hint", "access_token"},
                                                                {"client_id", client_id}}));
  REQUIRE(revoked.status == 200);
  CHECK(introspect(f, refresh_token).body == kInactive);
  CHECK(introspect(f, access_token).body == kInactive);  // REVOKE-3: the family's access tokens
  CHECK(userinfo(f, access_token).status == 401);
  auto refreshed = f.refresh(refresh_token, client_id);  // REVOKE-5: refresh then fails
  CHECK(refreshed.status == 400);
  CHECK(error_of(refreshed) == "invalid_grant");
}
