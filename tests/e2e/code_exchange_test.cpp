// grant_type=authorization_code end to end: a standalone and an EHR launch down to an access
// token and an id_token that verify with nothing but the JWKS, the launch context in the token
// response, and every way a code exchange must fail (RFC 6749 §4.1.3, RFC 7636 §4.6), over
// HTTPS against the real binary.
#include <catch2/catch.hpp>

#include "crypto/hash.hpp"
#include "token_flow_support.hpp"

using namespace sa::test;

namespace {

const std::string kAppScope =
    "launch launch/patient launch/encounter openid fhirUser profile patient/*.rs user/*.rs "
    "offline_access online_access";
const std::string kPatientScope =
    "launch/patient openid fhirUser profile patient/*.rs offline_access";

}  // namespace

TEST_CASE("a standalone launch ends in an access token and id_token a FHIR server can verify",
          "[token][code]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto code = f.standalone_code(browser, client_id, kPatientScope, {{"nonce", "n-0S6_WzA2Mj"}});

  // TOKEN-1, TOKEN-3b: a public app sends client_id, redirect_uri and code_verifier.
  auto r = f.exchange(code, client_id);
  INFO(r.body);
  REQUIRE(r.status == 200);
  check_uncacheable(r);  // TOKEN-7
  REQUIRE(r.header("Content-Type")->rfind("application/json", 0) == 0);
  auto body = parse_json(r.body);
  // TOKEN-5, TOKEN-6, TOKEN-8: Bearer, numeric expires_in of an hour, the granted scope.
  CHECK(std::string(body["token_type"].GetString()) == "Bearer");
  REQUIRE(body["expires_in"].IsInt64());
  CHECK(body["expires_in"].GetInt64() == 3600);
  CHECK(std::string(body["scope"].GetString()) == kPatientScope);
  // REFRESH-1: offline_access granted to an app registered for refresh_token.
  REQUIRE(body["refresh_token"].IsString());
  CHECK(std::string(body["refresh_token"].GetString()).size() >= 43);  // 256 bits
  // TOKEN-9, SMART launch context: the patient user's own record, and the standalone hints.
  CHECK(std::string(body["patient"].GetString()) == "1001");
  CHECK(body["need_patient_banner"].GetBool());
  REQUIRE(body["smart_style_url"].IsString());
  CHECK_FALSE(body.HasMember("encounter"));
  // The exchange was one durable write among the store's figures on /metrics (issue 6 §4).
  const auto metrics = f.service.client->get("/metrics").body;
  CHECK(metrics.find("smart_auth_store_writes_total ") != std::string::npos);
  CHECK(metrics.find("smart_auth_store_commits_total ") != std::string::npos);
  CHECK(metrics.find("smart_auth_store_writes_total 0\n") == std::string::npos);

  // ATFMT-1 / RFC 9068: an at+jwt for the FHIR base, with the context a FHIR server needs.
  const std::string access_token = body["access_token"].GetString();
  CHECK(parse_json(jws_part_json(access_token, 0))["typ"].GetString() == std::string("at+jwt"));
  auto at = f.verified_payload(access_token);
  CHECK(std::string(at["iss"].GetString()) == "https://localhost:8443");
  CHECK(std::string(at["aud"].GetString()) == kFhirBase);
  CHECK(std::string(at["sub"].GetString()) == "pat-jones");
  CHECK(std::string(at["client_id"].GetString()) == client_id);
  CHECK(std::string(at["scope"].GetString()) == kPatientScope);
  CHECK(std::string(at["patient"].GetString()) == "1001");
  CHECK(std::string(at["fhirUser"].GetString()) == std::string(kFhirBase) + "/Patient/1001");
  CHECK(at["exp"].GetInt64() - at["iat"].GetInt64() == 3600);

  // OIDC-1..7: RS256 with a kid in the JWKS, aud = client_id, sub, nonce, fhirUser, name.
  REQUIRE(body["id_token"].IsString());
  const std::string id_token = body["id_token"].GetString();
  auto header = parse_json(jws_part_json(id_token, 0));
  CHECK(std::string(header["alg"].GetString()) == "RS256");
  REQUIRE(header.HasMember("kid"));
  auto id = f.verified_payload(id_token);
  CHECK(std::string(id["iss"].GetString()) == "https://localhost:8443");  // OIDC-10
  CHECK(std::string(id["aud"].GetString()) == client_id);
  CHECK(std::string(id["sub"].GetString()) == "pat-jones");
  CHECK(std::string(id["nonce"].GetString()) == "n-0S6_WzA2Mj");
  CHECK(std::string(id["fhirUser"].GetString()) == std::string(kFhirBase) + "/Patient/1001");
  CHECK(std::string(id["name"].GetString()) == "Emily Jones");
  CHECK(id["auth_time"].IsInt64());
  CHECK(id["exp"].GetInt64() > id["iat"].GetInt64());

  // OIDC-10: the same issuer as discovery.
  auto discovery = parse_json(f.service.client->get("/.well-known/openid-configuration").body);
  CHECK(std::string(discovery["issuer"].GetString()) == id["iss"].GetString());

  // TOKEN-13: the record carries the grant and the JWT's hash; a grants row was written.
  CHECK(f.sql("SELECT token_hash FROM access_tokens WHERE jti = ?1", jti_of(access_token)) ==
        sa::crypto::sha256_b64url(access_token));
  auto grant_id = f.sql("SELECT grant_id FROM access_tokens WHERE jti = ?1", jti_of(access_token));
  REQUIRE(grant_id);
  CHECK(f.sql("SELECT refresh_kind FROM grants WHERE grant_id = ?1", *grant_id) ==
        std::optional<std::string>("offline"));
  // Nothing secret in the log.
  CHECK(f.service.process.log().find(access_token) == std::string::npos);
  CHECK(f.service.process.log().find(body["refresh_token"].GetString()) == std::string::npos);
}

