// The demo launcher page (demo/launcher_page.hpp): its strict Content-Security-Policy, the
// escaping of directory text, and what it says with the http directory adapter.
#include "demo/launcher_page.hpp"

#include <catch2/catch.hpp>

using namespace sa;
using namespace sa::demo;

namespace {

directory::BuiltinDirectory directory_with_name(const std::string& name) {
  directory::BuiltinDirectoryData data;
  directory::BuiltinUser user;
  user.user = {"u1", "Practitioner/u1", name, {}};
  user.username = "u1";
  user.password_hash =
      "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  user.all_patients = true;
  data.users.push_back(user);
  data.patients.push_back({{"p1", "Pat One", "1970-01-01"}, {{"e1", "2024", "Visit"}}});
  return directory::BuiltinDirectory(std::move(data), 1);
}

const std::vector<DemoApp> kApps = {
    {"demo-app", "Sample", "https://localhost:8443/demo/app/launch.html"},
    {"portal", "Portal", "https://portal.example.org:8443/launch?x=1"}};

}  // namespace

TEST_CASE("the launcher page runs no script and may post only to us and the apps' origins",
          "[demo]") {
  auto directory = directory_with_name("Dr. Who");
  auto page = launcher_page(200, {&directory, kApps, "csrf-token", "", {}});
  auto csp = page.header("Content-Security-Policy");
  REQUIRE(csp);
  // The POST answers with a redirect to the app's launch URL, which form-action governs.
  CHECK(*csp ==
        "default-src 'none'; style-src 'self'; form-action 'self' https://localhost:8443 "
        "https://portal.example.org:8443; frame-ancestors 'none'; base-uri 'none'");
  CHECK(page.header("X-Frame-Options") == std::optional<std::string_view>("DENY"));
  CHECK(page.body.find("<script") == std::string::npos);
  CHECK(page.body.find(R"(name="csrf" value="csrf-token")") != std::string::npos);
}

TEST_CASE("directory text on the launcher page is HTML-escaped", "[demo]") {
  auto directory = directory_with_name("<img src=x onerror=alert(1)>");
  auto page = launcher_page(200, {&directory, kApps, "t", "", {}});
  CHECK(page.body.find("<img src=x") == std::string::npos);
  CHECK(page.body.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
}

TEST_CASE("with the http directory the launcher says it needs the builtin one", "[demo]") {
  auto page = launcher_page(200, {nullptr, kApps, "t", "", {}});
  CHECK(page.body.find("<form") == std::string::npos);
  CHECK(page.body.find("<code>directory.adapter: builtin</code>") != std::string::npos);
}
