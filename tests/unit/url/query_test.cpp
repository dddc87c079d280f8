// Query strings: parsing a request's query or form body, and adding the authorization response
// parameters to a registered redirect URI.
#include "url/query.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace sa::url {
namespace {

constexpr QueryLimits kLimits{.max_params = 8, .max_length = 256};

std::vector<std::pair<std::string, std::string>> pairs(std::string_view encoded) {
  auto parsed = parse_query(encoded, kLimits);
  INFO((parsed ? std::string() : describe(parsed.error())));
  REQUIRE(parsed);
  std::vector<std::pair<std::string, std::string>> out;
  for (const QueryParam& p : *parsed) out.emplace_back(p.name, p.value);
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("a query string becomes its name/value pairs in order, decoded as a form",
          "[url][query]") {
  CHECK(pairs("") == Pairs{});
  CHECK(pairs("b=2&a=1") == Pairs{{"b", "2"}, {"a", "1"}});
  CHECK(pairs("scope=openid+patient%2F*.rs") == Pairs{{"scope", "openid patient/*.rs"}});
  CHECK(pairs("state=a%2Bb+c%20d") == Pairs{{"state", "a+b c d"}});
  CHECK(pairs("x=%e2%82%ac") == Pairs{{"x", "\xe2\x82\xac"}});
  CHECK(pairs("x=a=b") == Pairs{{"x", "a=b"}});
  CHECK(pairs("flag&x=") == Pairs{{"flag", ""}, {"x", ""}});
  CHECK(pairs("&&a=1&&") == Pairs{{"a", "1"}});
  CHECK(pairs("x%3Dy=1") == Pairs{{"x=y", "1"}});
  // Browsers leave '|', '[', ']' unencoded in a query (AUTHZ-15: granular scopes use '|').
  CHECK(pairs("scope=patient/Observation.rs?category=a|b&x=[1]") ==
        Pairs{{"scope", "patient/Observation.rs?category=a|b"}, {"x", "[1]"}});
}

TEST_CASE("a parameter sent twice is an error naming it", "[url][query]") {
  // RFC 6749 §3.1: parameters MUST NOT be included more than once.
  auto text = GENERATE(as<std::string>{}, "state=a&state=b", "state=&state=b", "st%61te=a&state=b",
                       "state&state");
  CAPTURE(text);
  auto parsed = parse_query(text, kLimits);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().failure == QueryFailure::repeated_param);
  CHECK(parsed.error().name == "state");
  CHECK(describe(parsed.error()) == "parameter state is repeated");
}

TEST_CASE("a '%' not followed by two hex digits is malformed", "[url][query]") {
  auto text =
      GENERATE(as<std::string>{}, "x=%", "x=%4", "x=%zz", "x=%4g&y=1", "%=1", "a%2=1", "x=100%");
  CAPTURE(text);
  auto parsed = parse_query(text, kLimits);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().failure == QueryFailure::bad_percent_encoding);
  CHECK(describe(parsed.error()) == "malformed percent-encoding");
}

TEST_CASE("the parameter count and the length are bounded by the caller", "[url][query]") {
  const std::string eight = "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8";
  CHECK(parse_query(eight, kLimits));
  CHECK(parse_query(eight + "&&&", kLimits));  // empty pieces are not parameters
  auto nine = parse_query(eight + "&i=9", kLimits);
  REQUIRE_FALSE(nine);
  CHECK(nine.error().failure == QueryFailure::too_many_params);

  CHECK(parse_query("x=" + std::string(254, 'a'), kLimits));
  auto long_one = parse_query("x=" + std::string(255, 'a'), kLimits);
  REQUIRE_FALSE(long_one);
  CHECK(long_one.error().failure == QueryFailure::too_long);
}

TEST_CASE("response parameters are appended to the redirect URI, escaped, keeping its query",
          "[url][query]") {
  // AUTHZ-9 / RFC 6749 §3.1.2 (retain the query), §4.1.2.
  const std::vector<QueryParam> code_and_state{{"code", "c0de"}, {"state", "a b+c&d=e#f/?%"}};
  auto [uri, expected] = GENERATE_REF(table<std::string, std::string>({
      {"https://app.example/cb",
       "https://app.example/cb?code=c0de&state=a%20b%2Bc%26d%3De%23f%2F%3F%25"},
      {"https://app.example/cb?tenant=1",
       "https://app.example/cb?tenant=1&code=c0de&state=a%20b%2Bc%26d%3De%23f%2F%3F%25"},
      {"https://app.example/cb?",
       "https://app.example/cb?code=c0de&state=a%20b%2Bc%26d%3De%23f%2F%3F%25"},
      {"https://app.example/cb?a=%2B&",
       "https://app.example/cb?a=%2B&code=c0de&state=a%20b%2Bc%26d%3De%23f%2F%3F%25"},
      {"http://127.0.0.1:9000",
       "http://127.0.0.1:9000?code=c0de&state=a%20b%2Bc%26d%3De%23f%2F%3F%25"},
      {"https://app.example/cb#keep",
       "https://app.example/cb?code=c0de&state=a%20b%2Bc%26d%3De%23f%2F%3F%25#keep"},
  }));
  CAPTURE(uri);
  CHECK(add_query_params(uri, code_and_state).value_or("") == expected);
}

TEST_CASE("what add_query_params writes, parse_query reads back unchanged", "[url][query]") {
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
  const std::vector<QueryParam> params{{"error", "invalid_request"},
                                       {"error_description", every_byte},
                                       {"state", "\xe2\x82\xac +%"},
                                       {"iss", "https://as.example/smart"}};
  auto url = add_query_params("https://app.example/cb?client=x", params);
  REQUIRE(url);
  const std::string query = url->substr(url->find('?') + 1);
  auto parsed = parse_query(query, {.max_params = 8, .max_length = 4096});
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 5);
  CHECK((*parsed)[0].value == "x");
  for (std::size_t i = 0; i < params.size(); ++i) {
    CHECK((*parsed)[i + 1].name == params[i].name);
    CHECK((*parsed)[i + 1].value == params[i].value);
  }
}

TEST_CASE("no parameters leave the URL as it is; a URL that does not parse gives nothing",
          "[url][query]") {
  CHECK(add_query_params("https://app.example/cb", {}) == "https://app.example/cb");
  CHECK_FALSE(add_query_params("/relative/cb", std::vector<QueryParam>{{"code", "x"}}));
  CHECK_FALSE(add_query_params("https://a.example/c b", std::vector<QueryParam>{{"code", "x"}}));
}

TEST_CASE("an id becomes one path segment, whatever characters it holds", "[url][query]") {
  // CONTRACT "User directory adapter": GET {base}/users/{id} must ask for that user, not a path
  // an id with '/', '?' or '#' could build.
  CHECK(encode_path_segment("u-1.x_~") == "u-1.x_~");
  CHECK(encode_path_segment("a/b") == "a%2Fb");
  CHECK(encode_path_segment("../admin?x=1#f") == "..%2Fadmin%3Fx%3D1%23f");
  CHECK(encode_path_segment("50% off") == "50%25%20off");
  CHECK(encode_path_segment("é") == "%C3%A9");
  CHECK(encode_path_segment("") == std::nullopt);
  CHECK(encode_path_segment(".") == std::nullopt);
  CHECK(encode_path_segment("..") == std::nullopt);
}

}  // namespace
}  // namespace sa::url
