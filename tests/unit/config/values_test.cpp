#include "config/values.hpp"

#include <catch2/catch.hpp>

namespace sa::config {
namespace {

TEST_CASE("host:port parses names, IPv4 and bracketed IPv6", "[config][values]") {
  auto [text, host, port] = GENERATE(table<std::string, std::string, int>({
      {"127.0.0.1:8443", "127.0.0.1", 8443},
      {"0.0.0.0:0", "0.0.0.0", 0},
      {"localhost:65535", "localhost", 65535},
      {"auth.example.org:443", "auth.example.org", 443},
      {"[::1]:8443", "::1", 8443},
      {"[::]:80", "::", 80},
      {"[2001:db8::10]:8443", "2001:db8::10", 8443},
  }));
  CAPTURE(text);
  auto endpoint = parse_endpoint(text);
  REQUIRE(endpoint.has_value());
  CHECK(endpoint->host == host);
  CHECK(endpoint->port == port);
}

TEST_CASE("host:port rejects what a listener could not bind", "[config][values]") {
  auto text = GENERATE(as<std::string>{}, "8443x", "8443", "localhost", ":8443",
                       "localhost:", "localhost:65536", "localhost:-1", "localhost:+80",
                       "localhost:80x", "::1:8443", "[::1]", "[::1]8443", "[nothost]:80", "[::1:80",
                       "local host:80", "host/x:80", "localhost:99999999999999999999999");
  CAPTURE(text);
  CHECK_FALSE(parse_endpoint(text).has_value());
}

TEST_CASE("an unbracketed IPv6 address is explained", "[config][values]") {
  CHECK(parse_endpoint("::1:8443").error() ==
        "expected host:port, but it needs brackets around an IPv6 address, as in [::1]:8443");
}

TEST_CASE("integers are plain decimal digits inside their range", "[config][values]") {
  const IntRange range{1, 64};
  auto [text, ok] = GENERATE(table<std::string, bool>({
      {"1", true},
      {"64", true},
      {"007", true},
      {"0", false},
      {"65", false},
      {"-1", false},
      {"+5", false},
      {"1.0", false},
      {"1e3", false},
      {"0x10", false},
      {" 5", false},
      {"", false},
      {"4294967296", false},
      {"99999999999999999999999", false},
      {"five", false},
  }));
  CAPTURE(text);
  CHECK(parse_uint(text, range).has_value() == ok);
}

TEST_CASE("an integer range describes itself", "[config][values]") {
  CHECK(describe({0, 1024}) == "an integer from 0 to 1024");
  CHECK(describe({1}) == "an integer >= 1");
  CHECK(parse_uint("4294967295", {1}).value() == 4294967295U);
}

TEST_CASE("booleans are only true or false", "[config][values]") {
  CHECK(parse_bool("true").value());
  CHECK_FALSE(parse_bool("false").value());
  auto text = GENERATE(as<std::string>{}, "yes", "no", "on", "off", "1", "0", "True", "FALSE", "");
  CAPTURE(text);
  CHECK(parse_bool(text).error() == "expected true or false");
}

TEST_CASE("a supported scope is one RFC 6749 scope token", "[config][values]") {
  auto [text, ok] = GENERATE(table<std::string, bool>({
      {"openid", true},
      {"patient/*.rs", true},
      {"launch/patient", true},
      {"user/Observation.rs?category=laboratory", true},
      {"", false},
      {"two scopes", false},
      {"quote\"d", false},
      {"back\\slash", false},
      {"tab\tbed", false},
  }));
  CAPTURE(text);
  CHECK(!check_scope_token(text).has_value() == ok);
}

TEST_CASE("enum values are matched exactly", "[config][values]") {
  CHECK(parse_access_token_alg("ES256").value() == AccessTokenAlg::ES256);
  CHECK(parse_access_token_alg("RS256").value() == AccessTokenAlg::RS256);
  CHECK_FALSE(parse_access_token_alg("es256").has_value());
  CHECK_FALSE(parse_access_token_alg("HS256").has_value());
  CHECK(parse_log_level("warn").value() == LogLevel::warn);
  CHECK(parse_log_level("trace").value() == LogLevel::trace);
  CHECK_FALSE(parse_log_level("warning").has_value());
  CHECK_FALSE(parse_log_level("INFO").has_value());
}

}  // namespace
}  // namespace sa::config
