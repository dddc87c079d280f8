// The audit log survives a crash: every audit line reaches the output before the decision it
// records is acted on, so a SIGKILL right after a registration or a token response loses none.
// (The audit channel flushes every line itself; spdlog 1.10's stdout sink also happens to, so
// this test guards the guarantee against a change of sink: with a buffering sink and no flush it
// fails.)
#include <signal.h>

#include "e2e/running_service.hpp"
#include "support/jose_check.hpp"

using namespace sa::test;

namespace {

const std::string kIat(40, 'K');
const std::string kYaml = backend_config(kIat, "system/*.rs");

}  // namespace

TEST_CASE("audit lines for a registration and an issued token survive a SIGKILL",
          "[e2e][audit]") {  // issue 6 (audit durability): no checklist ID covers audit logging
  RunningService svc({}, kYaml);
  auto reg = svc.client->request(
      "POST", "/auth/register",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kIat}},
      R"({"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic",)"
      R"("scope":"system/*.rs"})");
  INFO(reg.body);
  REQUIRE(reg.status == 201);
  auto doc = parse_json(reg.body);
  const std::string client_id = doc["client_id"].GetString();
  const std::string secret = doc["client_secret"].GetString();
  auto token =
      svc.client->post_form("/auth/token", "grant_type=client_credentials&scope=system/*.rs",
                            {{"Authorization", "Basic " + b64(client_id + ":" + secret)}});
  INFO(token.body);
  REQUIRE(token.status == 200);
  const std::string jti =
      parse_json(jws_part_json(parse_json(token.body)["access_token"].GetString(), 1))["jti"]
          .GetString();

  // No graceful shutdown: whatever was only buffered is gone.
  REQUIRE(svc.process.stop(SIGKILL).signal == SIGKILL);
  const std::string log = svc.process.log();
  INFO(log);
  CHECK(find_audit_event(log, "client_registered", "client_id", client_id));
  auto issued = find_audit_event(log, "token_issued", "jti", jti);
  REQUIRE(issued);
  CHECK(issued->get("client_id") == client_id);
}
