// The __Host- cookies of the authorization pages: reading (RFC 6265 §5.4) and writing
// (RFC 6265bis §4.1.3.2), and the constant-time comparison of the secrets they carry.
#include "authorize/cookies.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace sa;
using namespace sa::authorize;

namespace {

http::Request with_cookies(std::vector<std::string> values) {
  http::Request request;
  for (auto& value : values) request.headers.push_back({"Cookie", std::move(value)});
  return request;
}

}  // namespace

TEST_CASE("a cookie is read from the Cookie header however it is spaced and quoted", "[cookies]") {
  // AUTHZ-14: the transaction is bound to the browser by this cookie.
  struct Row {
    std::vector<std::string> headers;
    std::optional<std::string> expected;
  };
  auto row = GENERATE(values<Row>({
      {{"__Host-smart-auth-txn=abc"}, "abc"},
      {{"a=1; __Host-smart-auth-txn=abc; b=2"}, "abc"},
      {{"a=1;__Host-smart-auth-txn=abc"}, "abc"},
      {{"a=1 ;  __Host-smart-auth-txn = abc  ; b=2"}, "abc"},
      {{"a=1;\t__Host-smart-auth-txn=abc"}, "abc"},
      {{"__Host-smart-auth-txn=\"abc\""}, "abc"},
      {{"__Host-smart-auth-txn="}, ""},
      {{"__Host-smart-auth-txn=a=b"}, "a=b"},
      {{"a=1", "__Host-smart-auth-txn=second-header"}, "second-header"},
      {{"__Host-smart-auth-txn=first; __Host-smart-auth-txn=second"}, "first"},
      {{"__host-smart-auth-txn=case"}, std::nullopt},
      {{"smart-auth-txn=no-prefix"}, std::nullopt},
      {{"x__Host-smart-auth-txn=longer-name"}, std::nullopt},
      {{"__Host-smart-auth-txn"}, std::nullopt},
      {{""}, std::nullopt},
      {{}, std::nullopt},
  }));
  INFO((row.headers.empty() ? std::string("(no header)") : row.headers.front()));
  CHECK(read_cookie(with_cookies(row.headers), kTransactionCookie) == row.expected);
}

TEST_CASE("the Cookie header name is matched without case", "[cookies]") {
  http::Request request;
  request.headers.push_back({"cookie", "__Host-smart-auth-session=s1"});
  CHECK(read_cookie(request, kSessionCookie) == "s1");
}

TEST_CASE("a __Host- cookie is written Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain",
          "[cookies]") {
  // AUTHZ-14
  CHECK(set_cookie(kTransactionCookie, "t0k3n", std::nullopt) ==
        "__Host-smart-auth-txn=t0k3n; Path=/; Secure; HttpOnly; SameSite=Lax");
  CHECK(set_cookie(kSessionCookie, "s", 3600) ==
        "__Host-smart-auth-session=s; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600");
  CHECK(clear_cookie(kTransactionCookie) ==
        "__Host-smart-auth-txn=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0");
  CHECK(set_cookie(kSessionCookie, "s", -5).find("Max-Age=0") != std::string::npos);
}

TEST_CASE("a cookie value that would split the header or the cookie is refused", "[cookies]") {
  auto value =
      GENERATE(as<std::string>{}, "a;b", "a b", "a\r\nSet-Cookie: x=y", "a\"b", "a,b", "a\\b");
  CHECK_THROWS_AS(set_cookie(kTransactionCookie, value, std::nullopt), std::invalid_argument);
  CHECK_THROWS_AS(set_cookie("bad name", "v", std::nullopt), std::invalid_argument);
}

TEST_CASE("secrets compare equal only when identical", "[cookies]") {
  CHECK(secrets_equal("abcdef", "abcdef"));
  CHECK(secrets_equal("", ""));
  CHECK_FALSE(secrets_equal("abcdef", "abcdeg"));
  CHECK_FALSE(secrets_equal("abcdef", "bbcdef"));
  CHECK_FALSE(secrets_equal("abcdef", "abcde"));
  CHECK_FALSE(secrets_equal("abc", "abcdef"));
  CHECK_FALSE(secrets_equal("", "a"));
}
