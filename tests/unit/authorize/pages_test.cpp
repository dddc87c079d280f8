// The authorization pages: each renders its view, escapes what users and apps supply, carries
// the page security headers, and can be replaced from pages.template_dir.
#include "authorize/pages.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

using namespace sa;
using namespace sa::authorize;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sa_pages_XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream out(path / name, std::ios::binary);
    out << text;
    REQUIRE(out.good());
  }
};

std::unique_ptr<Pages> load_pages(const config::PageSettings& settings = {}) {
  auto pages = Pages::load(settings);
  INFO((pages ? std::string() : pages.error()));
  REQUIRE(pages);
  return std::move(*pages);
}

AppView hostile_app() {
  return {"<script>alert('app')</script>", "https://app.example/logo.png?a=1&b=\"2\"",
          "https://app.example/", "https://app.example/privacy", "https://app.example/tos"};
}

FormView form() { return {"/auth/authorize/consent", "csrf-token-123"}; }

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// What every page must be: HTML5, phone-readable, our stylesheet, no script, no inline style.
void check_page_shape(const http::Response& response) {
  CHECK(response.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(response.body.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(response.body, "<meta name=\"viewport\""));
  CHECK(contains(response.body, "<link rel=\"stylesheet\" href=\"/auth/assets/pages.css\">"));
  CHECK_FALSE(contains(response.body, "<script"));
  CHECK_FALSE(contains(response.body, " style="));
  CHECK_FALSE(contains(response.body, "<style"));
}

}  // namespace

TEST_CASE("the login page shows the app and a labelled form with a hidden csrf field", "[pages]") {
  auto pages = load_pages();
  LoginView view{hostile_app(), form(), "<b>mallory</b>", "Wrong username or password."};
  auto response = pages->login(view, "https://app.example");
  CHECK(response.status == 200);
  check_page_shape(response);
  const std::string& body = response.body;
  CHECK(contains(body, "<input type=\"hidden\" name=\"csrf\" value=\"csrf-token-123\">"));
  CHECK(contains(body, "<label for=\"username\">"));
  CHECK(contains(body, "<label for=\"password\">"));
  CHECK(contains(body, "name=\"password\" type=\"password\""));
  CHECK(contains(body, "action=\"/auth/authorize/consent\""));
  CHECK(contains(body, "Wrong username or password."));
  // AUTHZ-14: app and user input never becomes markup.
  CHECK_FALSE(contains(body, "<script>"));
  CHECK(contains(body, "&lt;script&gt;alert(&apos;app&apos;)&lt;/script&gt;"));
  CHECK(contains(body, "value=\"&lt;b&gt;mallory&lt;/b&gt;\""));
  CHECK(contains(body, "src=\"https://app.example/logo.png?a=1&amp;b=&quot;2&quot;\""));
  CHECK(contains(body, "href=\"https://app.example/privacy\""));
  CHECK(contains(body, "href=\"https://app.example/tos\""));
}

TEST_CASE("app links that are not web links and logos that are not https are left out", "[pages]") {
  auto pages = load_pages();
  AppView app{"App", "http://app.example/logo.png", "javascript:alert(1)", "data:text/html,hi", ""};
  auto body = pages->login({app, form(), "", ""}, "").body;
  CHECK_FALSE(contains(body, "<img"));
  CHECK_FALSE(contains(body, "javascript:"));
  CHECK_FALSE(contains(body, "data:text"));
  CHECK_FALSE(contains(body, "app-links"));
  CHECK_FALSE(contains(body, "class=\"message\""));
}

TEST_CASE("the patient picker has a GET search and posts the chosen patient id", "[pages]") {
  auto pages = load_pages();
  PatientPickerView view;
  view.app = hostile_app();
  view.form = {"/auth/authorize/patient", "csrf-p"};
  view.search_action = "/auth/authorize/patient";
  view.query = "\"><script>";
  view.patients = {{"p-1", "<script>Eve</script>", "1970-01-02"}, {"p-2", "Bob Jones", ""}};
  auto response = pages->patient_picker(view, "https://app.example");
  check_page_shape(response);
  const std::string& body = response.body;
  CHECK(contains(body, "<form method=\"get\" action=\"/auth/authorize/patient\""));
  CHECK(contains(body, "<label for=\"q\">"));
  CHECK(contains(body, "name=\"q\" type=\"search\" value=\"&quot;&gt;&lt;script&gt;\""));
  CHECK(contains(body, "name=\"patient\" value=\"p-1\""));
  CHECK(contains(body, "name=\"patient\" value=\"p-2\""));
  CHECK(contains(body, "&lt;script&gt;Eve&lt;/script&gt;"));
  CHECK(contains(body, "1970-01-02"));
  CHECK(contains(body, "<input type=\"hidden\" name=\"csrf\" value=\"csrf-p\">"));
  CHECK_FALSE(contains(body, "<script>"));
}

