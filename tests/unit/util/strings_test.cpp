#include "util/strings.hpp"

#include <catch2/catch.hpp>

TEST_CASE("iequals ignores ASCII case only", "[strings]") {
  CHECK(sa::iequals("Bearer", "bEARER"));
  CHECK_FALSE(sa::iequals("Bearer", "Bearer "));
  CHECK_FALSE(sa::iequals("\xc3\x89", "\xc3\xa9"));  // É vs é: not ASCII, not folded
  CHECK(sa::to_lower("Content-Type") == "content-type");
}

TEST_CASE("trim removes spaces and tabs at both ends", "[strings]") {
  CHECK(sa::trim("  a b\t") == "a b");
  CHECK(sa::trim("\t \t").empty());
  CHECK(sa::trim("") == "");
}

TEST_CASE("has_item finds a whole space-separated item, never a part of one", "[strings]") {
  CHECK(sa::has_item("openid fhirUser offline_access", "openid"));
  CHECK(sa::has_item("openid fhirUser offline_access", "offline_access"));
  CHECK_FALSE(sa::has_item("openid fhirUser offline_access", "fhir"));
  CHECK_FALSE(sa::has_item("launch/patient", "launch"));
  CHECK_FALSE(sa::has_item("", "openid"));
  CHECK(sa::has_item("a  b", "b"));
}

TEST_CASE("split keeps empty pieces", "[strings]") {
  using V = std::vector<std::string_view>;
  CHECK(sa::split("a.b.c", '.') == V{"a", "b", "c"});
  CHECK(sa::split("a..", '.') == V{"a", "", ""});
  CHECK(sa::split("", '.') == V{""});
}

TEST_CASE("form_decode turns plus into space and decodes escapes", "[strings]") {
  std::string out;
  CHECK(sa::form_decode("a+b%20c%2Bd%2b", out));
  CHECK(out == "a b c+d+");
  CHECK(sa::form_decode("%41", out));
  CHECK(out == "A");
  CHECK(sa::form_decode("", out));
  CHECK(out.empty());
}

TEST_CASE("form_decode rejects truncated or non-hex escapes", "[strings]") {
  std::string out;
  auto bad = GENERATE("%", "%4", "a%4", "%zz", "%4g", "%%41");
  CHECK_FALSE(sa::form_decode(bad, out));
}

TEST_CASE("url_encode leaves only RFC 3986 unreserved characters bare", "[strings]") {
  CHECK(sa::url_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(sa::url_encode("a b&c=d/e?") == "a%20b%26c%3Dd%2Fe%3F");
  CHECK(sa::url_encode("\xc3\xa9") == "%C3%A9");
  std::string decoded;
  REQUIRE(sa::form_decode(sa::url_encode("x+y z%"), decoded));
  CHECK(decoded == "x+y z%");
}
