// The `directory:` section (CONTRACT "User directory adapter"): adapter choice, the builtin file,
// and the http adapter's keys with the rules that span them.
#include <catch2/catch.hpp>
#include <string>

#include "config/loader.hpp"
#include "config_test_support.hpp"

namespace sa::config {
namespace {

using test::load;
using test::rendered;
using test::reports;

TEST_CASE("without a directory section the builtin adapter reads the demo directory",
          "[config][directory]") {
  const LoadResult result = load("");
  REQUIRE(result.config);
  const DirectorySettings& d = result.config->directory;
  CHECK(d.adapter == DirectoryAdapter::builtin);
  CHECK(d.builtin.file == "config/demo-directory.yaml");
  CHECK(d.builtin.password_threads == 1);
  CHECK(d.http.timeout_ms == 3000);
}

TEST_CASE("every directory key is read", "[config][directory]") {
  const LoadResult result = load(R"(directory:
  adapter: http
  builtin:
    file: /etc/smart-auth/users.yaml
    password_threads: 4
  http:
    base_url: https://ehr.internal/directory
    bearer_token: ${DIR_TOKEN}
    client_cert_file: ""
    client_key_file: ""
    ca_file: /etc/ssl/ehr-ca.pem
    timeout_ms: 1500
    max_response_bytes: 65536
    allow_private_addresses: false
    allow_loopback: false
    user_cache_s: 30
    user_cache_entries: 500
)",
                                 {{"DIR_TOKEN", "abc.DEF-123_~+/=="}});
  INFO(Catch::Detail::stringify(rendered(result)));
  REQUIRE(result.config);
  const DirectorySettings& d = result.config->directory;
  CHECK(d.adapter == DirectoryAdapter::http);
  CHECK(d.builtin.file == "/etc/smart-auth/users.yaml");
  CHECK(d.builtin.password_threads == 4);
  CHECK(d.http.base_url == "https://ehr.internal/directory");
  CHECK(d.http.bearer_token == "abc.DEF-123_~+/==");
  CHECK(d.http.ca_file == "/etc/ssl/ehr-ca.pem");
  CHECK(d.http.timeout_ms == 1500);
  CHECK(d.http.max_response_bytes == 65536);
  CHECK_FALSE(d.http.allow_private_addresses);
  CHECK_FALSE(d.http.allow_loopback);
  CHECK(d.http.user_cache_s == 30);
  CHECK(d.http.user_cache_entries == 500);
}

TEST_CASE("a client certificate instead of a bearer token is accepted", "[config][directory]") {
  const LoadResult result = load(
      "directory:\n  adapter: http\n  http:\n    base_url: https://ehr.internal\n"
      "    client_cert_file: /etc/c.pem\n    client_key_file: /etc/k.pem\n");
  INFO(Catch::Detail::stringify(rendered(result)));
  CHECK(result.config);
}

TEST_CASE("plain http to a loopback directory needs allow_loopback", "[config][directory]") {
  const std::string base = "directory:\n  adapter: http\n  http:\n    bearer_token: t0k3n\n";
  CHECK(load(base + "    base_url: http://127.0.0.1:9000\n    allow_loopback: true\n").config);
  CHECK(load(base + "    base_url: https://localhost:9000\n    allow_loopback: true\n").config);
}

TEST_CASE("each bad directory setting is named by its key", "[config][directory]") {
  struct Case {
    std::string yaml;
    std::string line;
  };
  const std::string http = "directory:\n  adapter: http\n  http:\n";
  const Case c = GENERATE_COPY(
      Case{"directory:\n  adapter: ldap\n",
           "directory.adapter: expected builtin or http, got \"ldap\""},
      Case{"directory:\n  builtin:\n    file: \"\"\n",
           "directory.builtin.file: expected a non-empty string, got \"\""},
      Case{"directory:\n  builtin:\n    password_threads: 0\n",
           "directory.builtin.password_threads: expected an integer from 1 to 64, got \"0\""},
      Case{"directory:\n  builtin:\n    passwords: 1\n",
           "directory.builtin.passwords: unknown key"},
      Case{http + "    bearer_token: t\n",
           "directory.http.base_url: is required when directory.adapter is http"},
      Case{http + "    base_url: https://ehr.internal\n",
           "directory.http.bearer_token: or directory.http.client_cert_file is required when "
           "directory.adapter is http (how smart-auth proves itself to the directory)"},
      Case{http + "    base_url: ftp://ehr.internal\n    bearer_token: t\n",
           "directory.http.base_url: expected an absolute https:// URL, got "
           "\"ftp://ehr.internal\""},
      Case{http + "    base_url: http://ehr.internal\n    bearer_token: t\n",
           "directory.http.base_url: must use https:// (http:// is allowed only for localhost, "
           "127.0.0.1 and [::1]), got \"http://ehr.internal\""},
      Case{http + "    base_url: https://ehr.internal/\n    bearer_token: t\n",
           "directory.http.base_url: must not end with a slash, got \"https://ehr.internal/\""},
      Case{http + "    base_url: http://127.0.0.1:9000\n    bearer_token: t\n",
           "directory.http.base_url: is plain http://, which needs "
           "directory.http.allow_loopback: true, got \"http://127.0.0.1:9000\""},
      Case{http + "    base_url: https://[::1]:9000\n    bearer_token: t\n",
           "directory.http.base_url: names a loopback host, which needs "
           "directory.http.allow_loopback: true, got \"https://[::1]:9000\""},
      Case{http + "    base_url: https://ehr.internal\n    client_cert_file: /c.pem\n",
           "directory.http.client_key_file: must be set when directory.http.client_cert_file "
           "is set"},
      Case{http + "    base_url: https://ehr.internal\n    client_key_file: /k.pem\n",
           "directory.http.client_cert_file: must be set when directory.http.client_key_file "
           "is set"},
      Case{http + "    base_url: https://ehr.internal\n    bearer_token: t\n"
                  "    client_cert_file: /c.pem\n    client_key_file: /k.pem\n",
           "directory.http.bearer_token: must not be set together with "
           "directory.http.client_cert_file: smart-auth authenticates to the directory with one "
           "or the other"},
      Case{http + "    base_url: https://ehr.internal\n    bearer_token: \"two words\"\n",
           "directory.http.bearer_token: expected a bearer token of A-Z a-z 0-9 - . _ ~ + / and "
           "trailing = (RFC 6750 §2.1)"},
      Case{"directory:\n  http:\n    timeout_ms: 0\n",
           "directory.http.timeout_ms: expected an integer from 1 to 60000, got \"0\""},
      Case{"directory:\n  http:\n    max_response_bytes: 100\n",
           "directory.http.max_response_bytes: expected an integer from 1024 to 16777216, got "
           "\"100\""},
      Case{"directory:\n  http:\n    user_cache_s: 90000\n",
           "directory.http.user_cache_s: expected an integer from 0 to 86400, got \"90000\""},
      Case{"directory:\n  http:\n    user_cache_entries: 0\n",
           "directory.http.user_cache_entries: expected an integer from 1 to 1000000, got "
           "\"0\""},
      Case{"directory:\n  http:\n    allow_loopback: yes\n",
           "directory.http.allow_loopback: expected true or false, got \"yes\""},
      // The http keys are checked even while the builtin adapter is chosen.
      Case{"directory:\n  http:\n    client_cert_file: /c.pem\n",
           "directory.http.client_key_file: must be set when directory.http.client_cert_file "
           "is set"});
  INFO(c.yaml);
  const LoadResult result = load(c.yaml);
  INFO(Catch::Detail::stringify(rendered(result)));
  CHECK_FALSE(result.config);
  CHECK(reports(result, c.line));
}

TEST_CASE("a bad bearer token is never quoted in the error", "[config][directory]") {
  const LoadResult result = load(
      "directory:\n  adapter: http\n  http:\n    base_url: https://ehr.internal\n"
      "    bearer_token: \"s3cr3t value\"\n");
  REQUIRE(result.errors.size() == 1);
  CHECK(format_error(result.errors[0]).find("s3cr3t") == std::string::npos);
}

TEST_CASE("the builtin adapter needs no http settings", "[config][directory]") {
  const LoadResult result =
      load("directory:\n  adapter: builtin\n  builtin:\n    file: my-users.yaml\n");
  REQUIRE(result.config);
  CHECK(result.config->directory.builtin.file == "my-users.yaml");
}

}  // namespace
}  // namespace sa::config
