// The demo EHR launcher and sample app end to end (README "Demo walk-through"): the real binary
// over verified HTTPS. Off by default (every /demo/ path 404, no demo-app client); on, the
// launcher's POST needs its CSRF cookie and field, refuses a patient the user may not open, and
// creates a launch bound to the chosen app that opens the app's launch URL with iss and launch.
// The launch is single use like any launch of POST /auth/launch. (The browser run is
// tests/browser/demo_launch.test.js.)
#include <regex>

#include "e2e/authorize_flow_support.hpp"

using namespace sa::test;

namespace {

const std::string kDemoOn = "demo:\n  enabled: true\n";
const std::string kAppRedirect = "https://localhost:8443/demo/app/";
const std::string kAppLaunch = "https://localhost:8443/demo/app/launch.html";

// The hidden csrf field of the launcher page.
std::string launcher_csrf(const HttpResponse& page) {
  INFO(page.body);
  REQUIRE(page.status == 200);
  return input_value(page.body, "csrf");
}

Fields launch_form(const std::string& csrf, const std::string& user = "prac-smith",
                   const std::string& patient = "1002") {
  return {{"csrf", csrf},   {"user", user},        {"patient", patient},
          {"encounter", "enc-1002-1"}, {"app", "demo-app"}};
}

std::string authorize_for_demo_app(const std::string& launch) {
  return "/auth/authorize?" +
         form_encode({{"response_type", "code"},
                      {"client_id", "demo-app"},
                      {"redirect_uri", kAppRedirect},
                      {"scope", "launch openid fhirUser patient/*.rs"},
                      {"state", "st-demo"},
                      {"aud", "https://localhost:8443/fhir"},
                      {"launch", launch},
                      {"code_challenge", s256(kVerifier)},
                      {"code_challenge_method", "S256"}});
}

}  // namespace

TEST_CASE("with demo off (the default) every demo path is 404 and demo-app is not a client",
          "[demo]") {
  AuthorizeFixture f;
  auto browser = f.browser();
  for (const char* path : {"/demo/", "/demo", "/demo/app/", "/demo/app/launch.html",
                           "/demo/app/app.js", "/demo/app/config.json"}) {
    INFO(path);
    CHECK(browser.get(path).status == 404);
  }
  CHECK(browser.post("/demo/launch", launch_form("x")).status == 404);
  // The sample app's authorize request is refused: no such client (an error page, no redirect).
  auto authorize = browser.get(authorize_for_demo_app("whatever"));
  CHECK(authorize.status == 400);
  CHECK_FALSE(authorize.header("Location"));
}

TEST_CASE("the demo launcher page lists the directory and apps under a strict CSP", "[demo]") {
  AuthorizeFixture f(kDemoOn);
  auto browser = f.browser();
  auto page = browser.get("/demo/");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("value=\"prac-smith\"") != std::string::npos);
  CHECK(page.body.find("value=\"1002\"") != std::string::npos);
  CHECK(page.body.find("value=\"enc-1002-1\"") != std::string::npos);
  CHECK(page.body.find("value=\"demo-app\"") != std::string::npos);
  CHECK(page.body.find("Demo only") != std::string::npos);
  auto csp = page.header("Content-Security-Policy");
  REQUIRE(csp);
  CHECK(csp->find("default-src 'none'") != std::string::npos);
  CHECK(csp->find("script-src") == std::string::npos);  // no script at all
  CHECK(csp->find("frame-ancestors 'none'") != std::string::npos);
  // AUTHZ-14: the CSRF cookie is __Host-, HttpOnly, SameSite=Lax.
  REQUIRE(browser.cookie("__Host-smart-auth-demo-csrf"));
  bool flagged = false;
  for (const auto& line : browser.set_cookie_lines()) {
    if (line.rfind("__Host-smart-auth-demo-csrf=", 0) == 0) {
      flagged = line.find("HttpOnly") != std::string::npos &&
                line.find("SameSite=Lax") != std::string::npos &&
                line.find("Secure") != std::string::npos;
    }
  }
  CHECK(flagged);
  CHECK(browser.get("/demo").header("Location") == std::optional<std::string>("/demo/"));
}

TEST_CASE("a demo launch POST without the CSRF cookie and field is refused", "[demo]") {
  // AUTHZ-14: a cross-site form (no SameSite=Lax cookie) or a forged field creates no launch.
  AuthorizeFixture f(kDemoOn);
  auto browser = f.browser();
  const std::string csrf = launcher_csrf(browser.get("/demo/"));

  SECTION("no csrf field") {
    Fields form = launch_form(csrf);
    form.erase(form.begin());
    auto r = browser.post("/demo/launch", form);
    CHECK(r.status == 403);
    CHECK_FALSE(r.header("Location"));
  }
  SECTION("a wrong csrf field") {
    auto r = browser.post("/demo/launch", launch_form(std::string(csrf.size(), 'A')));
    CHECK(r.status == 403);
    CHECK_FALSE(r.header("Location"));
  }
  SECTION("the right field without the cookie (a cross-site post)") {
    browser.forget_cookies();
    auto r = browser.post("/demo/launch", launch_form(csrf));
    CHECK(r.status == 403);
    CHECK_FALSE(r.header("Location"));
  }
  SECTION("with both, the launch is created") {
    CHECK(browser.post("/demo/launch", launch_form(csrf)).status == 303);
  }
}

