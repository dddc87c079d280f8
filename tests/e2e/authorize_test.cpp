// The authorization endpoint end to end: standalone patient and practitioner launches, the EHR
// launch, and every error the spec names, over HTTPS against the real binary with a
// cookie-keeping client.
#include <catch2/catch.hpp>

#include "authorize_flow_support.hpp"

using namespace sa::test;

namespace {

const std::string kPatientScope = "launch/patient openid fhirUser patient/*.rs offline_access";
const std::string kAppScope =
    "launch launch/patient launch/encounter openid fhirUser profile patient/*.rs user/*.rs "
    "offline_access online_access";

bool is_html_page(const HttpResponse& r) {
  auto type = r.header("Content-Type");
  return type && type->find("text/html") != std::string::npos && !r.header("Location");
}

}  // namespace

TEST_CASE("a patient launches an app standalone and gets a code for their own record",
          "[authorize]") {
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();

  // AUTHZ-1 (GET), AUTHZ-14: the pages carry a CSP with no script and frame-ancestors.
  auto login_page = browser.get(f.authorize_url(client_id, kPatientScope));
  REQUIRE(is_html_page(login_page));
  auto csp = login_page.header("Content-Security-Policy");
  REQUIRE(csp);
  CHECK(csp->find("frame-ancestors") != std::string::npos);
  CHECK(csp->find("script-src") == std::string::npos);
  // The transaction cookie is __Host-, Secure, HttpOnly, SameSite=Lax.
  REQUIRE(browser.cookie("__Host-smart-auth-txn"));
  bool flags_ok = false;
  for (auto& line : browser.set_cookie_lines()) {
    if (line.rfind("__Host-smart-auth-txn=", 0) == 0) {
      flags_ok = line.find("Secure") != std::string::npos &&
                 line.find("HttpOnly") != std::string::npos &&
                 line.find("SameSite=Lax") != std::string::npos &&
                 line.find("Path=/") != std::string::npos;
    }
  }
  CHECK(flags_ok);

  // A patient user has no picker: the consent page comes next.
  auto consent_page = log_in(browser, login_page, kPatientUser, kPatientPassword);
  REQUIRE(is_html_page(consent_page));
  CHECK(consent_page.body.find("name=\"decision\"") != std::string::npos);

  // AUTHZ-9, AUTHZ-10: 303 to the app with the code, the unchanged state and iss.
  auto done = approve_all(browser, consent_page);
  REQUIRE(done.status == 303);
  auto params = location_params(done);
  CHECK(params["state"] == "st-123");
  CHECK(params["iss"] == "https://localhost:8443");
  // SEC-2: at least 128 bits of randomness (43 base64url characters = 256 bits).
  CHECK(params["code"].size() >= 22);
  CHECK(done.header("Location")->rfind(kRedirect, 0) == 0);

  // The audit log records the code (by fingerprint only) and never the code itself.
  auto issued = audit_events(f.service.process.log(), "code_issued");
  REQUIRE(issued.size() == 1);
  CHECK(issued[0].get("client_id") == client_id);
  CHECK(f.service.process.log().find(params["code"]) == std::string::npos);
}

TEST_CASE("a practitioner picks a patient and an encounter before approving", "[authorize]") {
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto login_page = browser.get(f.authorize_url(
      client_id, "launch/patient launch/encounter openid fhirUser patient/*.rs"));
  auto picker = log_in(browser, login_page, kDoctor, kDoctorPassword);
  REQUIRE(is_html_page(picker));
  auto patients = input_values(picker.body, "patient");
  REQUIRE_FALSE(patients.empty());

  // Searching narrows the list to what the directory returns for this user.
  auto searched = browser.get("/auth/authorize/patient?q=zzzz-nobody");
  REQUIRE(searched.status == 200);
  CHECK(input_values(searched.body, "patient").empty());

  // A patient the directory never offered is refused.
  auto forged = browser.post("/auth/authorize/patient",
                             {{"csrf", input_value(picker.body, "csrf")}, {"patient", "not-offered"}});
  CHECK(forged.status == 400);

  auto encounter_page = browser.post(
      "/auth/authorize/patient", {{"csrf", input_value(picker.body, "csrf")}, {"patient", patients[0]}});
  REQUIRE(is_html_page(encounter_page));
  auto encounters = input_values(encounter_page.body, "encounter");
  REQUIRE_FALSE(encounters.empty());
  auto consent_page = browser.post(
      "/auth/authorize/encounter",
      {{"csrf", input_value(encounter_page.body, "csrf")}, {"encounter", encounters[0]}});
  auto done = approve_all(browser, consent_page);
  REQUIRE(done.status == 303);
  auto params = location_params(done);
  CHECK_FALSE(params["code"].empty());
  CHECK(params["state"] == "st-123");
}

