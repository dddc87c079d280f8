// The launch section and rate_limits.failed_launch_auth_per_ip: every key read into its field and
// every rule as one table row run through the whole loader, so each also proves the key path.
#include <catch2/catch.hpp>
#include <string>

#include "config/loader.hpp"
#include "config_test_support.hpp"

namespace sa::config {
namespace {

using test::load;
using test::rendered;

const std::string kKey = "0123456789abcdef0123456789abcdef";  // 32 characters

TEST_CASE("the launch keys fill the launch settings", "[config][launch]") {
  const LoadResult result = load("launch:\n  ehr_api_key: " + kKey +
                                 "\n  expires_in_s: 120\n"
                                 "  default_smart_style_url: https://ehr.example.org/style.json\n"
                                 "rate_limits:\n  failed_launch_auth_per_ip: 7\n");
  INFO(Catch::Detail::stringify(rendered(result)));
  REQUIRE(result.config);
  const LaunchSettings& l = result.config->launch;
  CHECK(l.ehr_api_key == kKey);
  CHECK_FALSE(l.generate_ehr_api_key);
  CHECK(l.expires_in_s == 120);
  CHECK(l.default_smart_style_url == "https://ehr.example.org/style.json");
  CHECK(result.config->rate_limits.failed_launch_auth_per_ip == 7);

  const LoadResult generated = load("launch:\n  generate_ehr_api_key: true\n");
  REQUIRE(generated.config);
  CHECK(generated.config->launch.generate_ehr_api_key);
  CHECK(generated.config->launch.ehr_api_key.empty());
}

TEST_CASE("a bad launch setting is one error naming its key", "[config][launch]") {
  auto [yaml, line] = GENERATE_COPY(table<std::string, std::string>({
      // The key's value is never echoed.
      {"launch:\n  ehr_api_key: too-short\n", "launch.ehr_api_key: must be at least 32 characters"},
      {"launch:\n  ehr_api_key: " + kKey + "\n  generate_ehr_api_key: true\n",
       "launch.ehr_api_key: must not be set when launch.generate_ehr_api_key is true"},
      {"launch:\n  expires_in_s: 0\n",
       R"(launch.expires_in_s: expected an integer from 1 to 3600, got "0")"},
      {"launch:\n  expires_in_s: 3601\n",
       R"(launch.expires_in_s: expected an integer from 1 to 3600, got "3601")"},
      {"launch:\n  default_smart_style_url: http://ehr.example.org/style.json\n",
       "launch.default_smart_style_url: must use https:// (http:// is allowed only for localhost, "
       R"(127.0.0.1 and [::1]), got "http://ehr.example.org/style.json")"},
      {"rate_limits:\n  failed_launch_auth_per_ip: 0\n",
       R"(rate_limits.failed_launch_auth_per_ip: expected an integer from 1 to 1000000, got "0")"},
  }));
  CAPTURE(yaml);
  const LoadResult result = load(yaml);
  CHECK_FALSE(result.config.has_value());
  CHECK(rendered(result) == std::vector<std::string>{line});
}

}  // namespace
}  // namespace sa::config
