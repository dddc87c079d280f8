#include "config/loader.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "config_test_support.hpp"

namespace sa::config {
namespace {

using test::load;
using test::rendered;
using test::reports;

std::string source_dir() {
  const char* dir = std::getenv("SMART_AUTH_SOURCE_DIR");  // set by ctest (tests/CMakeLists.txt)
  if (dir == nullptr) FAIL("SMART_AUTH_SOURCE_DIR is not set: run through ctest");
  return dir;
}

std::string fixture(const std::string& name) {
  return source_dir() + "/tests/fixtures/config/" + name;
}

TEST_CASE("an empty document gives every default", "[config][loader]") {
  auto text = GENERATE(as<std::string>{}, "", "\n", "# only a comment\n", "---\n", "~\n");
  CAPTURE(text);
  const LoadResult result = load(text);
  REQUIRE(result.errors.empty());
  REQUIRE(result.config.has_value());
  const Config& c = *result.config;
  const Config defaults;
  CHECK(c.data_dir == "data");
  CHECK(c.server.listen.host == "127.0.0.1");
  CHECK(c.server.listen.port == 8443);
  CHECK(c.server.public_base_url == "https://localhost:8443");
  CHECK(c.server.limits.max_header_bytes == defaults.server.limits.max_header_bytes);
  CHECK(c.store.path == "data/smart-auth.db");
  CHECK(c.keys.access_token_alg == AccessTokenAlg::ES256);
  CHECK(c.smart.fhir_base_url == "https://localhost:8443/fhir");
  CHECK(c.log.level == LogLevel::info);
  CHECK(c.log.audit);
}

TEST_CASE("an empty section keeps that section's defaults", "[config][loader]") {
  const LoadResult result = load("server:\nstore: {}\nlog:\n  # nothing yet\n");
  REQUIRE(result.errors.empty());
  CHECK(result.config->server.listen.port == 8443);
  CHECK(result.config->store.read_connections == 4);
}

TEST_CASE("a file setting every key fills every field", "[config][loader]") {
  const LoadResult result = load_config_file(fixture("every_key.yaml"), test::fake_env());
  INFO(Catch::Detail::stringify(rendered(result)));
  REQUIRE(result.config.has_value());
  const Config& c = *result.config;
  CHECK(c.data_dir == "/var/lib/smart-auth");
  CHECK(c.server.listen.host == "::");
  CHECK(c.server.listen.port == 9443);
  CHECK(c.server.public_base_url == "https://auth.example.org/smart");
  CHECK(c.server.threads == 8);
  CHECK(c.server.tls.cert_file == "/etc/smart-auth/tls.crt");
  CHECK(c.server.tls.key_file == "/etc/smart-auth/tls.key");
  CHECK(c.server.plain_http.enabled);
  CHECK(c.server.plain_http.listen.host == "0.0.0.0");
  CHECK(c.server.plain_http.listen.port == 9080);
  CHECK(c.server.limits.max_header_bytes == 8192);
  CHECK(c.server.limits.max_body_bytes == 131072);
  CHECK(c.server.limits.header_timeout_ms == 5000);
  CHECK(c.server.limits.body_timeout_ms == 6000);
  CHECK(c.server.limits.idle_timeout_ms == 30000);
  CHECK(c.server.limits.max_connections == 1000);
  CHECK(c.server.limits.max_connections_per_ip == 100);
  CHECK(c.server.shutdown_grace_ms == 2000);
  CHECK(c.server.cors_allowed_origins ==
        std::vector<std::string>{"https://app.example.com", "http://localhost:3000"});
  CHECK(c.store.path == "/var/lib/smart-auth/auth.db");
  CHECK(c.store.busy_timeout_ms == 2500);
  CHECK(c.store.group_commit_window_us == 0);
  CHECK(c.store.max_batch == 64);
  CHECK(c.store.read_connections == 8);
  CHECK(c.keys.access_token_alg == AccessTokenAlg::RS256);
  CHECK(c.keys.retired_key_ttl_s == 172800);
  CHECK(c.keys.reload_interval_s == 10);
  CHECK(c.smart.fhir_base_url == "https://ehr.example.org/fhir/r4");
  CHECK(c.smart.scopes_supported ==
        std::vector<std::string>{"openid", "fhirUser", "launch", "patient/*.rs"});
  CHECK(c.smart.management_endpoint == "https://ehr.example.org/apps");
  CHECK(c.log.level == LogLevel::debug);
  CHECK_FALSE(c.log.audit);
}

TEST_CASE("the shipped config/smart-auth.yaml loads with zero errors", "[config][loader]") {
  const LoadResult result =
      load_config_file(source_dir() + "/config/smart-auth.yaml", test::fake_env());
  INFO(Catch::Detail::stringify(rendered(result)));
  REQUIRE(result.errors.empty());
  const Config& c = *result.config;
  CHECK(c.server.public_base_url == "https://localhost:8443");
  CHECK(c.server.listen.host == "127.0.0.1");
  CHECK(c.server.listen.port == 8443);
  CHECK(c.data_dir == "data");
  CHECK(c.store.path == "data/smart-auth.db");
  CHECK(c.smart.fhir_base_url == "https://localhost:8443/fhir");
  CHECK(c.server.tls.cert_file.empty());
  CHECK(c.server.tls.key_file.empty());
}

TEST_CASE("a bad port is reported with the key, what was expected and what was got",
          "[config][loader]") {
  const LoadResult result = load("server:\n  listen: 8443x\n");
  CHECK_FALSE(result.config.has_value());
  CHECK(rendered(result) ==
        std::vector<std::string>{R"(server.listen: expected host:port, got "8443x")"});
}

TEST_CASE("a bad file reports all of its problems at once", "[config][loader]") {
  const LoadResult result =
      load_config_file(fixture("several_problems.yaml"), test::fake_env({{"SA_CERT", "c.pem"}}));
  CHECK_FALSE(result.config.has_value());
  INFO(Catch::Detail::stringify(rendered(result)));
  CHECK(result.errors.size() == 8);
  CHECK(reports(result, R"(server.listen: expected host:port, got "8443x")"));
  CHECK(reports(result, R"(server.threads: expected an integer from 0 to 1024, got "-2")"));
  CHECK(reports(result, "server.tls.key: environment variable SA_KEY is not set"));
  CHECK(reports(result, R"(server.limits.max_body_bytes: expected an integer from 1024 to )"
                        R"(67108864, got "100MB")"));
  CHECK(reports(result,
                "server.cors_allowed_origins[1]: expected an origin (scheme://host"
                R"([:port]) with no path or trailing slash, got "https://b.example/")"));
  CHECK(reports(result, "store.colour: unknown key"));
  CHECK(reports(result, R"(smart.fhir_base_url: must not end with a slash, got )"
                        R"("https://ehr.example.org/fhir/")"));
  CHECK(reports(result, R"(log.audit: expected true or false, got "yes")"));
}

TEST_CASE("unknown keys are errors at every level", "[config][loader]") {
  auto [yaml, line] = GENERATE(table<std::string, std::string>({
      {"colour: blue\n", "colour: unknown key"},
      {"server:\n  lisen: 127.0.0.1:1\n", R"(server.lisen: unknown key (did you mean "listen"?))"},
      {"server:\n  tls:\n    certificate: a\n", "server.tls.certificate: unknown key"},
      {"server:\n  limits:\n    max_header: 2048\n",
       R"(server.limits.max_header: unknown key (did you mean "max_header_bytes"?))"},
      {"store:\n  busy_timeout: 5\n",
       R"(store.busy_timeout: unknown key (did you mean "busy_timeout_ms"?))"},
      {"smart:\n  scopes: [openid]\n",
       R"(smart.scopes: unknown key (did you mean "scopes_supported"?))"},
      {"smart:\n  audience: x\n", "smart.audience: unknown key"},
      {"log:\n  levle: info\n", R"(log.levle: unknown key (did you mean "level"?))"},
      {"Server:\n  listen: 127.0.0.1:1\n", R"(Server: unknown key (did you mean "server"?))"},
  }));
  CAPTURE(yaml);
  const LoadResult result = load(yaml);
  CHECK(rendered(result) == std::vector<std::string>{line});
}

TEST_CASE("a key given twice in one mapping is an error", "[config][loader]") {
  const LoadResult result = load("log:\n  level: info\n  level: debug\n");
  CHECK(rendered(result) == std::vector<std::string>{"log.level: duplicate key"});
}

TEST_CASE("${VAR} is substituted in any string value", "[config][loader]") {
  const LoadResult result = load(
      "data_dir: ${STATE}\n"
      "server:\n"
      "  listen: ${HOST}:${PORT}\n"
      "  public_base_url: https://${HOST_NAME}:${PORT}\n"
      "  tls:\n"
      "    cert: ${STATE}/tls.crt\n"
      "    key: \"$${NOT_A_VAR}\"\n"
      "  cors_allowed_origins: [\"https://${HOST_NAME}\"]\n"
      "store:\n"
      "  read_connections: ${READERS}\n",
      {{"STATE", "/var/lib/sa"},
       {"HOST", "0.0.0.0"},
       {"PORT", "9443"},
       {"HOST_NAME", "auth.example.org"},
       {"READERS", "6"}});
  INFO(Catch::Detail::stringify(rendered(result)));
  REQUIRE(result.config.has_value());
  const Config& c = *result.config;
  CHECK(c.data_dir == "/var/lib/sa");
  CHECK(c.server.listen.host == "0.0.0.0");
  CHECK(c.server.listen.port == 9443);
  CHECK(c.server.public_base_url == "https://auth.example.org:9443");
  CHECK(c.server.tls.cert_file == "/var/lib/sa/tls.crt");
  CHECK(c.server.tls.key_file == "${NOT_A_VAR}");
  CHECK(c.server.cors_allowed_origins == std::vector<std::string>{"https://auth.example.org"});
  CHECK(c.store.read_connections == 6);
}

TEST_CASE("an unset variable names the key and the variable", "[config][loader]") {
  const LoadResult result = load(
      "server:\n  tls:\n    cert: ${SA_CERT}\n    key: ${SA_KEY}\n"
      "  cors_allowed_origins: [https://a.example, \"${ORIGIN}\"]\n",
      {{"SA_CERT", "/etc/c.pem"}});
  CHECK(rendered(result) ==
        std::vector<std::string>{"server.tls.key: environment variable SA_KEY is not set",
                                 "server.cors_allowed_origins[1]: environment variable ORIGIN is "
                                 "not set"});
}

TEST_CASE("a value that came from a variable shows both forms when it is wrong",
          "[config][loader]") {
  const LoadResult result = load("server:\n  listen: ${LISTEN}\n", {{"LISTEN", "8443x"}});
  CHECK(rendered(result) ==
        std::vector<std::string>{R"(server.listen: expected host:port, got "8443x" (from )"
                                 R"("${LISTEN}"))"});
}

TEST_CASE("a YAML syntax error is one error with its line and column", "[config][loader]") {
  const LoadResult result = load("server:\n  listen: [127.0.0.1:8443\nstore: {}\n");
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].key_path.empty());
  CHECK_THAT(result.errors[0].message, Catch::StartsWith("YAML syntax error at line 3, column"));
  CHECK_FALSE(result.config.has_value());
}

TEST_CASE("the top level must be a mapping", "[config][loader]") {
  auto yaml = GENERATE(as<std::string>{}, "just a string\n", "- a\n- b\n", "42\n");
  CAPTURE(yaml);
  const LoadResult result = load(yaml);
  CHECK(rendered(result) ==
        std::vector<std::string>{
            "the top level must be a mapping of sections (server:, store:, ...)"});
}

TEST_CASE("a section that is not a mapping is reported once", "[config][loader]") {
  CHECK(rendered(load("server: 8443\n")) ==
        std::vector<std::string>{R"(server: expected a mapping, got "8443")"});
  CHECK(rendered(load("log: [info]\n")) ==
        std::vector<std::string>{"log: expected a mapping, got a list"});
}

TEST_CASE("a missing file is one error naming the path", "[config][loader]") {
  const LoadResult result = load_config_file("/nonexistent/smart-auth.yaml", test::fake_env());
  REQUIRE(result.errors.size() == 1);
  CHECK_THAT(format_error(result.errors[0]),
             Catch::StartsWith("cannot open config file \"/nonexistent/smart-auth.yaml\""));
  CHECK_FALSE(result.config.has_value());
}

TEST_CASE("a directory given as the config file is one error", "[config][loader]") {
  const LoadResult result = load_config_file(source_dir() + "/config", test::fake_env());
  REQUIRE(result.errors.size() == 1);
  CHECK_THAT(result.errors[0].message, Catch::EndsWith("it is a directory"));
}

TEST_CASE("an error without a key renders as the bare message", "[config][loader]") {
  CHECK(format_error({"", "YAML syntax error at line 1, column 1: x"}) ==
        "YAML syntax error at line 1, column 1: x");
  CHECK(format_error({"store.path", "expected a non-empty string, got \"\""}) ==
        "store.path: expected a non-empty string, got \"\"");
}

}  // namespace
}  // namespace sa::config