TEST_CASE("an EHR launch needs no login and a launch works only once", "[authorize][launch]") {
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  // LAUNCH-2: the EHR vouches for the user and the context.
  auto launch = f.create_launch(R"({"user":"prac-smith","patient":"1002","encounter":"e1",)"
                                R"("fhirContext":[{"reference":"DiagnosticReport/7"}]})");
  auto browser = f.browser();
  auto scope = "launch openid fhirUser patient/*.rs";
  auto consent_page = browser.get(f.authorize_url(client_id, scope, {{"launch", launch}}));
  REQUIRE(is_html_page(consent_page));
  CHECK(consent_page.body.find("name=\"password\"") == std::string::npos);  // no login page
  auto done = approve_all(browser, consent_page);
  REQUIRE(done.status == 303);
  CHECK_FALSE(location_params(done)["code"].empty());

  // LAUNCH-3: a reused launch is an error with state and iss, and no code.
  auto again = f.browser().get(f.authorize_url(client_id, scope, {{"launch", launch}}));
  REQUIRE(again.status == 303);
  auto params = location_params(again);
  CHECK(params["error"] == "invalid_request");
  CHECK(params["state"] == "st-123");
  CHECK(params["iss"] == "https://localhost:8443");
  CHECK(params.count("code") == 0);

  // LAUNCH-3: the launch scope without a launch parameter is refused.
  auto no_launch = f.browser().get(f.authorize_url(client_id, scope));
  REQUIRE(no_launch.status == 303);
  CHECK(location_params(no_launch)["error"] == "invalid_scope");
}

TEST_CASE("a launch bound to another app cannot be used", "[authorize][launch]") {
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto other = f.register_app(kAppScope, "Other App");
  auto launch = f.create_launch(R"({"user":"prac-smith","patient":"1002","client_id":")" + other + "\"}");
  auto r = f.browser().get(f.authorize_url(client_id, "launch openid patient/*.rs", {{"launch", launch}}));
  REQUIRE(r.status == 303);
  CHECK(location_params(r)["error"] == "invalid_request");
}

TEST_CASE("errors before the redirect_uri is known get a page, never a redirect", "[authorize]") {
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  // AUTHZ-4
  SECTION("unknown client") {
    auto r = browser.get(f.authorize_url("no-such-client", kPatientScope));
    CHECK(r.status == 400);
    CHECK(is_html_page(r));
  }
  SECTION("unregistered redirect_uri") {
    auto r = browser.get(f.authorize_url(client_id, kPatientScope,
                                         {{"redirect_uri", "https://evil.example/callback"}}));
    CHECK(r.status == 400);
    CHECK(is_html_page(r));
  }
  SECTION("prefix of the registered redirect_uri") {
    auto r = browser.get(f.authorize_url(client_id, kPatientScope,
                                         {{"redirect_uri", "https://app.example/call"}}));
    CHECK(r.status == 400);
    CHECK(is_html_page(r));
  }
  SECTION("a repeated parameter") {  // AUTHZ-8
    auto r = browser.get(f.authorize_url(client_id, kPatientScope) + "&state=again");
    CHECK(r.status == 400);
    CHECK(is_html_page(r));
  }
  SECTION("an over-long query") {
    auto r = browser.get(f.authorize_url(client_id, kPatientScope,
                                         {{"nonce", std::string(9000, 'n')}}));
    CHECK(r.status == 414);
  }
}

