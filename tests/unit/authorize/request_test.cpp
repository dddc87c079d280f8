// Reading and checking the authorization request: which problems get an HTML page (client and
// redirect_uri not yet trusted) and which go back to the app as a redirect with an error code.
#include "authorize/request.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "util/strings.hpp"

namespace sa::authorize {
namespace {

using oauth::ErrorCode;

constexpr std::string_view kRedirect = "https://app.example/cb";
constexpr std::string_view kFhir = "https://ehr.example/fhir";
// RFC 7636 Appendix B.
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

clients::ClientRecord app() {
  clients::ClientRecord client;
  client.client_id = "app";
  client.grant_types = {"authorization_code", "refresh_token"};
  client.redirect_uris = {std::string(kRedirect)};
  client.scope = "openid fhirUser launch/patient patient/*.rs";
  return client;
}

const RequestSettings kSettings{.fhir_base_url = std::string(kFhir),
                                .accepted_fhir_base_urls = {"https://ehr.example/r4"}};

using Fields = std::map<std::string, std::string>;

Fields valid_fields() {
  return {{"response_type", "code"},
          {"client_id", "app"},
          {"redirect_uri", std::string(kRedirect)},
          {"scope", "openid launch/patient patient/*.rs"},
          {"state", "af0ifjsldkj"},
          {"aud", std::string(kFhir)},
          {"code_challenge", std::string(kChallenge)},
          {"code_challenge_method", "S256"}};
}

std::string encode(const Fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += url_encode(name) + "=" + url_encode(value);
  }
  return out;
}

http::Request get(std::string query) {
  http::Request request;
  request.method = http::Method::GET;
  request.path = "/auth/authorize";
  request.target = request.path + "?" + query;
  request.query = std::move(query);
  return request;
}

http::Request post(std::string body, std::string content_type) {
  http::Request request;
  request.method = http::Method::POST;
  request.path = request.target = "/auth/authorize";
  request.headers.push_back({"Content-Type", std::move(content_type)});
  request.body = std::move(body);
  return request;
}

struct Page {
  int status;
};
struct Redirect {
  std::string uri;
  ErrorCode code;
  std::string description;
};
using Outcome = std::variant<Page, Redirect, AuthorizationRequest>;

// What the endpoint does with these functions, the client lookup faked by one known client.
Outcome run(const http::Request& request, const clients::ClientRecord& client = app()) {
  auto params = read_params(request);
  if (!params) return Page{params.error().status};
  auto client_id = param(*params, "client_id");
  if (!client_id || *client_id != client.client_id) return Page{400};
  auto redirect_uri = resolve_redirect_uri(*params, client);
  if (!redirect_uri) return Page{redirect_uri.error().status};
  auto checked = validate_request(*params, *redirect_uri, client, kSettings);
  if (!checked) {
    return Redirect{*redirect_uri, checked.error().code, checked.error().description};
  }
  return *checked;
}

Outcome run(const Fields& fields) { return run(get(encode(fields))); }

TEST_CASE("a complete request is accepted and read into its parts", "[authorize][request]") {
  auto outcome = run(valid_fields());
  REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
  const auto& request = std::get<AuthorizationRequest>(outcome);
  CHECK(request.client_id == "app");
  CHECK(request.redirect_uri == kRedirect);
  CHECK(request.redirect_uri_sent);
  CHECK(request.state == std::optional<std::string>("af0ifjsldkj"));
  CHECK(request.scope == "openid launch/patient patient/*.rs");
  CHECK(request.aud == kFhir);
  CHECK(request.code_challenge == kChallenge);
  CHECK_FALSE(request.launch);
  CHECK_FALSE(request.nonce);
  CHECK_FALSE(request.prompt_none);
  CHECK_FALSE(request.max_age);
}

TEST_CASE("a request whose client or redirect_uri is not known good gets a page, never a redirect",
          "[authorize][request]") {
  // AUTHZ-4 (RFC 6749 §4.1.2.1, RFC 9700 §4.11): no open redirector. AUTHZ-3: exact string match.
  auto [what, name, value] = GENERATE(table<std::string, std::string, std::optional<std::string>>({
      {"missing client_id", "client_id", std::nullopt},
      {"unknown client_id", "client_id", "other-app"},
      {"unregistered redirect_uri", "redirect_uri", "https://evil.example/cb"},
      {"prefix of the registered one", "redirect_uri", "https://app.example/c"},
      {"registered one with more path", "redirect_uri", "https://app.example/cb/more"},
      {"different case", "redirect_uri", "https://APP.example/cb"},
      {"trailing slash", "redirect_uri", "https://app.example/cb/"},
      {"fragment added", "redirect_uri", "https://app.example/cb#x"},
      {"query added", "redirect_uri", "https://app.example/cb?x=1"},
      {"explicit default port", "redirect_uri", "https://app.example:443/cb"},
  }));
  CAPTURE(what);
  Fields fields = valid_fields();
  if (value) {
    fields[name] = *value;
  } else {
    fields.erase(name);
  }
  auto outcome = run(fields);
  REQUIRE(std::holds_alternative<Page>(outcome));
  CHECK(std::get<Page>(outcome).status == 400);
}

TEST_CASE("malformed parameters get a page, never a redirect", "[authorize][request]") {
  const std::string valid = encode(valid_fields());
  auto [what, query, status] = GENERATE_COPY(table<std::string, std::string, int>({
      // AUTHZ-8, RFC 6749 §3.1: a repeated parameter, even the state or an empty one.
      {"state repeated", valid + "&state=again", 400},
      {"redirect_uri repeated", valid + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb", 400},
      {"empty value repeated", valid + "&nonce=&nonce=", 400},
      {"bad percent-encoding", valid + "&nonce=%zz", 400},
      {"too many parameters",
       valid +
           [] {
             std::string extra;
             for (std::size_t i = 0; i < kMaxParams; ++i) extra += "&x" + std::to_string(i) + "=1";
             return extra;
           }(),
       400},
      // AUTHZ-15 bounds it, at 8 KB.
      {"query over 8 KB", valid + "&nonce=" + std::string(kMaxQueryBytes, 'n'), 414},
  }));
  CAPTURE(what);
  auto outcome = run(get(query));
  REQUIRE(std::holds_alternative<Page>(outcome));
  CHECK(std::get<Page>(outcome).status == status);
}

TEST_CASE("once client and redirect_uri are good, every problem goes back to the app",
          "[authorize][request]") {
  // AUTHZ-5: the error codes of RFC 6749 §4.1.2.1, each on a redirect.
  const std::string long_challenge(129, 'a');
  auto [what, name, value, code] =
      GENERATE_COPY(table<std::string, std::string, std::optional<std::string>, ErrorCode>({
          // AUTHZ-2: response_type=code.
          {"response_type missing", "response_type", std::nullopt, ErrorCode::invalid_request},
          {"implicit flow", "response_type", "token", ErrorCode::unsupported_response_type},
          {"hybrid flow", "response_type", "code id_token", ErrorCode::unsupported_response_type},
          {"response_type empty (omitted)", "response_type", "", ErrorCode::invalid_request},
          // AUTHZ-2: scope and state.
          {"scope missing", "scope", std::nullopt, ErrorCode::invalid_scope},
          {"state missing", "state", std::nullopt, ErrorCode::invalid_request},
          {"state over 2048 bytes", "state", std::string(2049, 's'), ErrorCode::invalid_request},
          // AUTHZ-6: aud must be this server's FHIR base, byte for byte.
          {"aud missing", "aud", std::nullopt, ErrorCode::invalid_request},
          {"aud of another server", "aud", "https://inferno.healthit.gov/invalid_aud",
           ErrorCode::invalid_request},
          {"aud with a trailing slash", "aud", "https://ehr.example/fhir/",
           ErrorCode::invalid_request},
          // PKCE-1, PKCE-2: S256 only, a missing method means plain.
          {"method plain", "code_challenge_method", "plain", ErrorCode::invalid_request},
          {"method missing", "code_challenge_method", std::nullopt, ErrorCode::invalid_request},
          {"method unknown", "code_challenge_method", "S512", ErrorCode::invalid_request},
          {"method in lower case", "code_challenge_method", "s256", ErrorCode::invalid_request},
          {"challenge missing", "code_challenge", std::nullopt, ErrorCode::invalid_request},
          // PKCE-4 (RFC 7636 §4.2): 43-128 unreserved characters.
          {"challenge of 42", "code_challenge", std::string(42, 'a'), ErrorCode::invalid_request},
          {"challenge of 129", "code_challenge", long_challenge, ErrorCode::invalid_request},
          {"challenge with '+'", "code_challenge", std::string(42, 'a') + "+",
           ErrorCode::invalid_request},
          {"challenge with '='", "code_challenge", std::string(42, 'a') + "=",
           ErrorCode::invalid_request},
          // AUTHZ-13, OIDC Core §3.1.2.1: prompt values and combinations, max_age.
          {"prompt unknown", "prompt", "always", ErrorCode::invalid_request},
          {"prompt none with login", "prompt", "none login", ErrorCode::invalid_request},
          {"prompt consent with none", "prompt", "consent none", ErrorCode::invalid_request},
          {"max_age negative", "max_age", "-1", ErrorCode::invalid_request},
          {"max_age not a number", "max_age", "1h", ErrorCode::invalid_request},
          {"max_age with a sign", "max_age", "+5", ErrorCode::invalid_request},
          {"max_age too large", "max_age", "99999999999999999999", ErrorCode::invalid_request},
          {"nonce over 512 bytes", "nonce", std::string(513, 'n'), ErrorCode::invalid_request},
          {"launch over 512 bytes", "launch", std::string(513, 'l'), ErrorCode::invalid_request},
      }));
  CAPTURE(what);
  Fields fields = valid_fields();
  if (value) {
    fields[name] = *value;
  } else {
    fields.erase(name);
  }
  auto outcome = run(fields);
  REQUIRE(std::holds_alternative<Redirect>(outcome));
  const auto& redirect = std::get<Redirect>(outcome);
  CHECK(redirect.uri == kRedirect);
  CHECK(oauth::to_string(redirect.code) == oauth::to_string(code));
  CHECK_FALSE(redirect.description.empty());
}

TEST_CASE("a client not registered for the code grant is unauthorized_client",
          "[authorize][request]") {
  // AUTHZ-5.
  clients::ClientRecord backend = app();
  backend.grant_types = {"client_credentials"};
  auto outcome = run(get(encode(valid_fields())), backend);
  REQUIRE(std::holds_alternative<Redirect>(outcome));
  CHECK(std::get<Redirect>(outcome).code == ErrorCode::unauthorized_client);
}

TEST_CASE("response_type is checked before anything else the app sent", "[authorize][request]") {
  // RFC 6749 §4.1.2.1: the first problem found is the one reported.
  Fields fields = valid_fields();
  fields["response_type"] = "token";
  fields.erase("aud");
  fields.erase("code_challenge");
  auto outcome = run(fields);
  REQUIRE(std::holds_alternative<Redirect>(outcome));
  CHECK(std::get<Redirect>(outcome).code == ErrorCode::unsupported_response_type);
}

TEST_CASE("redirect_uri may be left out only when exactly one is registered",
          "[authorize][request]") {
  // AUTHZ-3, RFC 6749 §3.1.2.3.
  Fields fields = valid_fields();
  fields.erase("redirect_uri");
  SECTION("one registered: it is used, and the code remembers it was not sent") {
    auto outcome = run(fields);
    REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
    CHECK(std::get<AuthorizationRequest>(outcome).redirect_uri == kRedirect);
    CHECK_FALSE(std::get<AuthorizationRequest>(outcome).redirect_uri_sent);
  }
  SECTION("several registered: a page") {
    clients::ClientRecord client = app();
    client.redirect_uris.push_back("https://app.example/other");
    auto outcome = run(get(encode(fields)), client);
    REQUIRE(std::holds_alternative<Page>(outcome));
  }
  SECTION("none registered: a page") {
    clients::ClientRecord client = app();
    client.redirect_uris.clear();
    REQUIRE(std::holds_alternative<Page>(run(get(encode(fields)), client)));
  }
  SECTION("several registered and one of them sent: that one") {
    clients::ClientRecord client = app();
    client.redirect_uris.insert(client.redirect_uris.begin(), "https://app.example/other");
    auto outcome = run(get(encode(valid_fields())), client);
    REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
    CHECK(std::get<AuthorizationRequest>(outcome).redirect_uri == kRedirect);
  }
}

TEST_CASE("a registered redirect_uri the URL rules refuse is never redirected to",
          "[authorize][request]") {
  // AUTHZ-4, RFC 6749 §3.1.2: e.g. a fragment that slipped into an old registration.
  clients::ClientRecord client = app();
  client.redirect_uris = {"https://app.example/cb#frag"};
  Fields fields = valid_fields();
  fields["redirect_uri"] = "https://app.example/cb#frag";
  REQUIRE(std::holds_alternative<Page>(run(get(encode(fields)), client)));
  fields.erase("redirect_uri");
  REQUIRE(std::holds_alternative<Page>(run(get(encode(fields)), client)));
}

TEST_CASE("empty parameters count as omitted and unknown ones are ignored",
          "[authorize][request]") {
  // AUTHZ-8, RFC 6749 §3.1.
  Fields fields = valid_fields();
  fields["nonce"] = "";
  fields["launch"] = "";
  fields["login_hint"] = "someone";
  fields["x-unknown"] = "whatever";
  auto outcome = run(fields);
  REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
  CHECK_FALSE(std::get<AuthorizationRequest>(outcome).nonce);
  CHECK_FALSE(std::get<AuthorizationRequest>(outcome).launch);

  fields["state"] = "";
  auto without_state = run(fields);
  REQUIRE(std::holds_alternative<Redirect>(without_state));
  CHECK(std::get<Redirect>(without_state).code == ErrorCode::invalid_request);
}

TEST_CASE("the optional parameters are read when sent", "[authorize][request]") {
  Fields fields = valid_fields();
  fields["nonce"] = "n-0S6_WzA2Mj";
  fields["launch"] = "xyz123";
  fields["max_age"] = "0";
  fields["state"] = std::string(2048, 's');  // the bound itself is fine
  fields["code_challenge"] = std::string(128, '~');
  SECTION("prompt login consent") {
    fields["prompt"] = "login consent";
    auto outcome = run(fields);
    REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
    const auto& request = std::get<AuthorizationRequest>(outcome);
    CHECK(request.nonce == std::optional<std::string>("n-0S6_WzA2Mj"));
    CHECK(request.launch == std::optional<std::string>("xyz123"));
    CHECK(request.max_age == std::optional<std::int64_t>(0));
    CHECK(request.state->size() == 2048);
    CHECK(request.code_challenge.size() == 128);
    CHECK(request.prompt_login);
    CHECK(request.prompt_consent);
    CHECK_FALSE(request.prompt_none);
    CHECK_FALSE(request.prompt_select_account);
  }
  SECTION("prompt none alone") {
    fields["prompt"] = "none";
    auto outcome = run(fields);
    REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
    CHECK(std::get<AuthorizationRequest>(outcome).prompt_none);
  }
  SECTION("prompt select_account") {
    fields["prompt"] = "select_account";
    auto outcome = run(fields);
    REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
    CHECK(std::get<AuthorizationRequest>(outcome).prompt_select_account);
  }
}

TEST_CASE("aud may be any accepted FHIR base, and resource stands in for a missing aud",
          "[authorize][request]") {
  Fields fields = valid_fields();
  SECTION("an extra accepted base") {
    fields["aud"] = "https://ehr.example/r4";
    auto outcome = run(fields);
    REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
    CHECK(std::get<AuthorizationRequest>(outcome).aud == "https://ehr.example/r4");
  }
  SECTION("resource without aud (AUTHZ-7)") {
    fields.erase("aud");
    fields["resource"] = std::string(kFhir);
    auto outcome = run(fields);
    REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
    CHECK(std::get<AuthorizationRequest>(outcome).aud == kFhir);
  }
  SECTION("aud wins over resource, and is checked (AUTHZ-6)") {
    fields["aud"] = "https://other.example/fhir";
    fields["resource"] = std::string(kFhir);
    REQUIRE(std::holds_alternative<Redirect>(run(fields)));
  }
  SECTION("a wrong resource is refused like a wrong aud") {
    fields.erase("aud");
    fields["resource"] = "https://other.example/fhir";
    REQUIRE(std::holds_alternative<Redirect>(run(fields)));
  }
}

TEST_CASE("a form POST is read like a query", "[authorize][request]") {
  // AUTHZ-1: GET and POST (application/x-www-form-urlencoded).
  const std::string body = encode(valid_fields());
  SECTION("with a charset parameter") {
    auto outcome = run(post(body, "application/x-www-form-urlencoded; charset=UTF-8"));
    REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
  }
  SECTION("the query of a POST is not read") {
    http::Request request = post(body, "application/x-www-form-urlencoded");
    request.query = "state=from-the-query";
    auto outcome = run(request);
    REQUIRE(std::holds_alternative<AuthorizationRequest>(outcome));
    CHECK(std::get<AuthorizationRequest>(outcome).state ==
          std::optional<std::string>("af0ifjsldkj"));
  }
  SECTION("another Content-Type is a page") {
    auto outcome = run(post(body, "application/json"));
    REQUIRE(std::holds_alternative<Page>(outcome));
    CHECK(std::get<Page>(outcome).status == 400);
  }
  SECTION("no Content-Type is a page") {
    http::Request request = post(body, "");
    request.headers.clear();
    REQUIRE(std::holds_alternative<Page>(run(request)));
  }
  SECTION("a body over 8 KB is 413") {
    auto outcome = run(post(body + "&nonce=" + std::string(kMaxQueryBytes, 'n'),
                            "application/x-www-form-urlencoded"));
    REQUIRE(std::holds_alternative<Page>(outcome));
    CHECK(std::get<Page>(outcome).status == 413);
  }
}

TEST_CASE("a method other than GET or POST is a page", "[authorize][request]") {
  http::Request request = get(encode(valid_fields()));
  request.method = http::Method::PUT;
  auto outcome = run(request);
  REQUIRE(std::holds_alternative<Page>(outcome));
  CHECK(std::get<Page>(outcome).status == 405);
}

TEST_CASE("a page error names the repeated parameter for the person and the log",
          "[authorize][request]") {
  auto params = read_params(get(encode(valid_fields()) + "&scope=again"));
  REQUIRE_FALSE(params);
  CHECK(params.error().message.find("scope") != std::string::npos);
  CHECK(params.error().internal.find("scope") != std::string::npos);
}

}  // namespace
}  // namespace sa::authorize
