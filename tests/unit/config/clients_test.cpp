// The registration, clients, client_auth and tokens sections: every rule, each as one table row
// run through the whole loader so it also proves the key path in the message.
#include <catch2/catch.hpp>
#include <string>

#include "config/loader.hpp"
#include "config_test_support.hpp"

namespace sa::config {
namespace {

using test::load;
using test::rendered;

const std::string kSecret = "0123456789abcdef0123456789abcdef";  // 32 characters
const std::string kJwks = R"({"keys":[]})";

std::string client(const std::string& body) { return "clients:\n  - client_id: app-1\n" + body; }

TEST_CASE("a file setting every new key fills every field", "[config][clients]") {
  const LoadResult result = load(
      "registration:\n  mode: initial_access_token\n  max_scope: openid patient/*.rs\n"
      "  initial_access_tokens:\n"
      "    - token: \"${IAT}\"\n      max_scope: system/*.rs\n      description: bulk export\n"
      "    - generate: true\n      max_scope: system/Patient.r\n      description: demo\n"
      "  client_secret_lifetime_s: 86400\n"
      "clients:\n"
      "  - client_id: ehr-portal\n    client_name: Portal\n"
      "    token_endpoint_auth_method: client_secret_post\n    client_secret: ${SECRET}\n"
      "    redirect_uris: [https://portal.example.org/cb, http://127.0.0.1:9000/cb]\n"
      "    grant_types: [authorization_code, refresh_token]\n    scope: openid patient/*.rs\n"
      "    launch_uri: https://portal.example.org/launch\n    pre_approved: true\n"
      "  - client_id: bulk.exporter_1~\n    token_endpoint_auth_method: private_key_jwt\n"
      "    jwks_uri: https://bulk.example.org/jwks.json\n    grant_types: [client_credentials]\n"
      "client_auth:\n  assertion_max_lifetime_s: 120\n  clock_skew_s: 30\n"
      "  jwks_fetch_timeout_ms: 1500\n  jwks_max_bytes: 2048\n  jwks_default_cache_s: 60\n"
      "  jwks_max_cache_s: 600\n  jwks_allow_loopback: true\n  jwks_ca_file: /etc/ca.pem\n"
      "tokens:\n  access_token_lifetime_s: 120\n"
      "  client_credentials_auth_methods: [private_key_jwt, client_secret_post]\n",
      {{"IAT", std::string(40, 'i')}, {"SECRET", kSecret}});
  INFO(Catch::Detail::stringify(rendered(result)));
  REQUIRE(result.config.has_value());
  const Config& c = *result.config;
  CHECK(c.registration.mode == RegistrationMode::initial_access_token);
  CHECK(c.registration.max_scope == "openid patient/*.rs");
  REQUIRE(c.registration.initial_access_tokens.size() == 2);
  const InitialAccessToken& given = c.registration.initial_access_tokens[0];
  CHECK(given.token == std::string(40, 'i'));
  CHECK_FALSE(given.generate);
  CHECK(given.max_scope == "system/*.rs");
  CHECK(given.description == "bulk export");
  const InitialAccessToken& generated = c.registration.initial_access_tokens[1];
  CHECK(generated.token.empty());
  CHECK(generated.generate);
  CHECK(generated.max_scope == "system/Patient.r");
  CHECK(generated.description == "demo");
  CHECK(c.registration.client_secret_lifetime_s == 86400);
  REQUIRE(c.clients.size() == 2);
  CHECK(c.clients[0].client_id == "ehr-portal");
  CHECK(c.clients[0].client_name == "Portal");
  CHECK(c.clients[0].token_endpoint_auth_method == "client_secret_post");
  CHECK(c.clients[0].client_secret == kSecret);
  CHECK(c.clients[0].redirect_uris.size() == 2);
  CHECK(c.clients[0].grant_types ==
        std::vector<std::string>{"authorization_code", "refresh_token"});
  CHECK(c.clients[0].scope == "openid patient/*.rs");
  CHECK(c.clients[0].launch_uri == "https://portal.example.org/launch");
  CHECK(c.clients[0].pre_approved);
  CHECK(c.clients[1].jwks_uri == "https://bulk.example.org/jwks.json");
  CHECK_FALSE(c.clients[1].pre_approved);
  CHECK(c.client_auth.assertion_max_lifetime_s == 120);
  CHECK(c.client_auth.clock_skew_s == 30);
  CHECK(c.client_auth.jwks_fetch_timeout_ms == 1500);
  CHECK(c.client_auth.jwks_max_bytes == 2048);
  CHECK(c.client_auth.jwks_default_cache_s == 60);
  CHECK(c.client_auth.jwks_max_cache_s == 600);
  CHECK(c.client_auth.jwks_allow_loopback);
  CHECK(c.client_auth.jwks_ca_file == "/etc/ca.pem");
  CHECK(c.tokens.access_token_lifetime_s == 120);
  CHECK(c.tokens.client_credentials_auth_methods ==
        std::vector<std::string>{"private_key_jwt", "client_secret_post"});
}

TEST_CASE("the new sections default to open registration and no static clients",
          "[config][clients]") {
  const LoadResult result = load("");
  REQUIRE(result.config.has_value());
  CHECK(result.config->registration.mode == RegistrationMode::open);
  CHECK(result.config->clients.empty());
  CHECK(result.config->tokens.access_token_lifetime_s == 300);
  CHECK_FALSE(result.config->client_auth.jwks_allow_loopback);
  // CONTRACT "Registration policy": no system/ without a token; Backend Services keys only.
  CHECK(result.config->registration.max_scope == kDefaultRegistrationMaxScope);
  CHECK(result.config->registration.initial_access_tokens.empty());
  CHECK(result.config->tokens.client_credentials_auth_methods ==
        std::vector<std::string>{"private_key_jwt"});
}

TEST_CASE("each rule of the new sections is reported with its key path", "[config][clients]") {
  auto [yaml, line] = GENERATE_COPY(table<std::string, std::string>({
      {"registration:\n  mode: invite\n",
       R"(registration.mode: expected open, initial_access_token or closed, got "invite")"},
      {"registration:\n  mode: initial_access_token\n",
       "registration.initial_access_tokens: must list at least one token when registration.mode "
       "is initial_access_token"},
      // The token's value is never echoed.
      {"registration:\n  initial_access_tokens:\n    - token: short\n      max_scope: openid\n"
       "      description: d\n",
       "registration.initial_access_tokens[0].token: must be at least 32 characters"},
      {"registration:\n  initial_access_tokens:\n    - max_scope: openid\n      description: d\n",
       "registration.initial_access_tokens[0].token: is required unless "
       "registration.initial_access_tokens[0].generate is true"},
      {"registration:\n  initial_access_tokens:\n    - token: " + kSecret +
           "\n      generate: true\n      max_scope: openid\n      description: d\n",
       "registration.initial_access_tokens[0].token: must not be set when "
       "registration.initial_access_tokens[0].generate is true"},
      {"registration:\n  initial_access_tokens:\n    - token: " + kSecret +
           "\n      description: d\n",
       "registration.initial_access_tokens[0].max_scope: is required"},
      {"registration:\n  initial_access_tokens:\n    - token: " + kSecret +
           "\n      max_scope: openid\n",
       "registration.initial_access_tokens[0].description: is required"},
      {"registration:\n  initial_access_tokens:\n"
       "    - {generate: true, max_scope: openid, description: a}\n"
       "    - {generate: true, max_scope: openid, description: b}\n",
       "registration.initial_access_tokens[1].generate: may be true for one token only"},
      {"registration:\n  initial_access_tokens:\n"
       "    - {token: " +
           kSecret +
           ", max_scope: openid, description: a}\n"
           "    - {token: " +
           kSecret + ", max_scope: openid, description: b}\n",
       "registration.initial_access_tokens[1].token: repeats the token of another entry"},
      {"registration:\n  initial_access_tokens:\n    - {generate: true, max_scope: system/Nope.rs, "
       "description: a}\n",
       "registration.initial_access_tokens[0].max_scope: system/Nope.rs: unknown resource type "
       R"("Nope", got "system/Nope.rs")"},
      {"registration:\n  max_scope: openid system/*.rs\n",
       "registration.max_scope: system/*.rs: system/ scopes need an initial access token with "
       R"(its own max_scope, got "openid system/*.rs")"},
      {"tokens:\n  client_credentials_auth_methods: []\n",
       "tokens.client_credentials_auth_methods: must list at least one method"},
      {"tokens:\n  client_credentials_auth_methods: [none]\n",
       "tokens.client_credentials_auth_methods[0]: expected private_key_jwt, client_secret_basic "
       R"(or client_secret_post, got "none")"},
      // SMART Backend Services: static clients too (BACKEND-1).
      {client("    client_secret: " + kSecret + "\n    grant_types: [client_credentials]\n"),
       "clients[0].token_endpoint_auth_method: client_secret_basic is not listed in "
       "tokens.client_credentials_auth_methods, which client_credentials clients must use"},
      {"registration:\n  colour: red\n", "registration.colour: unknown key"},
      {"clients: {}\n",
       "clients: expected a list of mappings, got a mapping (write [] for an empty list)"},
      {"clients:\n  - client_name: x\n", "clients[0].client_id: is required"},
      {"clients:\n  - client_id: \"a b\"\n    token_endpoint_auth_method: none\n",
       R"(clients[0].client_id: expected only the characters A-Z a-z 0-9 - . _ ~, got "a b")"},
      {client("    token_endpoint_auth_method: none\n    redirect_uris: [https://a.example/cb]\n"
              "    colour: red\n"),
       "clients[0].colour: unknown key"},
      {client("    token_endpoint_auth_method: magic\n"),
       "clients[0].token_endpoint_auth_method: expected none, client_secret_basic, "
       R"(client_secret_post or private_key_jwt, got "magic")"},
      {client("    redirect_uris: [https://a.example/cb]\n"),
       "clients[0].client_secret: is required when token_endpoint_auth_method is "
       "client_secret_basic"},
      {client("    client_secret: short\n    redirect_uris: [https://a.example/cb]\n"),
       "clients[0].client_secret: must be at least 32 characters"},
      {client("    token_endpoint_auth_method: none\n    client_secret: " + kSecret +
              "\n    redirect_uris: [https://a.example/cb]\n"),
       "clients[0].client_secret: must not be set when token_endpoint_auth_method is none"},
      {client("    token_endpoint_auth_method: private_key_jwt\n"
              "    grant_types: [client_credentials]\n"),
       "clients[0].jwks: jwks or jwks_uri is required when token_endpoint_auth_method is "
       "private_key_jwt"},
      {client("    token_endpoint_auth_method: private_key_jwt\n"
              "    grant_types: [client_credentials]\n    jwks: '" +
              kJwks + "'\n    jwks_uri: https://a.example/jwks\n"),
       "clients[0].jwks: must not be set together with jwks_uri"},
      {client("    token_endpoint_auth_method: none\n    jwks_uri: https://a.example/jwks\n"
              "    redirect_uris: [https://a.example/cb]\n"),
       "clients[0].jwks_uri: must not be set when token_endpoint_auth_method is none"},
      {client("    token_endpoint_auth_method: none\n"),
       "clients[0].redirect_uris: is required for the authorization_code grant"},
      {client("    token_endpoint_auth_method: none\n    grant_types: [client_credentials]\n"),
       "clients[0].grant_types: client_credentials needs a confidential client when "
       "token_endpoint_auth_method is none"},
      {client("    token_endpoint_auth_method: none\n    grant_types: [implicit]\n"),
       "clients[0].grant_types[0]: expected authorization_code, refresh_token or "
       R"(client_credentials, got "implicit")"},
      {client("    token_endpoint_auth_method: none\n    grant_types: []\n"),
       "clients[0].grant_types: must not be empty"},
      {client("    token_endpoint_auth_method: none\n    redirect_uris: [http://a.example/cb]\n"),
       "clients[0].redirect_uris[0]: must use https:// (http:// is allowed only for localhost, "
       R"(127.0.0.1 and [::1]), got "http://a.example/cb")"},
      {client("    token_endpoint_auth_method: none\n    redirect_uris: [https://a.example/#x]\n"),
       R"(clients[0].redirect_uris[0]: must not have a fragment, got "https://a.example/#x")"},
      {client("    token_endpoint_auth_method: none\n"
              "    redirect_uris: [https://a.example/cb, 'https://a.example/cb?state=x']\n"),
       "clients[0].redirect_uris[1]: must not have a query parameter \"state\": the authorization "
       R"(response adds its own (RFC 6749 §4.1.2, RFC 9207), got "https://a.example/cb?state=x")"},
      {client("    token_endpoint_auth_method: none\n"
              "    redirect_uris: [https://a.example/x/../cb]\n"),
       "clients[0].redirect_uris[0]: must not contain \".\" or \"..\" path segments: browsers "
       "resolve them, so the URL visited would not be the one registered (RFC 3986 §5.2.4, RFC "
       R"(6749 §3.1.2), got "https://a.example/x/../cb")"},
      {client("    token_endpoint_auth_method: none\n    redirect_uris: [https://a.example/cb]\n"
              "    scope: \"openid  x\"\n"),
       R"(clients[0].scope: expected a scope, not an empty string, got "openid  x")"},
      {"clients:\n  - client_id: twin\n    token_endpoint_auth_method: none\n"
       "    redirect_uris: [https://a.example/cb]\n"
       "  - client_id: twin\n    token_endpoint_auth_method: none\n"
       "    redirect_uris: [https://a.example/cb]\n",
       R"(clients[1].client_id: duplicate client_id "twin")"},
      {"client_auth:\n  jwks_default_cache_s: 700\n  jwks_max_cache_s: 600\n",
       "client_auth.jwks_default_cache_s: must not exceed client_auth.jwks_max_cache_s"},
      {"client_auth:\n  jwks_allow_loopback: yes\n",
       R"(client_auth.jwks_allow_loopback: expected true or false, got "yes")"},
      {"tokens:\n  access_token_lifetime_s: 3601\n",
       R"(tokens.access_token_lifetime_s: expected an integer from 1 to 3600, got "3601")"},
      {"tokens:\n  access_token_lifetime_s: 0\n",
       R"(tokens.access_token_lifetime_s: expected an integer from 1 to 3600, got "0")"},
  }));
  CAPTURE(yaml);
  const LoadResult result = load(yaml);
  CHECK_FALSE(result.config.has_value());
  CHECK(rendered(result) == std::vector<std::string>{line});
}

TEST_CASE("scope strings in the config are bounded like those from clients",
          "[config][clients]") {  // finding 2.2
  std::string scope;
  for (int i = 0; i <= 100; ++i)
    scope += (i ? " " : "") + std::string("patient/Patient.r?a=") + std::to_string(i);
  for (const std::string& yaml :
       {"registration:\n  max_scope: \"" + scope + "\"\n",
        "registration:\n  initial_access_tokens:\n    - generate: true\n      max_scope: \"" +
            scope + "\"\n      description: d\n",
        client("    token_endpoint_auth_method: none\n    redirect_uris: [https://a.example/cb]\n"
               "    scope: \"" +
               scope + "\"\n")}) {
    const LoadResult result = load(yaml);
    CHECK_FALSE(result.config.has_value());
    REQUIRE(rendered(result).size() == 1);
    CHECK_THAT(rendered(result)[0], Catch::Contains("scope: too many scopes (101; at most 100)"));
  }
}

TEST_CASE("client_credentials static clients may use the secret methods once they are listed",
          "[config][clients]") {  // BACKEND-1
  const LoadResult result =
      load(client("    client_secret: " + kSecret + "\n    grant_types: [client_credentials]\n") +
           "tokens:\n  client_credentials_auth_methods: [private_key_jwt, client_secret_basic]\n");
  INFO(Catch::Detail::stringify(rendered(result)));
  CHECK(result.config.has_value());
}

TEST_CASE("integer keys of client_auth are range-checked", "[config][clients]") {
  auto [key, bad] = GENERATE(table<std::string, std::string>({
      {"assertion_max_lifetime_s", "3601"},
      {"clock_skew_s", "601"},
      {"jwks_fetch_timeout_ms", "0"},
      {"jwks_max_bytes", "1023"},
  }));
  const LoadResult result = load("client_auth:\n  " + key + ": " + bad + "\n");
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].key_path == "client_auth." + key);
}

}  // namespace
}  // namespace sa::config