TEST_CASE("errors after the redirect_uri is known go back to the app with state and iss",
          "[authorize]") {
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto expect = [&](const std::string& url, const std::string& error) {
    auto r = browser.get(url);
    INFO(url);
    REQUIRE(r.status == 303);
    auto params = location_params(r);
    CHECK(params["error"] == error);
    CHECK(params["state"] == "st-123");
    CHECK(params["iss"] == "https://localhost:8443");
    CHECK(params.count("code") == 0);
  };
  // AUTHZ-2, SEC-3: no implicit grant, never a token in a fragment.
  expect(f.authorize_url(client_id, kPatientScope, {{"response_type", "token"}}),
         "unsupported_response_type");
  // PKCE-1..: S256 is required for every client.
  expect(f.authorize_url(client_id, kPatientScope, {{"code_challenge", ""}}), "invalid_request");
  expect(f.authorize_url(client_id, kPatientScope, {{"code_challenge_method", "plain"}}),
         "invalid_request");
  // AUTHZ-6
  expect(f.authorize_url(client_id, kPatientScope,
                         {{"aud", "https://inferno.healthit.gov/invalid_aud"}}),
         "invalid_request");
  // Nothing grantable.
  expect(f.authorize_url(client_id, "system/*.rs"), "invalid_scope");
  // OIDC Core §3.1.2.6: nobody logged in and no pages allowed.
  expect(f.authorize_url(client_id, kPatientScope, {{"prompt", "none"}}), "login_required");
}

TEST_CASE("the user can deny, and a form without the transaction's CSRF token is refused",
          "[authorize]") {
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto login_page = browser.get(f.authorize_url(client_id, kPatientScope));
  // AUTHZ-14: CSRF.
  auto forged = browser.post("/auth/authorize/login", {{"csrf", "forged"},
                                                       {"username", kPatientUser},
                                                       {"password", kPatientPassword}});
  CHECK(forged.status == 403);
  auto consent_page = log_in(browser, login_page, kPatientUser, kPatientPassword);
  // AUTHZ-12: deny is access_denied.
  auto denied = browser.post("/auth/authorize/consent",
                             {{"csrf", input_value(consent_page.body, "csrf")}, {"decision", "deny"}});
  REQUIRE(denied.status == 303);
  auto params = location_params(denied);
  CHECK(params["error"] == "access_denied");
  CHECK(params["state"] == "st-123");
  // The transaction is single use: the consent page cannot be answered again.
  auto again = browser.post("/auth/authorize/consent",
                            {{"csrf", input_value(consent_page.body, "csrf")}, {"decision", "approve"}});
  CHECK(again.status == 400);
}

TEST_CASE("a second authorization reuses the login and the remembered consent", "[authorize]") {
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto first = approve_all(browser, log_in(browser, browser.get(f.authorize_url(client_id, kPatientScope)),
                                           kPatientUser, kPatientPassword));
  REQUIRE(first.status == 303);
  REQUIRE(browser.cookie("__Host-smart-auth-session"));
  // Same scopes again: no login, no consent, straight back with a code.
  auto second = browser.get(f.authorize_url(client_id, kPatientScope));
  REQUIRE(second.status == 303);
  CHECK_FALSE(location_params(second)["code"].empty());
  // prompt=consent forces the page; prompt=login forces a new login.
  auto consent_again = browser.get(f.authorize_url(client_id, kPatientScope, {{"prompt", "consent"}}));
  CHECK(is_html_page(consent_again));
  CHECK(consent_again.body.find("name=\"password\"") == std::string::npos);
  auto login_again = browser.get(f.authorize_url(client_id, kPatientScope, {{"prompt", "login"}}));
  CHECK(login_again.body.find("name=\"password\"") != std::string::npos);
}