TEST_CASE("an EHR launch returns the context the EHR gave, in the response and the token",
          "[token][code][launch]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto launch = f.create_launch(
      R"({"user":"prac-smith","patient":"1002","encounter":"e1",)"
      R"("fhirContext":[{"reference":"DiagnosticReport/7"}],"intent":"reconcile-medications",)"
      R"("need_patient_banner":false,"smart_style_url":"https://ehr.example/style.json"})");
  auto browser = f.browser();
  auto scope = "launch openid fhirUser patient/*.rs online_access";
  auto consent = browser.get(f.authorize_url(client_id, scope, {{"launch", launch}}));
  auto code = TokenFixture::code_of(approve_all(browser, consent));

  auto r = f.exchange(code, client_id);
  INFO(r.body);
  REQUIRE(r.status == 200);
  check_uncacheable(r);
  auto body = parse_json(r.body);
  // SMART App Launch 2.2 "Launch context": exactly what the launch stored.
  CHECK(std::string(body["patient"].GetString()) == "1002");
  CHECK(std::string(body["encounter"].GetString()) == "e1");
  REQUIRE(body["fhirContext"].IsArray());
  CHECK(std::string(body["fhirContext"][0]["reference"].GetString()) == "DiagnosticReport/7");
  CHECK(std::string(body["intent"].GetString()) == "reconcile-medications");
  CHECK_FALSE(body["need_patient_banner"].GetBool());
  CHECK(std::string(body["smart_style_url"].GetString()) == "https://ehr.example/style.json");
  // REFRESH-10: online_access ends with a login session; the EHR vouched for the user without
  // one, so there is nothing to bind a refresh token to.
  CHECK_FALSE(body.HasMember("refresh_token"));

  auto at = f.verified_payload(body["access_token"].GetString());
  CHECK(std::string(at["patient"].GetString()) == "1002");
  CHECK(std::string(at["encounter"].GetString()) == "e1");
  CHECK(std::string(at["sub"].GetString()) == "prac-smith");
  CHECK(std::string(at["fhirUser"].GetString()) ==
        std::string(kFhirBase) + "/Practitioner/prac-smith");
  auto id = f.verified_payload(body["id_token"].GetString());
  CHECK(std::string(id["sub"].GetString()) == at["sub"].GetString());
  CHECK_FALSE(id.HasMember("nonce"));  // OIDC-7: none was sent
  CHECK_FALSE(id.HasMember("name"));   // profile was not asked for
  // A grants row even without a refresh token (userinfo and revocation by grant read it).
  auto grant_id = f.sql("SELECT grant_id FROM access_tokens WHERE jti = ?1",
                        jti_of(body["access_token"].GetString()));
  REQUIRE(grant_id);
  CHECK(f.sql("SELECT refresh_kind FROM grants WHERE grant_id = ?1", *grant_id) ==
        std::optional<std::string>("none"));
}

