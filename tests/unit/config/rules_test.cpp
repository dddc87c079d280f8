// One table per validation rule, run through the whole loader so each row also proves that the
// YAML key maps to the right field.
#include <catch2/catch.hpp>
#include <string>

#include "config/loader.hpp"
#include "config_test_support.hpp"

namespace sa::config {
namespace {

using test::load;
using test::rendered;

using Row = std::tuple<std::string, std::string>;  // YAML, the one expected error line

void check_rejected(const std::string& yaml, const std::string& line) {
  CAPTURE(yaml);
  const LoadResult result = load(yaml);
  CHECK_FALSE(result.config.has_value());
  CHECK(rendered(result) == std::vector<std::string>{line});
}

void check_accepted(const std::string& yaml) {
  CAPTURE(yaml);
  const LoadResult result = load(yaml);
  INFO(Catch::Detail::stringify(rendered(result)));
  CHECK(result.errors.empty());
  CHECK(result.config.has_value());
}

TEST_CASE("every integer key is range-checked at both ends", "[config][rules]") {
  auto [section, key, low, high] = GENERATE(table<std::string, std::string, long long, long long>({
      {"server", "threads", 0, 1024},
      {"server", "shutdown_grace_ms", 1, 4294967295},
      {"server.limits", "max_header_bytes", 1024, 1048576},
      {"server.limits", "max_body_bytes", 1024, 67108864},
      {"server.limits", "header_timeout_ms", 1, 4294967295},
      {"server.limits", "body_timeout_ms", 1, 4294967295},
      {"server.limits", "idle_timeout_ms", 1, 4294967295},
      {"server.limits", "max_connections", 1, 4294967295},
      {"store", "busy_timeout_ms", 1, 4294967295},
      {"store", "group_commit_window_us", 0, 100000},
      {"store", "max_batch", 1, 100000},
      {"store", "read_connections", 1, 64},
      {"keys", "retired_key_ttl_s", 1, 4294967295},
      {"keys", "reload_interval_s", 1, 4294967295},
  }));
  // "server.limits" -> "server:\n  limits:\n    key: value"
  const auto yaml_for = [section = section, key = key](const std::string& value) {
    std::string yaml;
    std::string indent;
    std::size_t start = 0;
    for (;;) {
      const std::size_t dot = section.find('.', start);
      yaml += indent + section.substr(start, dot - start) + ":\n";
      indent += "  ";
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return yaml + indent + key + ": " + value + "\n";
  };
  const std::string path = section + "." + key;
  const std::string range =
      high == 4294967295 ? "an integer >= " + std::to_string(low)
                         : "an integer from " + std::to_string(low) + " to " + std::to_string(high);

  SECTION("the bounds themselves are accepted") {
    check_accepted(yaml_for(std::to_string(low)));
    check_accepted(yaml_for(std::to_string(high)));
  }
  SECTION("just outside the bounds is rejected") {
    if (low > 0) {
      check_rejected(yaml_for(std::to_string(low - 1)),
                     path + ": expected " + range + ", got \"" + std::to_string(low - 1) + "\"");
    }
    check_rejected(yaml_for(std::to_string(high + 1)),
                   path + ": expected " + range + ", got \"" + std::to_string(high + 1) + "\"");
  }
  SECTION("negative, fractional, overflowing and non-numeric values are rejected") {
    auto bad = GENERATE(as<std::string>{}, "-1", "1.5", "1e3", "0x10", "99999999999999999999",
                        "ten", "\"\"");
    const std::string shown = bad == "\"\"" ? "" : bad;
    check_rejected(yaml_for(bad), path + ": expected " + range + ", got \"" + shown + "\"");
  }
  SECTION("a list or mapping is named as such") {
    check_rejected(yaml_for("[1]"), path + ": expected " + range + ", got a list");
    check_rejected(yaml_for("{a: 1}"), path + ": expected " + range + ", got a mapping");
    check_rejected(yaml_for(""), path + ": expected " + range + ", got null");
  }
}

TEST_CASE("listen addresses must be host:port with a port up to 65535", "[config][rules]") {
  auto [yaml, line] = GENERATE(table<std::string, std::string>({
      Row{"server:\n  listen: 8443x\n", R"(server.listen: expected host:port, got "8443x")"},
      Row{"server:\n  listen: 8443\n", R"(server.listen: expected host:port, got "8443")"},
      Row{"server:\n  listen: 127.0.0.1:65536\n",
          R"(server.listen: expected host:port, but it has a port above 65535, got )"
          R"("127.0.0.1:65536")"},
      Row{"server:\n  listen: ::1:8443\n",
          "server.listen: expected host:port, but it needs brackets around an IPv6 address, as "
          R"(in [::1]:8443, got "::1:8443")"},
      Row{"server:\n  plain_http:\n    listen: \":80\"\n",
          R"(server.plain_http.listen: expected host:port, but it has an empty host, got ":80")"},
  }));
  check_rejected(yaml, line);
}

TEST_CASE("listen addresses accept names, IPv4, bracketed IPv6 and port 0", "[config][rules]") {
  auto yaml = GENERATE(as<std::string>{}, "server:\n  listen: \"[::1]:8443\"\n",
                       "server:\n  listen: 0.0.0.0:0\n",
                       "server:\n  plain_http:\n    listen: localhost:65535\n");
  check_accepted(yaml);
}

TEST_CASE("boolean keys accept only true or false", "[config][rules]") {
  auto [key, value] = GENERATE(table<std::string, std::string>({
      {"log:\n  audit", "yes"},
      {"log:\n  audit", "\"1\""},
      {"log:\n  audit", "True"},
      {"server:\n  plain_http:\n    enabled", "on"},
  }));
  const std::string path = key.starts_with("log") ? "log.audit" : "server.plain_http.enabled";
  const std::string shown = value == "\"1\"" ? "1" : value;
  check_rejected(key + ": " + value + "\n",
                 path + ": expected true or false, got \"" + shown + "\"");
  check_accepted(key + ": false\n");
}

TEST_CASE("URL keys must be absolute https without query, fragment or trailing slash",
          "[config][rules]") {
  auto key = GENERATE(as<std::string>{}, "server.public_base_url", "smart.fhir_base_url",
                      "smart.management_endpoint");
  const std::size_t dot = key.find('.');
  const auto yaml_for = [&](const std::string& value) {
    return key.substr(0, dot) + ":\n  " + key.substr(dot + 1) + ": \"" + value + "\"\n";
  };
  auto [value, problem] = GENERATE(table<std::string, std::string>({
      {"http://auth.example.org",
       "must use https:// (http:// is allowed only for localhost, 127.0.0.1 and [::1])"},
      {"https://auth.example.org/", "must not end with a slash"},
      {"https://auth.example.org?x=1", "must not have a query or fragment"},
      {"https://auth.example.org/a#b", "must not have a query or fragment"},
      {"auth.example.org", "expected an absolute https:// URL"},
      {"https://auth.example.org/smart/..",
       R"(must not contain "." or ".." path segments: endpoint URLs are built on it as a string )"
       "(RFC 3986 §5.2.4)"},
      {"https://auth.example.org/%2e/fhir",
       R"(must not contain "." or ".." path segments: endpoint URLs are built on it as a string )"
       "(RFC 3986 §5.2.4)"},
  }));
  check_rejected(yaml_for(value), key + ": " + problem + ", got \"" + value + "\"");
  check_accepted(yaml_for("https://auth.example.org/a/b"));
  check_accepted(yaml_for("http://127.0.0.1:8080"));
}

TEST_CASE("only the management endpoint may be left empty", "[config][rules]") {
  check_accepted("smart:\n  management_endpoint: \"\"\n");
  check_rejected("smart:\n  fhir_base_url: \"\"\n",
                 R"(smart.fhir_base_url: expected an absolute https:// URL, got "")");
  check_rejected("server:\n  public_base_url: \"\"\n",
                 R"(server.public_base_url: expected an absolute https:// URL, got "")");
}

TEST_CASE("paths must not be empty", "[config][rules]") {
  check_rejected("data_dir: \"\"\n", R"(data_dir: expected a non-empty string, got "")");
  check_rejected("store:\n  path: \"\"\n", R"(store.path: expected a non-empty string, got "")");
  check_rejected("store:\n  path:\n", "store.path: expected a non-empty string, got null");
}

TEST_CASE("TLS cert and key are set together or not at all", "[config][rules]") {
  check_accepted("server:\n  tls:\n    cert: a.pem\n    key: a.key\n");
  check_accepted("server:\n  tls:\n    cert: \"\"\n    key: \"\"\n");
  check_rejected("server:\n  tls:\n    cert: a.pem\n",
                 "server.tls.key: must be set when server.tls.cert is set");
  check_rejected("server:\n  tls:\n    key: a.key\n    cert: \"\"\n",
                 "server.tls.cert: must be set when server.tls.key is set");
}

TEST_CASE("the per-IP connection cap is 1 to max_connections; unset, it fits under it",
          "[config][rules]") {
  const std::string limits = "server:\n  limits:\n";
  check_rejected(limits + "    max_connections_per_ip: 0\n",
                 R"(server.limits.max_connections_per_ip: expected an integer >= 1, got "0")");
  check_rejected(limits + "    max_connections: 10\n    max_connections_per_ip: 11\n",
                 "server.limits.max_connections_per_ip: must not exceed "
                 R"(server.limits.max_connections (10), got "11")");
  check_accepted(limits + "    max_connections: 10\n    max_connections_per_ip: 10\n");
  CHECK(load(limits + "    max_connections: 10\n").config->server.limits.max_connections_per_ip ==
        10);
  CHECK(load(limits + "    max_connections: 1000\n").config->server.limits.max_connections_per_ip ==
        256);
  CHECK(load("").config->server.limits.max_connections_per_ip == 256);
}

TEST_CASE("plain HTTP may not take the HTTPS listener's address", "[config][rules]") {
  check_rejected(
      "server:\n  listen: 127.0.0.1:8443\n  plain_http:\n    enabled: true\n"
      "    listen: 127.0.0.1:8443\n",
      "server.plain_http.listen: must differ from server.listen when plain HTTP is enabled");
  check_accepted(
      "server:\n  listen: 127.0.0.1:0\n  plain_http:\n    enabled: true\n    listen: "
      "127.0.0.1:0\n");
  check_accepted("server:\n  listen: 127.0.0.1:8080\n");  // plain HTTP disabled: no clash
}

TEST_CASE("enum keys name their allowed values", "[config][rules]") {
  auto [yaml, line] = GENERATE(table<std::string, std::string>({
      Row{"keys:\n  access_token_alg: HS256\n",
          R"(keys.access_token_alg: expected ES256 or RS256, got "HS256")"},
      Row{"keys:\n  access_token_alg: es256\n",
          R"(keys.access_token_alg: expected ES256 or RS256, got "es256")"},
      Row{"log:\n  level: verbose\n",
          R"(log.level: expected one of trace, debug, info, warn, error, got "verbose")"},
      Row{"log:\n  level: [info]\n", "log.level: expected a log level, got a list"},
  }));
  check_rejected(yaml, line);
}

TEST_CASE("list items are checked one by one and named by index", "[config][rules]") {
  auto [yaml, line] = GENERATE(table<std::string, std::string>({
      Row{"server:\n  cors_allowed_origins: [https://a.example, https://b.example, \"*\"]\n",
          "server.cors_allowed_origins[2]: must be an origin; leave the list empty to allow any "
          R"(origin, got "*")"},
      Row{"server:\n  cors_allowed_origins: https://a.example\n",
          "server.cors_allowed_origins: expected a list of origins like https://app.example.com, "
          R"(got "https://a.example" (write [] for an empty list))"},
      Row{"server:\n  cors_allowed_origins:\n",
          "server.cors_allowed_origins: expected a list of origins like https://app.example.com, "
          "got null (write [] for an empty list)"},
      Row{"smart:\n  scopes_supported: [openid, \"patient/*.rs user/*.rs\"]\n",
          "smart.scopes_supported[1]: expected one scope token (no spaces, quotes or "
          R"(backslashes), got "patient/*.rs user/*.rs")"},
      Row{"smart:\n  scopes_supported: [openid, [launch]]\n",
          "smart.scopes_supported[1]: expected scope strings, got a list"},
  }));
  check_rejected(yaml, line);
  check_accepted("server:\n  cors_allowed_origins: []\nsmart:\n  scopes_supported: []\n");
}

}  // namespace
}  // namespace sa::config