TEST_CASE("failed logins back off per username, even for the right password", "[authorize]") {
  AuthorizeFixture f("rate_limits:\n  failed_login_per_user: 3\n");
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto page = browser.get(f.authorize_url(client_id, kPatientScope));
  auto csrf = input_value(page.body, "csrf");
  for (int i = 0; i < 3; ++i) {
    auto r = browser.post("/auth/authorize/login",
                          {{"csrf", csrf}, {"username", kPatientUser}, {"password", "wrong"}});
    CHECK(r.status == 401);
  }
  auto blocked = browser.post("/auth/authorize/login",
                              {{"csrf", csrf}, {"username", kPatientUser}, {"password", kPatientPassword}});
  CHECK(blocked.status == 429);
  CHECK(audit_events(f.service.process.log(), "login_failed").size() == 3);
  CHECK_FALSE(audit_events(f.service.process.log(), "login_throttled").empty());
  CHECK(f.service.client->get("/metrics").body.find("smart_auth_login") != std::string::npos);
}

TEST_CASE("authorization requests are rate-limited per address", "[authorize]") {
  // SEC: each request stores a transaction, so a stranger may not repeat it without bound.
  AuthorizeFixture f("rate_limits:\n  authorize_per_ip: 2\n");
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  CHECK(browser.get(f.authorize_url(client_id, kPatientScope)).status == 200);
  CHECK(browser.get(f.authorize_url(client_id, kPatientScope)).status == 200);
  auto refused = browser.get(f.authorize_url(client_id, kPatientScope));
  CHECK(refused.status == 429);
  CHECK(refused.header("Retry-After"));
}

TEST_CASE("unknown and ungrantable scopes are dropped from the grant, not refused, and audited",
          "[authorize]") {
  // SCOPE-3: undefined suffixes and unknown scopes may be ignored; SCOPE-10: user/ is beyond a
  // patient user's ceiling.
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto consent_page = log_in(
      browser,
      browser.get(f.authorize_url(client_id, kPatientScope + " made-up-scope user/Patient.rs")),
      kPatientUser, kPatientPassword);
  auto done = approve_all(browser, consent_page);
  REQUIRE(done.status == 303);
  CHECK_FALSE(location_params(done)["code"].empty());
  auto dropped = audit_events(f.service.process.log(), "scopes_dropped");
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].get("dropped").find("made-up-scope") != std::string::npos);
  CHECK(dropped[0].get("dropped").find("user/Patient.rs") != std::string::npos);
  auto issued = audit_events(f.service.process.log(), "code_issued");
  REQUIRE(issued.size() == 1);
  CHECK(issued[0].get("scope").find("made-up-scope") == std::string::npos);
  CHECK(issued[0].get("scope").find("user/") == std::string::npos);
}

TEST_CASE("with session_lifetime_s 0 every authorization asks for the password", "[authorize]") {
  AuthorizeFixture f("authorize:\n  session_lifetime_s: 0\n");
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto first = approve_all(browser, log_in(browser, browser.get(f.authorize_url(client_id, kPatientScope)),
                                           kPatientUser, kPatientPassword));
  REQUIRE(first.status == 303);
  CHECK_FALSE(browser.cookie("__Host-smart-auth-session"));
  auto second = browser.get(f.authorize_url(client_id, kPatientScope));
  CHECK(second.body.find("name=\"password\"") != std::string::npos);
}

TEST_CASE("a pre-approved static client skips the consent page", "[authorize]") {
  // AUTHZ-12: local policy; the EHR vouches for its curated apps.
  AuthorizeFixture f(
      "clients:\n  - client_id: curated-app\n    client_name: Curated\n"
      "    token_endpoint_auth_method: none\n    redirect_uris: [\"https://app.example/callback\"]\n"
      "    grant_types: [authorization_code]\n"
      "    scope: \"launch/patient openid fhirUser patient/*.rs offline_access\"\n"
      "    pre_approved: true\n");
  auto browser = f.browser();
  auto done = log_in(browser, browser.get(f.authorize_url("curated-app", kPatientScope)),
                     kPatientUser, kPatientPassword);
  REQUIRE(done.status == 303);
  CHECK_FALSE(location_params(done)["code"].empty());
}

