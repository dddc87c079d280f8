// The demo: section. Off by default; on, the loader adds the sample app as the public static
// client demo-app, its URLs derived from server.public_base_url, and no YAML client may take its id.
#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace sa::config;
using namespace sa::config::test;

namespace {

const StaticClient* find_client(const Config& config, std::string_view id) {
  for (const StaticClient& c : config.clients) {
    if (c.client_id == id) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("the demo is off by default and registers no sample app", "[config][demo]") {
  auto result = load("");
  REQUIRE(result.config);
  CHECK_FALSE(result.config->demo.enabled);
  CHECK(find_client(*result.config, kDemoAppClientId) == nullptr);
}

TEST_CASE("demo.enabled adds the sample app as a public client at the public base URL",
          "[config][demo]") {
  auto result = load("server:\n  public_base_url: https://ehr.example.org/auth-server\n"
                     "demo:\n  enabled: true\n");
  INFO((result.errors.empty() ? std::string() : format_error(result.errors.front())));
  REQUIRE(result.config);
  CHECK(result.config->demo.enabled);
  const StaticClient* app = find_client(*result.config, kDemoAppClientId);
  REQUIRE(app != nullptr);
  CHECK(app->token_endpoint_auth_method == "none");  // a browser app: PKCE, no secret
  CHECK(app->redirect_uris ==
        std::vector<std::string>{"https://ehr.example.org/auth-server/demo/app/"});
  CHECK(app->launch_uri == "https://ehr.example.org/auth-server/demo/app/launch.html");
  CHECK(app->scope == kDemoAppScope);
  CHECK_FALSE(app->pre_approved);  // the consent page is part of what the demo shows
}

TEST_CASE("with the demo on, a YAML client may not take the sample app's id", "[config][demo]") {
  auto result = load("demo:\n  enabled: true\n"
                     "clients:\n  - client_id: demo-app\n    token_endpoint_auth_method: none\n"
                     "    redirect_uris: [https://app.example.org/cb]\n    scope: openid\n");
  CHECK(reports(result,
                "clients: client_id demo-app is the demo sample app's while demo.enabled is true"));
}

TEST_CASE("demo.enabled is a boolean", "[config][demo]") {
  auto result = load("demo:\n  enabled: yes\n");
  CHECK_FALSE(result.config);
  CHECK(rendered(result).at(0).rfind("demo.enabled: ", 0) == 0);
}
