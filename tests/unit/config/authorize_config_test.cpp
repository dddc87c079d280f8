// The authorize: section and rate_limits.authorize_per_ip.
#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace sa::config;
using namespace sa::config::test;

namespace {
// Some rendered error line is about `key`.
bool has_error_at(const LoadResult& result, const std::string& key) {
  for (const auto& line : rendered(result)) {
    if (line.find(key) != std::string::npos) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("authorize settings default to a one-minute code and remembered consent",
          "[config][authorize]") {
  auto result = load("");
  REQUIRE(result.config);
  const auto& a = result.config->authorize;
  CHECK(a.accepted_fhir_base_urls.empty());
  CHECK(a.code_lifetime_s == 60);
  CHECK(a.transaction_lifetime_s == 900);
  CHECK(a.session_lifetime_s == 28'800);
  CHECK(a.session_idle_timeout_s == 1'800);
  CHECK(a.remember_consent);
  CHECK(result.config->rate_limits.authorize_per_ip == 300);
}

TEST_CASE("authorize settings are read", "[config][authorize]") {
  auto result = load(
      "authorize:\n  accepted_fhir_base_urls: [https://ehr.example/fhir/r4]\n"
      "  code_lifetime_s: 30\n  transaction_lifetime_s: 600\n  session_lifetime_s: 0\n"
      "  session_idle_timeout_s: 120\n  remember_consent: false\n"
      "rate_limits:\n  authorize_per_ip: 50\n");
  INFO((result.errors.empty() ? std::string() : format_error(result.errors.front())));
  REQUIRE(result.config);
  const auto& a = result.config->authorize;
  CHECK(a.accepted_fhir_base_urls == std::vector<std::string>{"https://ehr.example/fhir/r4"});
  CHECK(a.code_lifetime_s == 30);
  CHECK(a.session_lifetime_s == 0);
  CHECK_FALSE(a.remember_consent);
  CHECK(result.config->rate_limits.authorize_per_ip == 50);
}

TEST_CASE("a code may live at most a minute and aud values must be base URLs",
          "[config][authorize]") {
  // AUTHZ-11: codes are short-lived (about a minute per the IG).
  CHECK(has_error_at(load("authorize:\n  code_lifetime_s: 61\n"), "authorize.code_lifetime_s"));
  CHECK(has_error_at(load("authorize:\n  accepted_fhir_base_urls: [\"https://ehr.example/fhir/\"]\n"),
                     "authorize.accepted_fhir_base_urls"));
  CHECK(has_error_at(load("authorize:\n  unknown_key: 1\n"), "authorize.unknown_key"));
}