TEST_CASE("an EHR launch cannot put another patient in context for a patient user",
          "[authorize][launch]") {
  // SCOPE-10, SEC-8: a patient user opens only their own record, whatever the launch says.
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto scope = "launch openid fhirUser patient/*.rs";
  auto other = f.create_launch(R"({"user":"pat-jones","patient":"1002"})");
  auto r = f.browser().get(f.authorize_url(client_id, scope, {{"launch", other}}));
  REQUIRE(r.status == 303);
  CHECK(location_params(r)["error"] == "access_denied");
  auto own = f.create_launch(R"({"user":"pat-jones","patient":"1001"})");
  auto consent_page = f.browser().get(f.authorize_url(client_id, scope, {{"launch", own}}));
  CHECK(consent_page.status == 200);
}

TEST_CASE("a consent POST that skips the patient picker gets the picker, not a code",
          "[authorize]") {
  // AUTHZ-12, CTX-1: no patient/ grant without the patient in context.
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto picker = log_in(browser, browser.get(f.authorize_url(client_id, "launch/patient openid patient/*.rs")),
                       kDoctor, kDoctorPassword);
  REQUIRE_FALSE(input_values(picker.body, "patient").empty());
  auto skipped = browser.post("/auth/authorize/consent", {{"csrf", input_value(picker.body, "csrf")},
                                                          {"decision", "approve"},
                                                          {"scope", "patient/*.rs"}});
  CHECK(skipped.status == 200);
  CHECK_FALSE(skipped.header("Location"));
  CHECK_FALSE(input_values(skipped.body, "patient").empty());
  CHECK(audit_events(f.service.process.log(), "code_issued").empty());
}

TEST_CASE("a transaction takes one login: a second one cannot carry a pick to another user",
          "[authorize]") {
  // SCOPE-10: dr.patel may not open patient 1001; dr.smith's pick must not become his.
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto login_page = browser.get(f.authorize_url(client_id, "launch/patient openid patient/*.rs"));
  auto picker = log_in(browser, login_page, kDoctor, kDoctorPassword);
  auto consent_page = browser.post("/auth/authorize/patient",
                                   {{"csrf", input_value(picker.body, "csrf")}, {"patient", "1001"}});
  REQUIRE(consent_page.body.find("name=\"decision\"") != std::string::npos);
  auto relogin = browser.post("/auth/authorize/login", {{"csrf", input_value(login_page.body, "csrf")},
                                                        {"username", "dr.patel"},
                                                        {"password", "demo-doctor-2"}});
  CHECK(audit_events(f.service.process.log(), "login_ok").size() == 1);
  CHECK(relogin.body.find("name=\"password\"") == std::string::npos);
}

TEST_CASE("choosing another patient drops the encounter chosen for the first one", "[authorize]") {
  // CTX-2: the encounter in context belongs to the patient in context.
  AuthorizeFixture f;
  auto client_id = f.register_app(kAppScope);
  auto browser = f.browser();
  auto picker = log_in(
      browser,
      browser.get(f.authorize_url(client_id, "launch/patient launch/encounter openid patient/*.rs")),
      kDoctor, kDoctorPassword);
  auto csrf = input_value(picker.body, "csrf");
  auto patients = input_values(picker.body, "patient");
  REQUIRE(patients.size() >= 2);
  auto encounters = browser.post("/auth/authorize/patient", {{"csrf", csrf}, {"patient", patients[0]}});
  auto first_encounter = input_values(encounters.body, "encounter");
  REQUIRE_FALSE(first_encounter.empty());
  auto consent_page =
      browser.post("/auth/authorize/encounter", {{"csrf", csrf}, {"encounter", first_encounter[0]}});
  REQUIRE(consent_page.body.find("name=\"decision\"") != std::string::npos);
  // Back to the picker (a search lists the patients again), and another patient.
  browser.get("/auth/authorize/patient?q=");
  auto again = browser.post("/auth/authorize/patient", {{"csrf", csrf}, {"patient", patients[1]}});
  auto second_encounters = input_values(again.body, "encounter");
  REQUIRE_FALSE(second_encounters.empty());  // the encounter picker again, for the new patient
  // The first patient's encounter is no longer on offer.
  auto stale =
      browser.post("/auth/authorize/encounter", {{"csrf", csrf}, {"encounter", first_encounter[0]}});
  CHECK(stale.status == 400);
}
