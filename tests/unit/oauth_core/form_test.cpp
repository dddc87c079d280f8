// Form parsing as the token, introspection and revocation endpoints read it (RFC 6749 §3.1,
// §3.2): the decoding itself is url/query's; these check what OAuth adds on top.
#include "oauth_core/form.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace sa::oauth {
namespace {

TEST_CASE("a form body is decoded and an empty value counts as absent", "[oauth][form]") {
  auto form = Form::parse("grant_type=client_credentials&scope=system%2F*.rs+openid&state=");
  REQUIRE(form);
  CHECK(form->get("grant_type") == "client_credentials");
  CHECK(form->get("scope") == "system/*.rs openid");
  CHECK_FALSE(form->has("state"));  // RFC 6749 §3.1: empty values are treated as omitted
}

TEST_CASE("a repeated or badly encoded parameter is an invalid_request naming the problem",
          "[oauth][form]") {
  // TOKEN-10 / RFC 6749 §3.1, §3.2.
  auto [body, description] = GENERATE(table<std::string, std::string>({
      {"scope=a&scope=b", "parameter scope is repeated"},
      {"scope=&scope=b", "parameter scope is repeated"},
      {"scope=a%2", "malformed form encoding"},
      {"sc%zzope=a", "malformed form encoding"},
  }));
  CAPTURE(body);
  auto form = Form::parse(body);
  REQUIRE_FALSE(form);
  CHECK(form.error().code == ErrorCode::invalid_request);
  CHECK(form.error().description == description);
}

TEST_CASE("a form with more parameters than any OAuth request has is refused", "[oauth][form]") {
  std::string body = "grant_type=client_credentials";
  for (int i = 0; i < 100; ++i) body += "&p" + std::to_string(i) + "=x";
  auto form = Form::parse(body);
  REQUIRE_FALSE(form);
  CHECK(form.error().code == ErrorCode::invalid_request);
  CHECK(form.error().description == "too many parameters");
}

}  // namespace
}  // namespace sa::oauth
