// The two answers sent to the app's redirect_uri: a code or an error, each with state (when the
// app sent one) and iss.
#include "authorize/redirect.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>
#include <string>

#include "url/query.hpp"

namespace sa::authorize {
namespace {

constexpr std::string_view kIssuer = "https://auth.example/auth";

// The query of a redirect, decoded, so the values can be compared with what went in.
std::map<std::string, std::string> query_of(const std::string& uri) {
  auto q = uri.find('?');
  REQUIRE(q != std::string::npos);
  REQUIRE(uri.find('#') == std::string::npos);
  auto params = url::parse_query(uri.substr(q + 1), {.max_params = 16, .max_length = 8192});
  REQUIRE(params);
  std::map<std::string, std::string> out;
  for (auto& p : *params) out.emplace(p.name, p.value);
  return out;
}

TEST_CASE("a code goes back with the app's state and our iss", "[authorize][redirect]") {
  // AUTHZ-9: code and the unmodified state; AUTHZ-10 (RFC 9207 §2): iss.
  CHECK(code_redirect("https://app.example/cb", "c0de", std::string("af0ifjsldkj"), kIssuer) ==
        "https://app.example/cb?code=c0de&state=af0ifjsldkj&iss=https%3A%2F%2Fauth.example%2Fauth");
}

TEST_CASE("state comes back byte for byte, whatever it holds", "[authorize][redirect]") {
  // AUTHZ-9: Inferno resumes only on the exact state.
  const std::string state = GENERATE(as<std::string>{}, "a b+c&d=e#f", "%41", "é/?|", "~-._");
  auto query = query_of(code_redirect("https://app.example/cb", "c", state, kIssuer));
  CHECK(query.at("state") == state);
  CHECK(query.at("iss") == kIssuer);
}

TEST_CASE("no state goes back when the app sent none", "[authorize][redirect]") {
  // RFC 6749 §4.1.2: state only "if the state parameter was present in the request".
  auto code = query_of(code_redirect("https://app.example/cb", "c", std::nullopt, kIssuer));
  CHECK_FALSE(code.contains("state"));
  CHECK(code.at("iss") == kIssuer);
  auto error = query_of(error_redirect("https://app.example/cb",
                                       {oauth::ErrorCode::invalid_request, "state is required", {}},
                                       std::nullopt, kIssuer));
  CHECK_FALSE(error.contains("state"));
  CHECK(error.at("iss") == kIssuer);
}

TEST_CASE("an error goes back with its code, description, state and iss", "[authorize][redirect]") {
  // AUTHZ-5, AUTHZ-10.
  const RedirectError error{oauth::ErrorCode::access_denied, "the user said no", "internal detail"};
  auto uri = error_redirect("https://app.example/cb", error, std::string("xyz"), kIssuer);
  CHECK(uri ==
        "https://app.example/cb?error=access_denied&error_description=the%20user%20said%20no"
        "&state=xyz&iss=https%3A%2F%2Fauth.example%2Fauth");
  CHECK(uri.find("internal") == std::string::npos);
}

TEST_CASE("an error without a description has no error_description", "[authorize][redirect]") {
  auto query =
      query_of(error_redirect("https://app.example/cb", {oauth::ErrorCode::server_error, "", ""},
                              std::string("s"), kIssuer));
  CHECK(query.at("error") == "server_error");
  CHECK_FALSE(query.contains("error_description"));
}

TEST_CASE("the registered URI's own query is kept", "[authorize][redirect]") {
  // RFC 6749 §3.1.2: the endpoint URI's query MUST be retained.
  CHECK(code_redirect("https://app.example/cb?tenant=a%20b", "c", std::string("s"), kIssuer) ==
        "https://app.example/cb?tenant=a%20b&code=c&state=s&iss=https%3A%2F%2Fauth.example%2Fauth");
  CHECK(code_redirect("http://127.0.0.1:8080/cb?x=1", "c", std::nullopt, kIssuer) ==
        "http://127.0.0.1:8080/cb?x=1&code=c&iss=https%3A%2F%2Fauth.example%2Fauth");
}

TEST_CASE("a fragment never leaves with the redirect", "[authorize][redirect]") {
  // RFC 6749 §3.1.2: the endpoint URI MUST NOT include a fragment (resolve_redirect_uri refuses
  // one too).
  auto uri = code_redirect("https://app.example/cb#section", "c", std::string("s"), kIssuer);
  CHECK(uri == "https://app.example/cb?code=c&state=s&iss=https%3A%2F%2Fauth.example%2Fauth");
}

TEST_CASE("a URI that is not absolute is a bug, not a redirect", "[authorize][redirect]") {
  CHECK_THROWS_AS(code_redirect("/cb", "c", std::nullopt, kIssuer), std::invalid_argument);
}

}  // namespace
}  // namespace sa::authorize
