// `smart-auth token revoke` (issue 9 "Operator commands", incident response) against a running
// server: a user's refresh and access tokens from the real authorize pages, and a backend
// client's tokens, introspect as active:false right after the CLI revokes them.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "e2e/ops_support.hpp"
#include "e2e/registration_support.hpp"
#include "token_flow_support.hpp"

namespace sa::test {
namespace {

const std::string kRsId = "ehr-fhir-server";
const std::string kRsSecret = "resource-server-secret-0123456789abcdef";
const std::string kScope = "launch/patient openid fhirUser patient/*.rs offline_access";

std::string config_extra() {
  return "introspection:\n  resource_servers:\n    - id: " + kRsId + "\n      secret: " +
         kRsSecret + "\n      description: e2e FHIR server\n" +
         "tokens:\n  client_credentials_auth_methods: [private_key_jwt, client_secret_basic]\n";
}

struct RevokeFixture : TokenFixture {
  RevokeFixture() : TokenFixture(config_extra()) {}
  std::filesystem::path config() const { return service.dir.path() / "smart-auth.yaml"; }
  bool active(const std::string& token) {
    auto r = service.client->post_form("/auth/introspect", form_of({{"token", token}}),
                                       {{"Authorization", basic_auth(kRsId, kRsSecret)}});
    INFO(r.body);
    REQUIRE(r.status == 200);
    return parse_json(r.body)["active"].GetBool();
  }
  struct Pair {
    std::string access, refresh, sub;
  };
  Pair user_tokens(const std::string& client_id) {
    auto browser = this->browser();
    auto r = exchange(standalone_code(browser, client_id, kScope), client_id);
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto body = parse_json(r.body);
    Pair p{body["access_token"].GetString(), body["refresh_token"].GetString(), ""};
    p.sub = parse_json(jws_part_json(p.access, 1))["sub"].GetString();
    return p;
  }
};

TEST_CASE("token revoke --user ends that user's refresh and access tokens at once",
          "[ops][token]") {
  RevokeFixture f;
  auto client_id = f.register_public_app(kScope);
  auto pair = f.user_tokens(client_id);
  REQUIRE(f.active(pair.access));
  REQUIRE(f.active(pair.refresh));

  auto out = smart_auth(f.config(), {"token", "revoke", "--user", pair.sub}, 2);
  INFO(out.output);
  REQUIRE(out.status.exit_code == 0);
  CHECK(contains(out.output, "user " + pair.sub + ": revoked 1 grants, 1 refresh tokens, "
                                                  "1 access-token records"));
  CHECK(contains(out.output, "verifiable offline until they expire"));
  CHECK(contains(out.output, R"("event":"tokens_revoked_by_operator","actor":"operator")"));

  // No cache in front of grants and token records: introspection sees it on the next request.
  CHECK_FALSE(f.active(pair.access));
  CHECK_FALSE(f.active(pair.refresh));
  CHECK(f.refresh(pair.refresh, client_id).status == 400);
  // The login session went too: the next authorize shows the login page again.
  auto browser = f.browser();
  auto again = browser.get(f.authorize_url(client_id, kScope));
  CHECK(again.status == 200);
}

TEST_CASE("token revoke --client ends a client's tokens, user and client_credentials alike",
          "[ops][token]") {
  RevokeFixture f;
  Client backend = add_backend_client(f.config(), "backend");
  auto cc = f.service.client->post_form(
      "/auth/token", form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
      {{"Authorization", backend.basic()}});
  INFO(cc.body);
  REQUIRE(cc.status == 200);
  const std::string token = parse_json(cc.body)["access_token"].GetString();
  REQUIRE(f.active(token));

  auto out = smart_auth(f.config(), {"token", "revoke", "--client", backend.client_id}, 2);
  INFO(out.output);
  REQUIRE(out.status.exit_code == 0);
  // client_credentials tokens are not recorded (migration 0010): the client's cut-off ends them.
  CHECK(contains(out.output, "client " + backend.client_id + ": revoked 0 grants, 0 refresh "
                                                             "tokens, 0 access-token records"));
  CHECK(contains(out.output, "ended every client_credentials token issued until now"));
  CHECK_FALSE(f.active(token));

  // The client itself may go on: a token issued after the cut-off's second is active.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto next = f.service.client->post_form(
      "/auth/token", form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
      {{"Authorization", backend.basic()}});
  REQUIRE(next.status == 200);
  CHECK(f.active(parse_json(next.body)["access_token"].GetString()));
  CHECK_FALSE(f.active(token));
}

}  // namespace
}  // namespace sa::test
