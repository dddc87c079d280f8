// SMART Backend Services end to end: clients registered over RFC 7591, then
// grant_type=client_credentials with client_secret_basic/_post and private_key_jwt (inline
// JWKS and a jwks_uri on a local HTTPS server); every failure case; the issued token checked by
// an independent OpenSSL verifier using only the JWKS.
#include <signal.h>

#include <chrono>
#include <functional>
#include <future>
#include <latch>
#include <random>

#include "e2e/registration_support.hpp"
#include "e2e/running_service.hpp"
#include "support/jose_check.hpp"
#include "support/local_https_server.hpp"
#include "support/test_keys.hpp"

using namespace sa::test;

namespace {

const std::string kAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const std::string kTokenUrl = "https://localhost:8443/auth/token";  // default public_base_url

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string fresh_jti() {
  static std::mt19937_64 rng(std::random_device{}());
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

struct AssertionSpec {
  std::string iss, sub, aud = kTokenUrl, jti = fresh_jti(), alg, kid, jku;
  std::int64_t exp = now() + 300;
  bool with_exp = true;
};

std::string make_assertion(const TestKey& key, AssertionSpec spec) {
  if (spec.alg.empty()) spec.alg = key.alg;
  if (spec.kid.empty()) spec.kid = key.kid;
  std::string header = R"({"alg":")" + spec.alg + R"(","kid":")" + spec.kid + R"(","typ":"JWT")";
  if (!spec.jku.empty()) header += R"(,"jku":")" + spec.jku + "\"";
  header += "}";
  std::string payload = R"({"iss":")" + spec.iss + R"(","sub":")" + spec.sub + R"(","aud":")" +
                        spec.aud + R"(")";
  if (!spec.jti.empty()) payload += R"(,"jti":")" + spec.jti + "\"";
  if (spec.with_exp) payload += R"(,"exp":)" + std::to_string(spec.exp);
  payload += "}";
  return sign_jws_with_pem(key.private_pem, spec.alg[0] == 'H' ? "RS256" : spec.alg, header,
                           payload);
}

// CONTRACT "Registration policy": system/ scopes and client_credentials need an initial access
// token, and the secret methods must be turned on for client_credentials (as the demo config
// does). Every test here registers with this token on a service configured so.
const std::string kIat = "backend-services-e2e-initial-access-token";
const std::string kBackend = backend_config(
    kIat, "system/*.cruds", "private_key_jwt, client_secret_basic, client_secret_post");

Client register_client(HttpsClient& client, const std::string& metadata) {
  return register_client_with(client, metadata, kIat);
}

std::string basic(const Client& c) { return c.basic(); }

std::string error_of(const HttpResponse& res) {
  auto doc = parse_json(res.body);
  return doc["error"].GetString();
}

HttpResponse token_with_assertion(HttpsClient& client, const std::string& assertion,
                                  const std::string& scope = "system/*.rs") {
  return client.post_form("/auth/token", form_of({{"grant_type", "client_credentials"},
                                                  {"scope", scope},
                                                  {"client_assertion_type", kAssertionType},
                                                  {"client_assertion", assertion}}));
}

