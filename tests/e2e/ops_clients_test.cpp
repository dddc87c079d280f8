// `smart-auth client ...` (issue 9 "Operator commands") on the database of a running server: a
// client added by the CLI gets tokens from the server, an update that raises a registered
// client's cap lets it use client_credentials for system/*.rs, a removal makes the server refuse
// it within the documented 5 s, static clients are read-only, an id starting with '-' is reached
// after '--', and bad input gets the registration endpoint's field-named error.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <string>

#include "e2e/ops_support.hpp"
#include "e2e/registration_support.hpp"
#include "e2e/running_service.hpp"

namespace sa::test {
namespace {

// Backend clients may use a secret here (as the demo config allows); one static client.
const std::string kConfig =
    "tokens:\n  client_credentials_auth_methods: [private_key_jwt, client_secret_basic]\n"
    "clients:\n"
    "  - client_id: yaml-app\n    client_name: From YAML\n"
    "    token_endpoint_auth_method: none\n"
    "    redirect_uris: [\"https://yaml.example/cb\"]\n"
    "    grant_types: [authorization_code]\n"
    "    scope: \"launch/patient openid patient/*.rs\"\n";

struct OpsService : RunningService {
  OpsService() : RunningService({}, kConfig) {}
  std::filesystem::path config() const { return dir.path() / "smart-auth.yaml"; }
  CommandOutput ops(std::vector<std::string> args, std::size_t words = 2) {
    return smart_auth(config(), std::move(args), words);
  }
  HttpResponse client_credentials(const Client& c, const std::string& scope = "system/*.rs") {
    return client->post_form("/auth/token",
                             form_of({{"grant_type", "client_credentials"}, {"scope", scope}}),
                             {{"Authorization", c.basic()}});
  }
};

Client client_of(const CommandOutput& out) {
  INFO(out.output);
  REQUIRE(out.status.exit_code == 0);
  auto doc = parse_json(json_line_with(out.output, "client_id"));
  Client c{doc["client_id"].GetString(), ""};
  if (doc.HasMember("client_secret")) c.client_secret = doc["client_secret"].GetString();
  return c;
}

TEST_CASE("a client added by the CLI gets a token from the running server", "[ops][client]") {
  OpsService s;
  auto out = s.ops({"client", "add", "--name", "Nightly export", "--grant-type",
                    "client_credentials", "--auth-method", "client_secret_basic", "--scope",
                    "system/*.rs"});
  Client c = client_of(out);
  // The secret is printed once, with the shown-once warning, and the change is audited.
  CHECK(c.client_secret.size() >= 40);
  CHECK(contains(out.output, "shown once"));
  CHECK(contains(out.output, R"("event":"client_added","actor":"operator")"));
  const auto audit_at = out.output.find("\"client_added\"");
  REQUIRE(audit_at != std::string::npos);
  const auto audit_line = out.output.substr(audit_at, out.output.find('\n', audit_at) - audit_at);
  CHECK_FALSE(contains(audit_line, c.client_secret));

  auto token = s.client_credentials(c);
  INFO(token.body);
  CHECK(token.status == 200);
  CHECK(std::string(parse_json(token.body)["scope"].GetString()) == "system/*.rs");

  // list shows it with its kind and cap; show gives JSON without the secret or its hash.
  auto list = s.ops({"client", "list"});
  CHECK(list.status.exit_code == 0);
  CHECK(contains(list.output, c.client_id + "\tNightly export\tconfidential\tsystem/*.rs\t"));
  CHECK(contains(list.output, "yaml-app\tFrom YAML\tpublic static\t"));
  auto show = s.ops({"client", "show", c.client_id});
  CHECK(show.status.exit_code == 0);
  auto doc = parse_json(json_line_with(show.output, "has_client_secret"));
  CHECK(doc["has_client_secret"].GetBool());
  CHECK(std::string(doc["max_scope"].GetString()) == "system/*.rs");
  CHECK(std::string(doc["metadata"]["client_name"].GetString()) == "Nightly export");
  CHECK_FALSE(contains(show.output, c.client_secret));
  CHECK_FALSE(contains(show.output, "secret_hash"));
}

TEST_CASE("client update raising an openly registered client's cap lets it use "
          "client_credentials for system/*.rs",
          "[ops][client]") {
  OpsService s;
  // Open registration: no initial access token, so no system/ scope and no client_credentials.
  Client c = register_client_with(
      *s.client,
      R"({"client_name":"backend","grant_types":["authorization_code"],)"
      R"("redirect_uris":["https://backend.example/cb"],)"
      R"("token_endpoint_auth_method":"client_secret_basic","scope":"patient/*.rs"})",
      "");
  auto before = s.client_credentials(c);
  CHECK(before.status != 200);  // the server has now looked the client up (and cached it)

  // The cap is the ceiling: a scope beyond it is refused with the cap named.
  auto beyond = s.ops({"client", "update", c.client_id, "--grant-type", "client_credentials",
                       "--scope", "system/*.rs"});
  INFO(beyond.output);
  CHECK(beyond.status.exit_code == 2);
  CHECK(contains(beyond.output, "--max-scope"));

  auto raised = s.ops({"client", "update", c.client_id, "--grant-type", "client_credentials",
                       "--scope", "system/*.rs", "--max-scope", "system/*.rs"});
  INFO(raised.output);
  REQUIRE(raised.status.exit_code == 0);
  CHECK(contains(raised.output, R"("event":"client_updated","actor":"operator")"));
  CHECK(contains(raised.output, R"("previous_max_scope")"));

  // Within the documented bound the running server issues system/*.rs with the same secret.
  auto took = within(kClientCacheBound, [&] { return s.client_credentials(c).status == 200; });
  REQUIRE(took);
  auto token = s.client_credentials(c);
  CHECK(std::string(parse_json(token.body)["scope"].GetString()) == "system/*.rs");

  // The raised cap is stored: a restart's cap pass (registration_caps) keeps the scope.
  auto show = s.ops({"client", "show", c.client_id});
  CHECK(std::string(parse_json(json_line_with(show.output, "max_scope"))["max_scope"].GetString()) ==
        "system/*.rs");
}

TEST_CASE("client remove makes the running server refuse the client within 5 s",
          "[ops][client]") {
  OpsService s;
  Client c = client_of(s.ops({"client", "add", "--name", "Short-lived", "--grant-type",
                              "client_credentials", "--auth-method", "client_secret_basic",
                              "--scope", "system/*.rs"}));
  REQUIRE(s.client_credentials(c).status == 200);  // cached by the server now
  auto removed = s.ops({"client", "remove", c.client_id});
  INFO(removed.output);
  REQUIRE(removed.status.exit_code == 0);
  CHECK(contains(removed.output, "verifiable offline"));
  CHECK(contains(removed.output, R"("event":"client_removed","actor":"operator")"));
  auto took = within(kClientCacheBound, [&] { return s.client_credentials(c).status == 401; });
  CHECK(took);
  auto gone = s.ops({"client", "show", c.client_id});
  CHECK(gone.status.exit_code == 1);
  CHECK(contains(gone.output, "no client " + c.client_id));
}

TEST_CASE("static clients are read-only for the CLI, and say where to change them",
          "[ops][client]") {
  OpsService s;
  for (const char* action : {"update", "remove"}) {
    std::vector<std::string> args{"client", action, "yaml-app"};
    if (std::string(action) == "update") args.insert(args.end(), {"--scope", "patient/*.rs"});
    auto out = s.ops(args);
    INFO(out.output);
    CHECK(out.status.exit_code == 1);
    CHECK(contains(out.output, "static client from the config's clients: section"));
  }
}

TEST_CASE("a client id starting with '-' is reached after '--'", "[ops][client]") {
  OpsService s;
  auto added = s.ops({"client", "add", "--name", "Dash", "--public", "--redirect-uri",
                      "https://dash.example/cb", "--client-id", "-dash-app"});
  CHECK(client_of(added).client_id == "-dash-app");

  auto as_flag = s.ops({"client", "show", "-dash-app"});
  CHECK(as_flag.status.exit_code == 2);
  CHECK(contains(as_flag.output, "unknown argument -dash-app"));

  auto shown = s.ops({"client", "show", "--", "-dash-app"});
  INFO(shown.output);
  CHECK(shown.status.exit_code == 0);
  CHECK(contains(shown.output, "\"client_name\":\"Dash\""));

  auto removed = s.ops({"client", "remove", "--", "-dash-app"});
  CHECK(removed.status.exit_code == 0);
}

TEST_CASE("bad client input gets the registration endpoint's field-named error",
          "[ops][client]") {
  OpsService s;
  auto http_redirect = s.ops({"client", "add", "--name", "x", "--public", "--redirect-uri",
                              "http://app.example/cb"});
  CHECK(http_redirect.status.exit_code == 2);
  CHECK(contains(http_redirect.output, "invalid_redirect_uri: redirect_uris[0]"));

  auto bad_method = s.ops({"client", "add", "--name", "x", "--auth-method", "magic"});
  CHECK(bad_method.status.exit_code == 2);
  CHECK(contains(bad_method.output, "token_endpoint_auth_method"));

  auto bad_scope = s.ops({"client", "add", "--name", "x", "--public", "--redirect-uri",
                          "https://a.example/cb", "--scope", "patient/*.zz"});
  CHECK(bad_scope.status.exit_code == 2);
  CHECK(contains(bad_scope.output, "scope"));

  auto no_name = s.ops({"client", "add", "--public"});
  CHECK(no_name.status.exit_code == 2);
  CHECK(contains(no_name.output, "needs --name"));

  auto unknown_flag = s.ops({"client", "add", "--name", "x", "--colour", "red"});
  CHECK(unknown_flag.status.exit_code == 2);
  CHECK(contains(unknown_flag.output, "unknown argument --colour"));

  auto both = s.ops({"client", "add", "--name", "x", "--public", "--confidential"});
  CHECK(both.status.exit_code == 2);
  CHECK(contains(both.output, "--public and --confidential"));

  auto no_id = s.ops({"client", "show"});
  CHECK(no_id.status.exit_code == 2);
  CHECK(contains(no_id.output, "needs CLIENT_ID"));

  auto unknown = s.ops({"client", "frobnicate"});
  CHECK(unknown.status.exit_code == 2);
  CHECK(contains(unknown.output, "unknown action"));

  auto missing = s.ops({"client", "update", "no-such-client", "--scope", "patient/*.rs"});
  CHECK(missing.status.exit_code == 1);
  CHECK(contains(missing.output, "no client no-such-client"));
}

}  // namespace
}  // namespace sa::test