TEST_CASE("a code used twice is refused and revokes everything issued from it", "[token][code]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto code = f.standalone_code(browser, client_id, kPatientScope);
  auto first = f.exchange(code, client_id);
  REQUIRE(first.status == 200);
  auto body = parse_json(first.body);
  const std::string jti = jti_of(body["access_token"].GetString());
  const std::string refresh_token = body["refresh_token"].GetString();
  REQUIRE_FALSE(f.sql("SELECT revoked_at FROM access_tokens WHERE jti = ?1", jti));

  // TOKEN-4: the replay is invalid_grant (400) ...
  auto replay = f.exchange(code, client_id);
  CHECK(replay.status == 400);
  CHECK(error_of(replay) == "invalid_grant");
  check_uncacheable(replay);
  // ... and the first exchange's access token, grant and refresh token are revoked: one grant
  // row says so for all of them (migration 0009).
  CHECK(
      f.sql("SELECT g.revoked_at FROM access_tokens a JOIN grants g USING (grant_id) "
            "WHERE a.jti = ?1",
            jti));
  auto grant_id = f.sql("SELECT grant_id FROM access_tokens WHERE jti = ?1", jti);
  REQUIRE(grant_id);
  CHECK(f.sql("SELECT revoked_at FROM grants WHERE grant_id = ?1", *grant_id));
  auto refreshed = f.refresh(refresh_token, client_id);
  CHECK(refreshed.status == 400);
  CHECK(error_of(refreshed) == "invalid_grant");
  CHECK(find_audit_event(f.service.process.log(), "code_reuse", "grant_id", *grant_id));
}

TEST_CASE("a wrong, missing or malformed code_verifier is invalid_grant", "[token][code][pkce]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto code = f.standalone_code(browser, client_id, kPatientScope);
  // PKCE-3: wrong, missing, blank, the challenge itself; PKCE-4: too short, bad characters.
  auto verifier = GENERATE(as<std::string>{}, "wrong-verifier-0000000000000000000000000000000", "",
                           "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "short",
                           "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+");
  INFO("code_verifier=" << verifier);
  auto r = f.exchange(code, client_id, {{"code_verifier", verifier}});
  CHECK(r.status == 400);
  CHECK(error_of(r) == "invalid_grant");
  check_uncacheable(r);
  // The code is still good for the app that holds the verifier.
  if (verifier.empty()) CHECK(f.exchange(code, client_id).status == 200);
}

TEST_CASE("a wrong or missing redirect_uri is invalid_grant", "[token][code]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto code = f.standalone_code(browser, client_id, kPatientScope);
  // TOKEN-2: identical to the authorization request's, and required since it was sent there.
  auto redirect = GENERATE(as<std::string>{}, "https://app.example/callback2",
                           "https://app.example/callback?x=1", "");
  INFO("redirect_uri=" << redirect);
  auto r = f.exchange(code, client_id, {{"redirect_uri", redirect}});
  CHECK(r.status == 400);
  CHECK(error_of(r) == "invalid_grant");
}

TEST_CASE("another client's code is invalid_grant and revokes nothing", "[token][code]") {
  TokenFixture f;
  auto owner = f.register_public_app(kAppScope);
  auto thief = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto code = f.standalone_code(browser, owner, kPatientScope);
  // TOKEN-2: issued to this client, or refused.
  auto stolen = f.exchange(code, thief);
  CHECK(stolen.status == 400);
  CHECK(error_of(stolen) == "invalid_grant");
  // The owner's exchange is unaffected.
  CHECK(f.exchange(code, owner).status == 200);
}

TEST_CASE("an unknown or expired code is invalid_grant", "[token][code]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  // TOKEN-2 (g10 "fails when supplied invalid code"): exactly 400.
  auto unknown = f.exchange("not-a-code-0000000000000000000000000000000000", client_id);
  CHECK(unknown.status == 400);
  CHECK(error_of(unknown) == "invalid_grant");
  auto missing = f.exchange("", client_id);
  CHECK(missing.status == 400);
  CHECK(error_of(missing) == "invalid_request");

  auto browser = f.browser();
  auto code = f.standalone_code(browser, client_id, kPatientScope);
  // The code's minute is over (set in the store rather than waited for).
  f.sql("UPDATE authorization_codes SET expires_at = issued_at - 1 WHERE code_hash = ?1",
        sa::crypto::sha256_b64url(code));
  auto expired = f.exchange(code, client_id);
  CHECK(expired.status == 400);
  CHECK(error_of(expired) == "invalid_grant");
}