TEST_CASE("a patient picker without patients shows its message and no choice form", "[pages]") {
  auto pages = load_pages();
  PatientPickerView view;
  view.app.name = "App";
  view.form = form();
  view.search_action = "/auth/authorize/patient";
  view.message = "No patients match.";
  auto body = pages->patient_picker(view, "").body;
  CHECK(contains(body, "No patients match."));
  CHECK_FALSE(contains(body, "name=\"patient\""));
}

TEST_CASE("the encounter picker posts the chosen encounter id", "[pages]") {
  auto pages = load_pages();
  EncounterPickerView view;
  view.app.name = "App";
  view.form = {"/auth/authorize/encounter", "csrf-e"};
  view.patient_name = "<i>Ann</i>";
  view.encounters = {{"e-1", "2024-01-01 to 2024-01-03", "Inpatient"}, {"e-2", "", ""}};
  auto response = pages->encounter_picker(view, "https://app.example");
  check_page_shape(response);
  const std::string& body = response.body;
  CHECK(contains(body, "name=\"encounter\" value=\"e-1\""));
  CHECK(contains(body, "name=\"encounter\" value=\"e-2\""));
  CHECK(contains(body, "Inpatient"));
  CHECK(contains(body, "&lt;i&gt;Ann&lt;/i&gt;"));
  CHECK(contains(body, "<input type=\"hidden\" name=\"csrf\" value=\"csrf-e\">"));
}

TEST_CASE(
    "the consent page shows required rows without a checkbox and sub-rows under their "
    "parent",
    "[pages]") {
  // AUTHZ-12: the user approves or denies individual scopes.
  auto pages = load_pages();
  ConsentView view;
  view.app = hostile_app();
  view.form = form();
  view.user_name = "<script>user</script>";
  view.patient_name = "<script>patient</script>";
  ConsentRow condition{"patient/Condition.rs", "Read your conditions", false, true, {}};
  condition.sub_rows = {
      {"patient/Condition.rs?category=problem-list-item", "Problem list", false, false, {}},
      {"patient/Condition.rs?category=health-concern", "Health concerns", false, true, {}}};
  view.rows = {{"launch/patient", "Know which patient you chose", true, true, {}}, condition};
  auto response = pages->consent(view, "https://app.example");
  check_page_shape(response);
  const std::string& body = response.body;

  SECTION("a required row has no checkbox") {
    CHECK(contains(body, "Know which patient you chose"));
    CHECK_FALSE(contains(body, "value=\"launch/patient\""));
  }
  SECTION("each optional row is a checkbox named scope with the item's value") {
    CHECK(contains(body, "name=\"scope\" value=\"patient/Condition.rs\" checked>"));
    CHECK(contains(body,
                   "name=\"scope\" value=\"patient/Condition.rs?category=problem-list-item\">"));
    CHECK(contains(body,
                   "name=\"scope\" value=\"patient/Condition.rs?category=health-concern\" "
                   "checked>"));
    CHECK(count(body, "type=\"checkbox\"") == 3);
    CHECK(count(body, "<label for=\"scope-") == 3);
  }
  SECTION("sub-rows sit in a nested list after their parent") {
    auto parent = body.find("value=\"patient/Condition.rs\"");
    auto nested = body.find("class=\"scopes sub-scopes\"");
    auto sub = body.find("category=problem-list-item");
    REQUIRE(parent != std::string::npos);
    REQUIRE(nested != std::string::npos);
    CHECK(parent < nested);
    CHECK(nested < sub);
  }
  SECTION("approve and a clear deny are both buttons of the form") {
    CHECK(contains(body, "<button type=\"submit\" name=\"decision\" value=\"approve\""));
    CHECK(contains(body, "<button type=\"submit\" name=\"decision\" value=\"deny\""));
    CHECK(contains(body, ">Deny</button>"));
    CHECK(contains(body, "<input type=\"hidden\" name=\"csrf\" value=\"csrf-token-123\">"));
  }
  SECTION("names are escaped") {
    CHECK_FALSE(contains(body, "<script>"));
    CHECK(contains(body, "&lt;script&gt;user&lt;/script&gt;"));
    CHECK(contains(body, "&lt;script&gt;patient&lt;/script&gt;"));
  }
  SECTION("no offline warning when offline access is not asked for") {
    CHECK_FALSE(contains(body, "until you revoke"));
  }
}

