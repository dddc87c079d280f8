// The pages: section and the failed-login limits of rate_limits:.
#include <catch2/catch.hpp>
#include <filesystem>

#include "config_test_support.hpp"

using namespace sa::config;
using namespace sa::config::test;

TEST_CASE("pages default to the built-in templates and no framing", "[config][pages]") {
  auto result = load("");
  REQUIRE(result.config);
  CHECK(result.config->pages.template_dir.empty());
  CHECK(result.config->pages.frame_ancestors.empty());
  CHECK(result.config->rate_limits.failed_login_per_user == 5);
  CHECK(result.config->rate_limits.failed_login_per_ip == 30);
}

TEST_CASE("pages settings and the failed-login limits are read", "[config][pages]") {
  const std::string dir = std::filesystem::temp_directory_path().string();
  auto result = load("pages:\n  template_dir: " + dir +
                     "\n  frame_ancestors: [\"'self'\", https://ehr.example.com:8443]\n"
                     "rate_limits:\n  failed_login_per_user: 7\n  failed_login_per_ip: 70\n");
  INFO((result.errors.empty() ? std::string() : format_error(result.errors.front())));
  REQUIRE(result.config);
  CHECK(result.config->pages.template_dir == dir);
  CHECK(result.config->pages.frame_ancestors ==
        std::vector<std::string>{"'self'", "https://ehr.example.com:8443"});
  CHECK(result.config->rate_limits.failed_login_per_user == 7);
  CHECK(result.config->rate_limits.failed_login_per_ip == 70);
}

TEST_CASE("a template_dir that is not an existing directory is an error", "[config][pages]") {
  auto result = load("pages:\n  template_dir: /nonexistent/smart-auth-templates\n");
  CHECK(reports(result,
                "pages.template_dir: must be an existing directory, got "
                "\"/nonexistent/smart-auth-templates\""));
}

TEST_CASE("frame_ancestors accepts only https origins and 'self'", "[config][pages]") {
  // AUTHZ-14
  auto entry = GENERATE(as<std::string>{}, "http://ehr.example.com", "https://ehr.example.com/",
                        "https://ehr.example.com/path", "'none'", "*", "https://*.example.com",
                        "ehr.example.com");
  auto result = load("pages:\n  frame_ancestors: [\"" + entry + "\"]\n");
  INFO(entry);
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors.front().key_path == "pages.frame_ancestors[0]");
}

TEST_CASE("the failed-login limits must be at least 1", "[config][pages]") {
  auto result = load("rate_limits:\n  failed_login_per_user: 0\n  failed_login_per_ip: 0\n");
  CHECK(result.errors.size() == 2);
  CHECK(result.errors.at(0).key_path == "rate_limits.failed_login_per_user");
  CHECK(result.errors.at(1).key_path == "rate_limits.failed_login_per_ip");
}

TEST_CASE("a frame ancestor written 'self' in YAML gets a hint about the quotes",
          "[config][pages]") {
  auto result = load("pages:\n  frame_ancestors: ['self']\n");
  CHECK(reports(result, "pages.frame_ancestors[0]: write \"'self'\" (YAML reads 'self' as self), "
                        "got \"self\""));
}