TEST_CASE("a public app must name itself with client_id", "[token][code]") {
  TokenFixture f;
  auto client_id = f.register_public_app(kAppScope);
  auto browser = f.browser();
  auto code = f.standalone_code(browser, client_id, kPatientScope);
  // TOKEN-3b: required for public clients; TOKEN-3: an unknown one is refused.
  auto anonymous = f.exchange(code, client_id, {{"client_id", ""}});
  CHECK((anonymous.status == 400 || anonymous.status == 401));
  CHECK(error_of(anonymous) == "invalid_client");
  auto unknown = f.exchange(code, client_id, {{"client_id", "no-such-client"}});
  CHECK((unknown.status == 400 || unknown.status == 401));
  CHECK(error_of(unknown) == "invalid_client");
  CHECK(f.exchange(code, client_id).status == 200);
}

TEST_CASE("a backend client may use neither authorization_code nor refresh_token",
          "[token][code]") {
  const std::string iat = "e2e-initial-access-token-0123456789-abcdef";
  TokenFixture f(backend_config(iat, "system/*.rs"));
  auto res = f.service.client->request(
      "POST", "/auth/register",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + iat}},
      R"({"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic",)"
      R"("scope":"system/*.rs"})");
  INFO(res.body);
  REQUIRE(res.status == 201);
  auto doc = parse_json(res.body);
  const std::string id = doc["client_id"].GetString();
  const std::string secret = doc["client_secret"].GetString();
  std::vector<std::pair<std::string, std::string>> basic = {
      {"Authorization", "Basic " + b64(id + ":" + secret)}};
  // RFC 6749 §5.2 unauthorized_client: not a grant type the client registered.
  auto code = f.post_token({{"grant_type", "authorization_code"},
                            {"code", "whatever-code"},
                            {"redirect_uri", kRedirect},
                            {"code_verifier", kVerifier}},
                           {}, basic);
  CHECK(code.status == 400);
  CHECK(error_of(code) == "unauthorized_client");
  auto refresh =
      f.post_token({{"grant_type", "refresh_token"}, {"refresh_token", "whatever"}}, {}, basic);
  CHECK(refresh.status == 400);
  CHECK(error_of(refresh) == "unauthorized_client");
}

TEST_CASE("a confidential app redeems its code with its secret, client_id in the body or not",
          "[token][code]") {
  TokenFixture f;
  auto r = f.service.client->request(
      "POST", "/auth/register", {{"Content-Type", "application/json"}},
      std::string(R"({"client_name":"Confidential App","redirect_uris":[")") + kRedirect +
          R"("],"token_endpoint_auth_method":"client_secret_basic",)"
          R"("grant_types":["authorization_code","refresh_token"],"response_types":["code"],)"
          R"("scope":")" +
          kAppScope + R"("})");
  INFO(r.body);
  REQUIRE(r.status == 201);
  auto doc = parse_json(r.body);
  const std::string id = doc["client_id"].GetString();
  const std::string secret = doc["client_secret"].GetString();
  std::vector<std::pair<std::string, std::string>> basic = {
      {"Authorization", "Basic " + b64(id + ":" + secret)}};
  auto browser = f.browser();
  Fields exchange = {{"grant_type", "authorization_code"},
                     {"redirect_uri", kRedirect},
                     {"code_verifier", kVerifier}};

  // TOKEN-3b: a confidential app may leave client_id out ...
  auto code = f.standalone_code(browser, id, kPatientScope);
  auto without = f.post_token(exchange, {{"code", code}}, basic);
  INFO(without.body);
  CHECK(without.status == 200);
  // ... or send its own.
  code = f.standalone_code(browser, id, kPatientScope);
  auto with = f.post_token(exchange, {{"code", code}, {"client_id", id}}, basic);
  INFO(with.body);
  CHECK(with.status == 200);
  // A wrong secret is invalid_client, 401 with a Basic challenge (RFC 6749 §5.2).
  code = f.standalone_code(browser, id, kPatientScope);
  auto wrong = f.post_token(exchange, {{"code", code}},
                            {{"Authorization", "Basic " + b64(id + ":wrong-secret")}});
  CHECK(wrong.status == 401);
  CHECK(error_of(wrong) == "invalid_client");
  REQUIRE(wrong.header("WWW-Authenticate"));
  // The refresh token answers to the same authentication only (REFRESH-3).
  auto refresh_token = std::string(parse_json(with.body)["refresh_token"].GetString());
  CHECK(f.post_token({{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}}, {}, basic)
            .status == 200);
}