TEST_CASE("the consent page warns that offline access lasts until revoked", "[pages]") {
  // SEC-7: ONC asks that the user be told on the consent screen.
  auto pages = load_pages();
  ConsentView view;
  view.app.name = "App";
  view.form = form();
  view.rows = {{"offline_access", "Keep access after you leave", false, true, {}}};
  view.offline_access = true;
  auto body = pages->consent(view, "").body;
  CHECK(contains(body, "will keep access after you leave"));
  CHECK(contains(body, "until you revoke its access"));
}

TEST_CASE("the error page has the view's status, title, message and request id", "[pages]") {
  auto pages = load_pages();
  auto response =
      pages->error({400, "This sign-in link is not valid", "<script>x</script>", "req-42"});
  CHECK(response.status == 400);
  check_page_shape(response);
  CHECK(contains(response.body, "<title>This sign-in link is not valid</title>"));
  CHECK(contains(response.body, "&lt;script&gt;x&lt;/script&gt;"));
  CHECK(contains(response.body, "req-42"));
  CHECK(response.header("Content-Security-Policy")->find("form-action 'self';") !=
        std::string::npos);
}

TEST_CASE("every page forbids scripts, framing and referrers by default", "[pages]") {
  // AUTHZ-14
  auto pages = load_pages();
  auto response = pages->login({{"App"}, form(), "", ""}, "https://app.example:8443");
  CHECK(response.header("Content-Security-Policy") ==
        "default-src 'none'; style-src 'self'; img-src 'self' https:; form-action 'self' "
        "https://app.example:8443; frame-ancestors 'none'; base-uri 'none'");
  CHECK(response.header("X-Frame-Options") == "DENY");
  CHECK(response.header("Referrer-Policy") == "no-referrer");
}

TEST_CASE("frame-ancestors come from the config and then X-Frame-Options is not sent", "[pages]") {
  // AUTHZ-14: the EHR that embeds the app in an iframe may frame the pages.
  config::PageSettings settings;
  settings.frame_ancestors = {"'self'", "https://ehr.example.com"};
  auto pages = load_pages(settings);
  auto response = pages->consent({{"App"}, form(), "", "", {}, false}, "https://app.example");
  auto csp = std::string(*response.header("Content-Security-Policy"));
  CHECK(contains(csp, "; frame-ancestors 'self' https://ehr.example.com;"));
  CHECK_FALSE(response.header("X-Frame-Options"));
}

TEST_CASE("a form target that could break out of the CSP header is left out", "[pages]") {
  auto pages = load_pages();
  auto origin = GENERATE(as<std::string>{}, "https://a.example; script-src *",
                         "https://a.example 'unsafe-inline'", "https://a.example,evil",
                         "https://a.example\r\nX: y", "*");
  auto response = pages->login({{"App"}, form(), "", ""}, origin);
  CHECK(contains(std::string(*response.header("Content-Security-Policy")),
                 "form-action 'self'; frame-ancestors"));
}

TEST_CASE("the stylesheet is the built-in pages.css", "[pages]") {
  auto pages = load_pages();
  CHECK(contains(pages->stylesheet(), ".page"));
}

TEST_CASE("a template in template_dir replaces the built-in of the same name", "[pages]") {
  TempDir dir;
  dir.write("login.mustache", "<p id=\"branded\">Welcome to {{app.name}}</p>");
  dir.write("pages.css", "body { color: red; }");
  dir.write("notes.txt", "ignored");
  auto pages = load_pages({dir.path.string(), {}});
  auto body = pages->login({{"<Clinic>"}, form(), "", ""}, "").body;
  CHECK(contains(body, "<p id=\"branded\">Welcome to &lt;Clinic&gt;</p>"));
  CHECK(body.rfind("<!DOCTYPE html>", 0) == 0);  // the built-in layout still wraps it
  CHECK(pages->stylesheet() == "body { color: red; }");
  // The others stay built in.
  CHECK(contains(pages->error({400, "Oops", "", ""}).body, "<h1>Oops</h1>"));
}

TEST_CASE("a template that does not parse stops the load with the file's name", "[pages]") {
  TempDir dir;
  dir.write("consent.mustache", "<p>{{#rows}}unclosed</p>");
  auto pages = Pages::load({dir.path.string(), {}});
  REQUIRE_FALSE(pages);
  CHECK(contains(pages.error(), (dir.path / "consent.mustache").string()));
}

TEST_CASE("a template path that is not a file stops the load with its name", "[pages]") {
  TempDir dir;
  fs::create_directory(dir.path / "error.mustache");
  auto pages = Pages::load({dir.path.string(), {}});
  REQUIRE_FALSE(pages);
  CHECK(contains(pages.error(), (dir.path / "error.mustache").string()));
}