TEST_CASE("the demo launcher refuses a patient the directory does not let the user open",
          "[demo]") {
  AuthorizeFixture f(kDemoOn);
  auto browser = f.browser();
  const std::string csrf = launcher_csrf(browser.get("/demo/"));
  // Dr. Patel may open 1002, 1004 and 1006 only (config/demo-directory.yaml).
  auto r = browser.post("/demo/launch", launch_form(csrf, "prac-patel", "1001"));
  CHECK(r.status == 400);
  CHECK_FALSE(r.header("Location"));
  CHECK(r.body.find("may not open") != std::string::npos);
}

TEST_CASE("a demo launch opens the app with iss and launch, and works once", "[demo][launch]") {
  AuthorizeFixture f(kDemoOn);
  auto browser = f.browser();
  const std::string csrf = launcher_csrf(browser.get("/demo/"));
  auto launched = browser.post("/demo/launch", launch_form(csrf));
  REQUIRE(launched.status == 303);
  auto location = launched.header("Location");
  REQUIRE(location);
  // LAUNCH-1: the registered launch URL with iss = the FHIR base URL and an opaque launch.
  CHECK(location->rfind(kAppLaunch + "?", 0) == 0);
  auto params = location_params(launched);
  CHECK(params["iss"] == "https://localhost:8443/fhir");
  const std::string launch = params["launch"];
  REQUIRE(launch.size() >= 43);

  // The app's authorize request with the launch: the EHR vouched for Dr. Smith, no login.
  auto app_browser = f.browser();
  auto consent = app_browser.get(authorize_for_demo_app(launch));
  INFO(consent.body);
  REQUIRE(consent.status == 200);
  CHECK(consent.body.find("name=\"password\"") == std::string::npos);
  auto done = approve_all(app_browser, consent);
  REQUIRE(done.status == 303);
  CHECK(done.header("Location")->rfind(kAppRedirect + "?", 0) == 0);
  CHECK_FALSE(location_params(done)["code"].empty());

  // LAUNCH-3: single use, like any launch.
  auto again = f.browser().get(authorize_for_demo_app(launch));
  REQUIRE(again.status == 303);
  auto refused = location_params(again);
  CHECK(refused["error"] == "invalid_request");
  CHECK(refused.count("code") == 0);
}

TEST_CASE("the sample app is served with a CSP that allows only its own script", "[demo]") {
  AuthorizeFixture f(kDemoOn);
  auto browser = f.browser();
  for (const char* path : {"/demo/app/", "/demo/app/launch.html"}) {
    auto page = browser.get(path);
    INFO(path);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<script src=\"app.js\"") != std::string::npos);
    CHECK(std::regex_search(page.body, std::regex("<script>")) == false);  // no inline script
    auto csp = page.header("Content-Security-Policy");
    REQUIRE(csp);
    CHECK(csp->find("script-src 'self';") != std::string::npos);
    CHECK(csp->find("unsafe-inline") == std::string::npos);
  }
  auto config = browser.get("/demo/app/config.json");
  REQUIRE(config.status == 200);
  auto doc = parse_json(config.body);
  CHECK(std::string(doc["client_id"].GetString()) == "demo-app");
  CHECK(std::string(doc["redirect_uri"].GetString()) == kAppRedirect);
  CHECK(browser.get("/demo/app/app.js").status == 200);
}

TEST_CASE("an app registered with a launch_uri is offered by the launcher and launched at it",
          "[demo][launch]") {
  // The EHR launcher offers the registered apps (RFC 7591 client metadata with launch_uri), not
  // only the bundled one; a launch for it opens its own launch URL (LAUNCH-1).
  AuthorizeFixture f(kDemoOn);
  const std::string body =
      R"({"client_name":"Registered Growth Chart","redirect_uris":["https://app.example/cb"],)"
      R"("launch_uri":"https://app.example/launch","token_endpoint_auth_method":"none",)"
      R"("grant_types":["authorization_code"],"scope":"launch patient/*.rs"})";
  auto registered = f.service.client->request("POST", "/auth/register",
                                              {{"Content-Type", "application/json"}}, body);
  INFO(registered.body);
  REQUIRE(registered.status == 201);
  const std::string client_id = parse_json(registered.body)["client_id"].GetString();
  // One without a launch_uri is not offered: the EHR would have nowhere to open it.
  f.register_app("launch patient/*.rs", "No Launch URL App");

  auto browser = f.browser();
  auto page = browser.get("/demo/");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("value=\"" + client_id + "\"") != std::string::npos);
  CHECK(page.body.find("Registered Growth Chart") != std::string::npos);
  CHECK(page.body.find("No Launch URL App") == std::string::npos);
  // The POST answers with a redirect to the app's origin: the CSP's form-action allows it.
  CHECK(page.header("Content-Security-Policy")->find("https://app.example") != std::string::npos);

  Fields form = launch_form(input_value(page.body, "csrf"));
  form.back() = {"app", client_id};
  auto launched = browser.post("/demo/launch", form);
  REQUIRE(launched.status == 303);
  CHECK(launched.header("Location")->rfind("https://app.example/launch?", 0) == 0);
  CHECK(location_params(launched)["iss"] == "https://localhost:8443/fhir");
}