const std::string kSecretClient =
    R"({"client_name":"bulk export","grant_types":["client_credentials"],)"
    R"("token_endpoint_auth_method":"client_secret_basic","scope":"system/*.rs"})";

std::string jwt_client(const std::string& jwks_member, const std::string& scope = "system/*.rs") {
  return R"({"client_name":"backend","grant_types":["client_credentials"],)"
         R"("token_endpoint_auth_method":"private_key_jwt","scope":")" +
         scope + R"(",)" + jwks_member + "}";
}

}  // namespace

TEST_CASE("a client_secret_basic client gets a system token that verifies with only the JWKS",
          "[backend]") {  // BACKEND-1, BACKEND-5, TOKEN-7, ATFMT-1
  RunningService svc({}, kBackend);
  auto client = register_client(*svc.client, kSecretClient);
  auto res = svc.client->post_form(
      "/auth/token", form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
      {{"Authorization", basic(client)}});
  INFO(res.body);
  REQUIRE(res.status == 200);
  REQUIRE(res.header("Cache-Control") == "no-store");
  REQUIRE(res.header("Pragma") == "no-cache");
  auto doc = parse_json(res.body);
  REQUIRE(std::string(doc["token_type"].GetString()) == "Bearer");
  REQUIRE(doc["expires_in"].IsInt64());
  REQUIRE(doc["expires_in"].GetInt64() <= 300);
  REQUIRE(std::string(doc["scope"].GetString()) == "system/*.rs");
  REQUIRE_FALSE(doc.HasMember("refresh_token"));  // BACKEND-6

  std::string token = doc["access_token"].GetString();
  auto jwks = svc.client->get("/.well-known/jwks.json").body;
  auto jwk = find_jwk_for(token, jwks);
  REQUIRE(jwk);
  REQUIRE(verify_jws_with_jwk(token, *jwk) == "");
  auto header = parse_json(jws_part_json(token, 0));
  REQUIRE(std::string(header["typ"].GetString()) == "at+jwt");  // RFC 9068 §2.1
  REQUIRE(std::string(header["alg"].GetString()) == "ES256");
  auto claims = parse_json(jws_part_json(token, 1));
  REQUIRE(std::string(claims["iss"].GetString()) == "https://localhost:8443");
  REQUIRE(std::string(claims["sub"].GetString()) == client.client_id);
  REQUIRE(std::string(claims["client_id"].GetString()) == client.client_id);
  REQUIRE(std::string(claims["aud"].GetString()) == "https://localhost:8443/fhir");
  REQUIRE(std::string(claims["scope"].GetString()) == "system/*.rs");
  REQUIRE(claims["exp"].GetInt64() - claims["iat"].GetInt64() == doc["expires_in"].GetInt64());
  REQUIRE(claims.HasMember("jti"));
}

TEST_CASE("client_secret_post is accepted for a client registered with it", "[backend]") {
  RunningService svc({}, kBackend);
  auto client = register_client(
      *svc.client, R"({"grant_types":["client_credentials"],)"
                   R"("token_endpoint_auth_method":"client_secret_post","scope":"system/*.read"})");
  auto res =
      svc.client->post_form("/auth/token", form_of({{"grant_type", "client_credentials"},
                                                    {"scope", "system/Patient.read"},
                                                    {"client_id", client.client_id},
                                                    {"client_secret", client.client_secret}}));
  INFO(res.body);
  REQUIRE(res.status == 200);
  REQUIRE(std::string(parse_json(res.body)["scope"].GetString()) == "system/Patient.read");
}

TEST_CASE("the token is signed RS256 when keys.access_token_alg says so", "[backend]") {
  RunningService svc({}, "keys:\n  access_token_alg: RS256\n" + kBackend);
  auto client = register_client(*svc.client, kSecretClient);
  auto res = svc.client->post_form(
      "/auth/token", form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
      {{"Authorization", basic(client)}});
  REQUIRE(res.status == 200);
  std::string token = parse_json(res.body)["access_token"].GetString();
  REQUIRE(std::string(parse_json(jws_part_json(token, 0))["alg"].GetString()) == "RS256");
  auto jwk = find_jwk_for(token, svc.client->get("/.well-known/jwks.json").body);
  REQUIRE(verify_jws_with_jwk(token, *jwk) == "");
}

TEST_CASE("RS384 and ES384 client assertions with an inline JWKS are accepted",
          "[backend][assertion]") {  // CAUTH-4, CAUTH-9
  RunningService svc({}, kBackend);
  for (const char* alg : {"RS384", "ES384", "ES256", "RS256"}) {
    INFO(alg);
    auto key = make_test_key(alg, std::string("k-") + alg);
    auto client = register_client(*svc.client, jwt_client(R"("jwks":)" + jwks_of(key)));
    auto res = token_with_assertion(
        *svc.client, make_assertion(key, {.iss = client.client_id, .sub = client.client_id}));
    INFO(res.body);
    REQUIRE(res.status == 200);
  }
}

TEST_CASE("every bad client assertion is refused with invalid_client, for its own reason",
          "[backend][assertion]") {  // CAUTH-5..9, CAUTH-11, BACKEND-7, BACKEND-9
  RunningService svc({}, kBackend);
  auto key = make_test_key("ES384", "good");
  auto other = make_test_key("ES384", "good");  // same kid, a different key
  auto rsa = make_test_key("RS384", "rsa");
  auto client = register_client(*svc.client, jwt_client(R"("jwks":)" + jwks_of(key, rsa)));
  const std::string id = client.client_id;

  struct Case {
    const char* name;
    std::string assertion;
    const char* reason;  // what the audit log must say; the client only hears invalid_client
  };
  std::vector<Case> cases = {
      {"wrong aud", make_assertion(key, {.iss = id, .sub = id, .aud = "https://evil/token"}),
       "aud_mismatch"},
      {"expired", make_assertion(key, {.iss = id, .sub = id, .exp = now() - 120}), "expired"},
      {"exp too far ahead", make_assertion(key, {.iss = id, .sub = id, .exp = now() + 3600}),
       "exp_too_far"},
      {"no exp", make_assertion(key, {.iss = id, .sub = id, .with_exp = false}), "missing_exp"},
      {"no jti", make_assertion(key, {.iss = id, .sub = id, .jti = ""}), "missing_jti"},
      {"sub differs from iss", make_assertion(key, {.iss = id, .sub = "someone-else"}),
       "iss_sub_mismatch"},
      {"iss is not a client (Inferno's not_a_valid_iss)",
       make_assertion(key, {.iss = "not_a_valid_iss", .sub = id}), "unknown_client"},
      {"unknown client", make_assertion(key, {.iss = "nobody", .sub = "nobody"}),
       "unknown_client"},
      {"signed by another key", make_assertion(other, {.iss = id, .sub = id}), "bad_signature"},
      {"unknown kid", make_assertion(key, {.iss = id, .sub = id, .kid = "missing"}),
       "unknown_kid"},
      {"key type does not match alg",
       make_assertion(rsa, {.iss = id, .sub = id, .alg = "RS384", .kid = "good"}),
       "key_alg_mismatch"},
      {"jku not registered",
       make_assertion(key, {.iss = id, .sub = id, .jku = "https://attacker.example/jwks"}),
       "jku_mismatch"},
      {"not a JWT", "not.a.jwt", "malformed_assertion"},
  };
  // alg none and HS256: unsigned or MAC'd tokens are never accepted for private_key_jwt.
  std::string none_header = b64url(R"({"alg":"none","kid":"good","typ":"JWT"})");
  std::string body = b64url(R"({"iss":")" + id + R"(","sub":")" + id + R"(","aud":")" + kTokenUrl +
                            R"(","jti":"x1","exp":)" + std::to_string(now() + 200) + "}");
  cases.push_back({"alg none", none_header + "." + body + ".", "alg_none"});
  std::string hs_header = b64url(R"({"alg":"HS256","kid":"good","typ":"JWT"})");
  cases.push_back({"alg HS256", hs_header + "." + body + "." + b64url("mac"), "unsupported_alg"});

  for (const auto& c : cases) {
    INFO(c.name);
    auto res = token_with_assertion(*svc.client, c.assertion);
    INFO(res.body);
    REQUIRE(res.status == 400);
    REQUIRE(error_of(res) == "invalid_client");
    // Finding 2.6: the client learns nothing about which check failed.
    REQUIRE(std::string(parse_json(res.body)["error_description"].GetString()) ==
            "client authentication failed");
  }
  // Each case failed for the reason it was written for, not an earlier check: the audit log
  // (written in request order, complete once the service has stopped) says which.
  REQUIRE(svc.process.stop(SIGTERM).exit_code == 0);
  auto audited = audit_events(svc.process.log(), "client_auth_failed");
  REQUIRE(audited.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name);
    CHECK(audited[i].get("reason") == cases[i].reason);
    CHECK(audited[i].get("method") == "private_key_jwt");
  }
}

TEST_CASE("an assertion's jti cannot be replayed, even after a restart",
          "[backend][assertion]") {  // CAUTH-6
  TempDir dir;
  std::string config = test_config_yaml(dir.path(), {}, kBackend);
  auto key = make_test_key("ES384", "k1");
  std::string assertion;
  {
    ServiceProcess svc(dir.path(), config);
    REQUIRE(svc.wait_ready());
    HttpsClient client(svc.https_port(), svc.ca_file().string());
    auto reg = register_client(client, jwt_client(R"("jwks":)" + jwks_of(key)));
    assertion = make_assertion(key, {.iss = reg.client_id, .sub = reg.client_id});
    REQUIRE(token_with_assertion(client, assertion).status == 200);
    auto replay = token_with_assertion(client, assertion);
    REQUIRE(replay.status == 400);
    REQUIRE(error_of(replay) == "invalid_client");
    REQUIRE(svc.stop(SIGTERM).exit_code == 0);
  }
  ServiceProcess again(dir.path(), config);
  REQUIRE(again.wait_ready());
  HttpsClient client(again.https_port(), again.ca_file().string());
  REQUIRE(token_with_assertion(client, assertion).status == 400);
  REQUIRE(again.stop(SIGTERM).exit_code == 0);
  // Replays are caught in memory, which start-up fills from the jti log (migration 0011).
  CHECK(again.log().find(R"("replay_jtis_restored":1,)") != std::string::npos);
}

TEST_CASE(
    "of identical assertions sent at once exactly one gets a token; the rest are audited "
    "as replayed",
    "[backend][assertion]") {  // CAUTH-6: the jti commits with the token, in one write
  RunningService svc({}, kBackend);
  auto key = make_test_key("ES384", "k1");
  auto reg = register_client(*svc.client, jwt_client(R"("jwks":)" + jwks_of(key)));
  constexpr int kRounds = 4;
  int replays = 0;
  for (int round = 0; round < kRounds; ++round) {
    auto assertion = make_assertion(
        key, {.iss = reg.client_id, .sub = reg.client_id, .jti = "race-" + std::to_string(round)});
    // Both connections are open before either sends, and both send when the latch opens.
    HttpsClient a(svc.process.https_port(), svc.process.ca_file().string());
    HttpsClient b(svc.process.https_port(), svc.process.ca_file().string());
    REQUIRE(a.get("/.well-known/smart-configuration").status == 200);
    REQUIRE(b.get("/.well-known/smart-configuration").status == 200);
    std::latch go(2);
    auto send = [&](HttpsClient& c) {
      go.arrive_and_wait();
      return token_with_assertion(c, assertion);
    };
    auto first = std::async(std::launch::async, send, std::ref(a));
    auto second = std::async(std::launch::async, send, std::ref(b));
    std::vector<HttpResponse> answers = {first.get(), second.get()};
    int ok = 0;
    for (const auto& res : answers) {
      if (res.status == 200) {
        ++ok;
      } else {
        ++replays;
        CHECK(res.status == 400);
        CHECK(error_of(res) == "invalid_client");
      }
    }
    CHECK(ok == 1);
  }
  // A replay after the fact, too.
  auto late = make_assertion(key, {.iss = reg.client_id, .sub = reg.client_id, .jti = "race-0"});
  REQUIRE(token_with_assertion(*svc.client, late).status == 400);
  ++replays;
  REQUIRE(svc.process.stop(SIGTERM).exit_code == 0);
  auto issued = audit_events(svc.process.log(), "token_issued");
  CHECK(issued.size() == kRounds);
  auto refused = audit_events(svc.process.log(), "client_auth_failed");
  REQUIRE(refused.size() == static_cast<std::size_t>(replays));
  for (const auto& event : refused) {
    CHECK(event.get("reason") == "replayed");
    CHECK(event.get("client_id") == reg.client_id);
  }
}

TEST_CASE("a wrong or unknown Basic credential is 401 with a Basic challenge",
          "[backend]") {  // TOKEN-3, TOKEN-10
  RunningService svc({}, kBackend);
  auto client = register_client(*svc.client, kSecretClient);
  for (auto creds :
       {Client{client.client_id, "wrong-secret"}, Client{"BAD_CLIENT_ID", client.client_secret}}) {
    auto res = svc.client->post_form(
        "/auth/token", form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
        {{"Authorization", basic(creds)}});
    REQUIRE(res.status == 401);
    REQUIRE(error_of(res) == "invalid_client");
    REQUIRE(res.header("WWW-Authenticate").value().rfind("Basic", 0) == 0);
  }
}

TEST_CASE("a client authenticating with a method it did not register is refused",
          "[backend]") {  // CAUTH-2
  RunningService svc({}, kBackend);
  auto client = register_client(*svc.client, kSecretClient);  // registered for Basic
  auto res =
      svc.client->post_form("/auth/token", form_of({{"grant_type", "client_credentials"},
                                                    {"scope", "system/*.rs"},
                                                    {"client_id", client.client_id},
                                                    {"client_secret", client.client_secret}}));
  REQUIRE(res.status == 400);
  REQUIRE(error_of(res) == "invalid_client");
}

TEST_CASE("malformed token requests get the RFC 6749 error that names the problem",
          "[backend][token]") {  // TOKEN-1, TOKEN-11, BACKEND-9
  RunningService svc({}, kBackend);
  auto client = register_client(*svc.client, kSecretClient);
  auto auth = std::vector<std::pair<std::string, std::string>>{{"Authorization", basic(client)}};
  struct Case {
    const char* name;
    std::string body;
    std::string content_type;
    int status;
    const char* error;
  };
  const std::string form_type = "application/x-www-form-urlencoded";
  std::vector<Case> cases = {
      {"no grant_type", form_of({{"scope", "system/*.rs"}}), form_type, 400, "invalid_request"},
      {"unknown grant_type", form_of({{"grant_type", "not_a_grant_type"}}), form_type, 400,
       "unsupported_grant_type"},
      {"JSON body", R"({"grant_type":"client_credentials"})", "application/json", 400,
       "invalid_request"},
      {"repeated parameter", "grant_type=client_credentials&scope=system%2F*.rs&scope=x", form_type,
       400, "invalid_request"},
      {"no scope", form_of({{"grant_type", "client_credentials"}}), form_type, 400,
       "invalid_scope"},
      {"patient scope", form_of({{"grant_type", "client_credentials"}, {"scope", "patient/*.rs"}}),
       form_type, 400, "invalid_scope"},
      {"unknown action",
       form_of({{"grant_type", "client_credentials"}, {"scope", "system/Patient.unknownAction"}}),
       form_type, 400, "invalid_scope"},
      {"unknown resource",
       form_of({{"grant_type", "client_credentials"}, {"scope", "system/UnknownResource.read"}}),
       form_type, 400, "invalid_scope"},
      {"outside the client's scope",
       form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.cud"}}), form_type, 400,
       "invalid_scope"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto headers = auth;
    headers.emplace_back("Content-Type", c.content_type);
    auto res = svc.client->request("POST", "/auth/token", headers, c.body);
    INFO(res.body);
    REQUIRE(res.status == c.status);
    REQUIRE(error_of(res) == c.error);
    REQUIRE(res.header("Cache-Control") == "no-store");  // TOKEN-7 on errors too
    REQUIRE(res.header("Pragma") == "no-cache");
  }
  auto bad_type = svc.client->post_form("/auth/token",
                                        form_of({{"grant_type", "client_credentials"},
                                                 {"scope", "system/*.rs"},
                                                 {"client_assertion_type", "not_an_assertion_type"},
                                                 {"client_assertion", "a.b.c"}}));
  REQUIRE(bad_type.status == 400);  // g10 [0.5.0] requires exactly 400 here
  REQUIRE(error_of(bad_type) == "invalid_client");
}

TEST_CASE("the granted scope is what was asked for, narrowed to the client's registration",
          "[backend][scope]") {  // BACKEND-3, BACKEND-4
  RunningService svc({}, kBackend);
  auto client = register_client(
      *svc.client, R"({"grant_types":["client_credentials"],"token_endpoint_auth_method":)"
                   R"("client_secret_basic","scope":"system/Observation.rs system/Patient.r"})");
  auto res = svc.client->post_form(
      "/auth/token", form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.read"}}),
      {{"Authorization", basic(client)}});
  INFO(res.body);
  REQUIRE(res.status == 200);
  REQUIRE(std::string(parse_json(res.body)["scope"].GetString()) ==
          "system/Observation.read system/Patient.r");
}

TEST_CASE("a client not registered for client_credentials is unauthorized_client", "[backend]") {
  RunningService svc({}, kBackend);
  auto client = register_client(
      *svc.client, R"({"redirect_uris":["https://app.example.org/cb"],)"
                   R"("token_endpoint_auth_method":"client_secret_basic","scope":"system/*.rs"})");
  auto res = svc.client->post_form(
      "/auth/token", form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
      {{"Authorization", basic(client)}});
  REQUIRE(res.status == 400);
  REQUIRE(error_of(res) == "unauthorized_client");
}

TEST_CASE("keys from a jwks_uri on a local HTTPS server are used and rotation is picked up",
          "[backend][jwks_uri]") {  // CAUTH-8, CAUTH-10, REG-2
  TempDir keys_dir;
  LocalHttpsServer jwks_server(keys_dir.path());
  auto first = make_test_key("RS384", "first");
  jwks_server.set_document(jwks_of(first), "max-age=300");
  RunningService svc({}, "client_auth:\n  jwks_allow_loopback: true\n  jwks_ca_file: \"" +
                             jwks_server.ca_file() + "\"\n  jwks_min_refetch_interval_s: 0\n" +
                             kBackend);
  auto client = register_client(
      *svc.client, jwt_client(R"("jwks_uri":")" + jwks_server.url() + "\""));
  const std::string id = client.client_id;

  REQUIRE(token_with_assertion(*svc.client, make_assertion(first, {.iss = id, .sub = id}))
              .status == 200);
  REQUIRE(token_with_assertion(*svc.client, make_assertion(first, {.iss = id, .sub = id}))
              .status == 200);
  REQUIRE(jwks_server.requests() == 1);  // cached per Cache-Control

  // jku equal to the registered jwks_uri is honoured.
  auto with_jku = make_assertion(first, {.iss = id, .sub = id, .jku = jwks_server.url()});
  REQUIRE(token_with_assertion(*svc.client, with_jku).status == 200);

  // The client rotates: a new kid makes the service refetch once.
  auto second = make_test_key("ES384", "second");
  jwks_server.set_document(jwks_of(second), "max-age=300");
  auto res = token_with_assertion(*svc.client, make_assertion(second, {.iss = id, .sub = id}));
  INFO(res.body);
  REQUIRE(res.status == 200);
  REQUIRE(jwks_server.requests() == 2);
  // The retired key is gone from the refetched set.
  REQUIRE(token_with_assertion(*svc.client, make_assertion(first, {.iss = id, .sub = id}))
              .status == 400);
}

TEST_CASE("a jwks_uri on loopback is refused unless loopback is allowed", "[backend][ssrf]") {
  TempDir keys_dir;
  LocalHttpsServer jwks_server(keys_dir.path());
  auto key = make_test_key("ES384", "k");
  jwks_server.set_document(jwks_of(key));
  RunningService svc({}, "client_auth:\n  jwks_allow_loopback: false\n  jwks_ca_file: \"" +
                             jwks_server.ca_file() + "\"\n" + kBackend);
  auto client = register_client(
      *svc.client, jwt_client(R"("jwks_uri":")" + jwks_server.url() + "\""));
  auto res = token_with_assertion(
      *svc.client, make_assertion(key, {.iss = client.client_id, .sub = client.client_id}));
  REQUIRE(res.status == 400);
  REQUIRE(error_of(res) == "invalid_client");
  REQUIRE(jwks_server.requests() == 0);  // no connection was even attempted
}

TEST_CASE("discovery advertises client_credentials and the confidential client profiles",
          "[backend][discovery]") {  // DISC-11, DISC-12
  RunningService svc;
  auto doc = parse_json(svc.client->get("/.well-known/smart-configuration").body);
  REQUIRE(std::string(doc["token_endpoint"].GetString()) == kTokenUrl);
  auto has = [&](const char* member, const char* value) {
    for (const auto& v : doc[member].GetArray()) {
      if (std::string(v.GetString()) == value) return true;
    }
    return false;
  };
  REQUIRE(has("grant_types_supported", "client_credentials"));
  REQUIRE(has("capabilities", "client-confidential-symmetric"));
  REQUIRE(has("capabilities", "client-confidential-asymmetric"));
  REQUIRE(has("token_endpoint_auth_methods_supported", "private_key_jwt"));
  REQUIRE(has("token_endpoint_auth_methods_supported", "client_secret_basic"));
  REQUIRE(has("token_endpoint_auth_signing_alg_values_supported", "RS384"));
  REQUIRE(has("token_endpoint_auth_signing_alg_values_supported", "ES384"));
  REQUIRE(has("scopes_supported", "system/*.rs"));
  REQUIRE(has("capabilities", "client-public"));  // authorize serves public clients with PKCE
}

namespace {

// The backend set-up (initial access token, secret methods) plus the given rate_limits keys.
std::string rate_limits(const std::string& keys) { return kBackend + "rate_limits:\n" + keys; }

HttpResponse token_with_basic(HttpsClient& client, const Client& creds) {
  return client.post_form("/auth/token",
                          form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
                          {{"Authorization", basic(creds)}});
}

// RFC 6585 §4: 429 with Retry-After in seconds, within the configured window.
void require_rate_limited(const HttpResponse& res, int window_s) {
  INFO(res.body);
  REQUIRE(res.status == 429);
  auto retry_after = res.header("Retry-After");
  REQUIRE(retry_after);
  int seconds = std::stoi(std::string(*retry_after));
  REQUIRE(seconds >= 1);
  REQUIRE(seconds <= window_s);
  REQUIRE(error_of(res) == "temporarily_unavailable");
  REQUIRE(res.header("Cache-Control") == "no-store");
}

}  // namespace

TEST_CASE("after too many failed Basic attempts from one address even the right secret gets 429",
          "[backend][ratelimit]") {  // CAUTH-2
  RunningService svc({}, rate_limits("  window_s: 600\n  failed_auth_per_ip: 3\n"
                                     "  failed_auth_per_client: 1000\n"));
  auto client = register_client(*svc.client, kSecretClient);
  auto other = register_client(*svc.client, kSecretClient);
  for (int i = 0; i < 3; ++i) {
    auto res = token_with_basic(*svc.client, {client.client_id, "guess-" + std::to_string(i)});
    REQUIRE(res.status == 401);
    REQUIRE(error_of(res) == "invalid_client");
  }
  require_rate_limited(token_with_basic(*svc.client, client), 600);
  require_rate_limited(token_with_basic(*svc.client, other), 600);  // the address is limited

  auto metrics = svc.client->get("/metrics").body;
  REQUIRE(metrics.find("smart_auth_rate_limited_total{limit=\"failed_auth_per_ip\"} 2") !=
          std::string::npos);
  REQUIRE(svc.process.stop(SIGTERM).exit_code == 0);
  auto audited = find_audit_event(svc.process.log(), "rate_limited", "client_id", client.client_id);
  REQUIRE(audited);
  CHECK(audited->get("limit") == "failed_auth_per_ip");
  CHECK(audited->get("ip") == "127.0.0.1");
  CHECK(audited->get("route") == "token");
}

TEST_CASE("after too many failures for one client_id that client gets 429 while others work",
          "[backend][ratelimit]") {  // CAUTH-2
  RunningService svc({}, rate_limits("  window_s: 600\n  failed_auth_per_ip: 1000\n"
                                     "  failed_auth_per_client: 2\n"));
  auto target = register_client(*svc.client, kSecretClient);
  auto bystander = register_client(*svc.client, kSecretClient);
  REQUIRE(token_with_basic(*svc.client, {target.client_id, "guess-1"}).status == 401);
  REQUIRE(token_with_basic(*svc.client, {target.client_id, "guess-2"}).status == 401);
  require_rate_limited(token_with_basic(*svc.client, target), 600);
  REQUIRE(token_with_basic(*svc.client, bystander).status == 200);

  // private_key_jwt failures count against the assertion's client (its iss) the same way.
  auto key = make_test_key("ES384", "k1");
  auto jwt = register_client(*svc.client, jwt_client(R"("jwks":)" + jwks_of(key)));
  auto expired = [&] {
    return make_assertion(key, {.iss = jwt.client_id, .sub = jwt.client_id, .exp = now() - 600});
  };
  REQUIRE(token_with_assertion(*svc.client, expired()).status == 400);
  REQUIRE(token_with_assertion(*svc.client, expired()).status == 400);
  require_rate_limited(
      token_with_assertion(*svc.client,
                           make_assertion(key, {.iss = jwt.client_id, .sub = jwt.client_id})),
      600);
  auto metrics = svc.client->get("/metrics").body;
  REQUIRE(metrics.find("smart_auth_rate_limited_total{limit=\"failed_auth_per_client\"} 2") !=
          std::string::npos);
}

TEST_CASE("a registration flood from one address gets 429 with Retry-After",
          "[backend][ratelimit][registration]") {  // CAUTH-2
  RunningService svc({}, rate_limits("  window_s: 600\n  registration_per_ip: 3\n"));
  for (int i = 0; i < 3; ++i) register_client(*svc.client, kSecretClient);
  auto res = svc.client->request("POST", "/auth/register", {{"Content-Type", "application/json"}},
                                 kSecretClient);
  require_rate_limited(res, 600);
  // Every attempt is refused now, well-formed or not: the limit is on attempts, not successes.
  require_rate_limited(svc.client->request("POST", "/auth/register",
                                           {{"Content-Type", "application/json"}}, "{"),
                       600);
  REQUIRE(svc.client->get("/.well-known/jwks.json").status == 200);  // other routes unaffected
  auto metrics = svc.client->get("/metrics").body;
  REQUIRE(metrics.find("smart_auth_rate_limited_total{limit=\"registration_per_ip\"} 2") !=
          std::string::npos);
  REQUIRE(svc.process.stop(SIGTERM).exit_code == 0);
  auto audited =
      find_audit_event(svc.process.log(), "rate_limited", "limit", "registration_per_ip");
  REQUIRE(audited);
  CHECK(audited->get("ip") == "127.0.0.1");
  CHECK(audited->get("route") == "register");
}

TEST_CASE("the limits can be turned off", "[backend][ratelimit]") {  // CAUTH-2
  RunningService svc({}, rate_limits("  enabled: false\n  failed_auth_per_ip: 1\n"
                                     "  registration_per_ip: 1\n"));
  auto client = register_client(*svc.client, kSecretClient);
  register_client(*svc.client, kSecretClient);
  REQUIRE(token_with_basic(*svc.client, {client.client_id, "wrong"}).status == 401);
  REQUIRE(token_with_basic(*svc.client, {client.client_id, "wrong"}).status == 401);
  REQUIRE(token_with_basic(*svc.client, client).status == 200);
}

TEST_CASE("an inline JWKS whose key repeats a member name is invalid_client_metadata",
          "[backend][registration]") {  // REG-3; RFC 7517 §4
  RunningService svc({}, kBackend);
  auto key = make_test_key("ES384", "k1");
  std::string jwks = jwks_of(key);
  // {"keys":[{"kty":...,"kid":"k1",...}]} -> the key's kid given twice.
  auto at = jwks.find("\"kid\"");
  REQUIRE(at != std::string::npos);
  jwks.insert(at, R"("kid":"k-shadow",)");
  auto res = svc.client->request("POST", "/auth/register",
                                 {{"Content-Type", "application/json"},
                                  {"Authorization", "Bearer " + kIat}},
                                 jwt_client(R"("jwks":)" + jwks));
  INFO(res.body);
  REQUIRE(res.status == 400);
  REQUIRE(error_of(res) == "invalid_client_metadata");
  REQUIRE(res.body.find("jwks") != std::string::npos);  // refused for the key, not the policy
}

TEST_CASE("a secret client is unauthorized_client once its method is no longer allowed",
          "[backend][policy]") {  // BACKEND-1: by default the client must use private_key_jwt
  TempDir dir;
  Client client;
  {
    ServiceProcess svc(dir.path(), test_config_yaml(dir.path(), {}, kBackend));
    REQUIRE(svc.wait_ready());
    HttpsClient https(svc.https_port(), svc.ca_file().string());
    client = register_client(https, kSecretClient);
    REQUIRE(
        https
            .post_form("/auth/token",
                       form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
                       {{"Authorization", basic(client)}})
            .status == 200);
    REQUIRE(svc.stop(SIGTERM).exit_code == 0);
  }
  // The same store, now with the built-in default: private_key_jwt only.
  const std::string keys_only = "registration:\n  initial_access_tokens:\n    - {token: " + kIat +
                                ", max_scope: system/*.rs, description: e2e}\n";
  ServiceProcess again(dir.path(), test_config_yaml(dir.path(), {}, keys_only));
  REQUIRE(again.wait_ready());
  HttpsClient https(again.https_port(), again.ca_file().string());
  auto res = https.post_form(
      "/auth/token", form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
      {{"Authorization", basic(client)}});
  INFO(res.body);
  REQUIRE(res.status == 400);
  REQUIRE(error_of(res) == "unauthorized_client");
}

TEST_CASE("a token request of more than 100 scopes is invalid_scope", "[backend][scope]") {
  RunningService svc({}, kBackend);  // finding 2.2: scope strings are bounded everywhere
  auto client = register_client(*svc.client, kSecretClient);
  std::string scope;
  for (int i = 0; i <= 100; ++i) {
    scope += (i ? " " : "") + std::string("system/Patient.r?a=") + std::to_string(i);
  }
  auto res = svc.client->post_form(
      "/auth/token", form_of({{"grant_type", "client_credentials"}, {"scope", scope}}),
      {{"Authorization", basic(client)}});
  INFO(res.body);
  REQUIRE(res.status == 400);
  REQUIRE(error_of(res) == "invalid_scope");
}
