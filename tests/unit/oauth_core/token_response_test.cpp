// The token response body (RFC 6749 §5.1, SMART App Launch 2.2): exact JSON for issued tokens,
// launch context members as siblings, and valid JSON whatever a token holds.
#include "oauth_core/token_response.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace sa::oauth {
namespace {

TEST_CASE("the token response writes issued tokens and the launch context", "[token_response]") {
  TokenResponse body{.access_token = "eyJh.eyJz-_.c2ln",
                     .expires_in = 3600,
                     .scope = "launch/patient patient/*.rs",
                     .refresh_token = "6553f100000001AAEC",
                     .id_token = "a.b.c",
                     .context_json = R"({"patient":"123","need_patient_banner":true})"};
  const auto response = token_response(body);
  CHECK(response.status == 200);
  // TOKEN-5, TOKEN-9, CTX-1, CTX-4: the members, in order, the context's as siblings.
  CHECK(response.body ==
        R"({"access_token":"eyJh.eyJz-_.c2ln","token_type":"Bearer","expires_in":3600,)"
        R"("scope":"launch/patient patient/*.rs","refresh_token":"6553f100000001AAEC",)"
        R"("id_token":"a.b.c","patient":"123","need_patient_banner":true})");
}

TEST_CASE("a token outside the base64url-and-dot alphabet is escaped", "[token_response]") {
  TokenResponse body{.access_token = "a\"b\\c", .expires_in = 60, .scope = "openid"};
  CHECK(token_response(body).body ==
        R"({"access_token":"a\"b\\c","token_type":"Bearer","expires_in":60,"scope":"openid"})");
  body.access_token.clear();  // empty: still a JSON string
  CHECK(token_response(body).body ==
        R"({"access_token":"","token_type":"Bearer","expires_in":60,"scope":"openid"})");
}

}  // namespace
}  // namespace sa::oauth
