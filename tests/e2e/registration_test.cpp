// Dynamic client registration end to end (RFC 7591, RFC 7592, SPEC-CHECKLIST §3): each client
// kind, every invalid-metadata case, management with the registration access token, static
// clients from the YAML, and the three registration modes.
#include <openssl/sha.h>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <sstream>

#include "e2e/running_service.hpp"
#include "support/jose_check.hpp"
#include "support/test_keys.hpp"

using namespace sa::test;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A fresh EC P-256 public JWK, built with OpenSSL directly (not the service's crypto/).
std::string ec_public_jwk(const std::string& kid) { return make_test_key("ES256", kid).public_jwk; }

HttpResponse post_json(HttpsClient& client, const std::string& body, Headers headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return client.request("POST", "/auth/register", std::move(headers), body);
}

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

std::string member(const rapidjson::Document& doc, const char* name) {
  REQUIRE(doc.HasMember(name));
  REQUIRE(doc[name].IsString());
  return doc[name].GetString();
}

std::string path_of(const std::string& uri) { return uri.substr(uri.find("/auth/register/")); }

int count_rows(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const int n = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

const std::string kRedirect = R"("redirect_uris":["https://app.example.org/cb"])";

// CONTRACT "Registration policy": system/ scopes and client_credentials need an initial access
// token; this config has one, and allows client_secret_basic for client_credentials.
const std::string kIat(40, 'I');
const std::string kBackendYaml =
    "registration:\n  initial_access_tokens:\n    - token: " + kIat +
    "\n      max_scope: system/*.rs\n      description: e2e backend token\n"
    "tokens:\n  client_credentials_auth_methods: [private_key_jwt, client_secret_basic]\n";

// The members of a private_key_jwt client_credentials registration, without the braces.
std::string backend_members(const std::string& scope) {
  return R"("token_endpoint_auth_method":"private_key_jwt","grant_types":["client_credentials"],)"
         R"("scope":")" +
         scope + R"(","jwks":{"keys":[)" + ec_public_jwk("k1") + "]}";
}
std::string jwt_backend(const std::string& scope) { return "{" + backend_members(scope) + "}"; }

std::string sha256(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return {reinterpret_cast<const char*>(digest), sizeof digest};
}

}  // namespace

TEST_CASE("each client kind registers and gets what RFC 7591 §3.2.1 promises", "[e2e][dcr]") {
  RunningService svc({}, kBackendYaml);
  const std::vector<std::pair<std::string, bool>> kinds = {
      {R"({"token_endpoint_auth_method":"none",)" + kRedirect + "}", false},
      {R"({"client_name":"Symmetric",)" + kRedirect + "}", true},
      {R"({"token_endpoint_auth_method":"private_key_jwt","grant_types":["client_credentials"],)"
       R"("scope":"system/*.rs","jwks":{"keys":[)" +
           ec_public_jwk("k1") + "]}}",
       false},
      {R"({"grant_types":["client_credentials"],"scope":"system/*.rs",)"
       R"("token_endpoint_auth_method":"client_secret_basic"})",
       true},
  };
  for (const auto& [body, symmetric] : kinds) {
    CAPTURE(body);
    HttpResponse res = post_json(*svc.client, body, bearer(kIat));
    INFO(res.body);
    REQUIRE(res.status == 201);  // DCR-2
    CHECK(res.header("Cache-Control") == "no-store");
    CHECK(res.header("Pragma") == "no-cache");
    auto doc = parse_json(res.body);
    const std::string client_id = member(doc, "client_id");
    CHECK(client_id.size() >= 22);
    CHECK(doc.HasMember("client_id_issued_at"));
    CHECK(doc.HasMember("grant_types"));
    CHECK(doc.HasMember("token_endpoint_auth_method"));
    CHECK(doc.HasMember("client_secret") == symmetric);
    CHECK(doc.HasMember("client_secret_expires_at") == symmetric);
    if (symmetric) CHECK(member(doc, "client_secret").size() >= 43);
    const std::string uri = member(doc, "registration_client_uri");
    CHECK(uri.starts_with("https://"));
    CHECK(uri.ends_with("/auth/register/" + client_id));
    // DCR-6: the token reads the registration back.
    HttpResponse read =
        svc.client->request("GET", path_of(uri), bearer(member(doc, "registration_access_token")));
    CHECK(read.status == 200);
    CHECK(read.header("Cache-Control") == "no-store");  // DCR-6: it carries the access token
    CHECK(read.header("Pragma") == "no-cache");
    CHECK_FALSE(parse_json(read.body).HasMember("client_secret"));
    CHECK(count_rows(svc.dir.path() / "data" / "smart-auth.db",
                     "SELECT COUNT(*) FROM clients WHERE client_id = '" + client_id + "'") == 1);
  }
}

TEST_CASE("every invalid metadata case is refused with its RFC 7591 §3.2.2 code", "[e2e][dcr]") {
  RunningService svc;
  const std::string pkjwt =
      R"({"token_endpoint_auth_method":"private_key_jwt","grant_types":["client_credentials"],)";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "invalid_request"},
      {"{}", "invalid_redirect_uri"},
      {R"({"redirect_uris":["cb"]})", "invalid_redirect_uri"},
      {R"({"redirect_uris":["https://a.example/cb#x"]})", "invalid_redirect_uri"},
      {R"({"redirect_uris":["http://a.example/cb"]})", "invalid_redirect_uri"},
      {R"({"grant_types":["password"],)" + kRedirect + "}", "invalid_client_metadata"},
      {R"({"response_types":["token"],)" + kRedirect + "}", "invalid_client_metadata"},
      {R"({"grant_types":["client_credentials"],"response_types":["code"]})",
       "invalid_client_metadata"},
      {pkjwt + R"("scope":"system/*.rs"})", "invalid_client_metadata"},
      {pkjwt + R"("jwks":{"keys":[)" + ec_public_jwk("a") +
           R"(]},"jwks_uri":"https://a.example/jwks"})",
       "invalid_client_metadata"},
      {pkjwt +
           R"("jwks":{"keys":[{"kty":"EC","crv":"P-256","kid":"p","x":"AA","y":"AA","d":"AA"}]}})",
       "invalid_client_metadata"},
      {pkjwt + R"("jwks":{"keys":[{"kty":"oct","kid":"h","k":"AAAA"}]}})",
       "invalid_client_metadata"},
      {R"({"token_endpoint_auth_method":"none","grant_types":["client_credentials"]})",
       "invalid_client_metadata"},
      {R"({"client_name":42,)" + kRedirect + "}", "invalid_client_metadata"},
  };
  std::map<std::string, int> refused;
  for (const auto& [body, code] : cases) {
    CAPTURE(body);
    HttpResponse res = post_json(*svc.client, body);
    CHECK(res.status == 400);
    CHECK(res.header("Cache-Control") == "no-store");  // DCR-4: errors are not cached either
    CHECK(res.header("Pragma") == "no-cache");
    auto doc = parse_json(res.body);
    CHECK(member(doc, "error") == code);
    CHECK_FALSE(member(doc, "error_description").empty());
    ++refused[code];
  }
  // Registration errors leave through the same writer as the token endpoint's: counted by code.
  const std::string metrics = svc.client->get("/metrics").body;
  for (const auto& [code, n] : refused) {
    const std::string line = "smart_auth_oauth_errors_total{endpoint=\"register\",error=\"" +
                             code + "\"} " + std::to_string(n);
    CAPTURE(line);
    CHECK(metrics.find(line) != std::string::npos);
  }
}

TEST_CASE("a registration body that is not application/json is an invalid request", "[e2e][dcr]") {
  RunningService svc;
  HttpResponse res = svc.client->request(
      "POST", "/auth/register", {{"Content-Type", "application/x-www-form-urlencoded"}},
      R"({"token_endpoint_auth_method":"none",)" + kRedirect + "}");
  CHECK(res.status == 400);
  CHECK(member(parse_json(res.body), "error") == "invalid_request");
}

TEST_CASE("RFC 7592 reads, updates and deletes with the registration access token", "[e2e][dcr]") {
  RunningService svc;
  auto doc = parse_json(post_json(*svc.client, R"({"client_name":"One",)" + kRedirect + "}").body);
  const std::string client_id = member(doc, "client_id");
  const std::string token = member(doc, "registration_access_token");
  const std::string path = path_of(member(doc, "registration_client_uri"));

  SECTION("a wrong or missing token is 401 with a Bearer challenge") {
    for (const Headers& h : {bearer("wrong"), Headers{}}) {
      HttpResponse res = svc.client->request("GET", path, h);
      CHECK(res.status == 401);
      CHECK(res.header("Cache-Control") == "no-store");  // DCR-6
      CHECK(res.header("Pragma") == "no-cache");
      CHECK_THAT(res.header("WWW-Authenticate").value_or(""), Catch::StartsWith("Bearer"));
    }
    CHECK(svc.client->request("GET", "/auth/register/unknown", bearer(token)).status == 401);
  }
  SECTION("PUT replaces the metadata and keeps the secret") {
    const std::string update = R"({"client_id":")" + client_id +
                               R"(","client_name":"Two","redirect_uris":["https://b.example/cb"]})";
    HttpResponse res = svc.client->request(
        "PUT", path, {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
        update);
    INFO(res.body);
    REQUIRE(res.status == 200);
    CHECK(res.header("Cache-Control") == "no-store");  // DCR-6
    CHECK(res.header("Pragma") == "no-cache");
    auto updated = parse_json(res.body);
    CHECK(member(updated, "client_name") == "Two");
    CHECK_FALSE(updated.HasMember("client_secret"));
    auto read = parse_json(svc.client->request("GET", path, bearer(token)).body);
    CHECK(member(read, "client_name") == "Two");
    CHECK(read["redirect_uris"][0].GetString() == std::string("https://b.example/cb"));
  }
  SECTION("PUT refuses a different client_id or server-assigned members") {
    for (const std::string& bad :
         {std::string(R"({"client_id":"other",)") + kRedirect + "}",
          R"({"client_id":")" + client_id + R"(","client_id_issued_at":1,)" + kRedirect + "}",
          R"({"client_id":")" + client_id + R"(","redirect_uris":["http://x.example/"]})"}) {
      HttpResponse res = svc.client->request(
          "PUT", path, {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
          bad);
      CHECK(res.status == 400);
    }
  }
  SECTION("DELETE removes the client; its token then fails with 401") {
    HttpResponse deleted = svc.client->request("DELETE", path, bearer(token));
    CHECK(deleted.status == 204);
    CHECK(deleted.header("Cache-Control") == "no-store");
    CHECK_FALSE(deleted.header("Content-Length"));  // RFC 9110 §8.6: never in a 204
    CHECK(svc.client->request("GET", path, bearer(token)).status == 401);
    CHECK(count_rows(svc.dir.path() / "data" / "smart-auth.db",
                     "SELECT COUNT(*) FROM clients WHERE client_id = '" + client_id + "'") == 0);
  }
}

TEST_CASE("static clients from the YAML exist but cannot be managed", "[e2e][dcr]") {
  RunningService svc({},
                     "clients:\n"
                     "  - client_id: ehr-portal\n"
                     "    client_secret: 0123456789abcdef0123456789abcdef\n"
                     "    redirect_uris: [https://portal.example.org/cb]\n"
                     "    pre_approved: true\n");
  CHECK(count_rows(svc.dir.path() / "data" / "smart-auth.db",
                   "SELECT COUNT(*) FROM clients WHERE client_id = 'ehr-portal' AND is_static = 1 "
                   "AND pre_approved = 1 AND secret_hash <> ''") == 1);
  HttpResponse res = svc.client->request("GET", "/auth/register/ehr-portal", bearer("anything"));
  CHECK(res.status == 401);
}

TEST_CASE("registration mode initial_access_token needs one of the configured tokens",
          "[e2e][dcr]") {
  const std::string token(40, 'T');
  RunningService svc({},
                     "registration:\n  mode: initial_access_token\n"
                     "  initial_access_tokens:\n    - token: " +
                         token + "\n      max_scope: openid\n      description: t\n");
  const std::string body = R"({"token_endpoint_auth_method":"none",)" + kRedirect + "}";
  for (const Headers& h : {Headers{}, bearer("wrong-token")}) {
    HttpResponse res = post_json(*svc.client, body, h);
    CHECK(res.status == 401);
    CHECK(member(parse_json(res.body), "error") == "invalid_token");
    CHECK_THAT(res.header("WWW-Authenticate").value_or(""), Catch::StartsWith("Bearer"));
  }
  CHECK(post_json(*svc.client, body, bearer(token)).status == 201);
}

TEST_CASE("registration mode closed refuses everyone and is not advertised", "[e2e][dcr]") {
  RunningService svc({}, "registration:\n  mode: closed\n");
  HttpResponse res =
      post_json(*svc.client, R"({"token_endpoint_auth_method":"none",)" + kRedirect + "}");
  CHECK(res.status == 403);
  CHECK(member(parse_json(res.body), "error") == "access_denied");
  auto discovery = parse_json(svc.client->get("/.well-known/smart-configuration").body);
  CHECK_FALSE(discovery.HasMember("registration_endpoint"));
}

TEST_CASE("open registration is advertised in discovery", "[e2e][dcr]") {
  RunningService svc;
  auto discovery = parse_json(svc.client->get("/.well-known/smart-configuration").body);
  CHECK(member(discovery, "registration_endpoint").ends_with("/auth/register"));
}

// Finding 2.1: open registration must not hand out system-wide access (CONTRACT "Registration
// policy"; RFC 7591 §5: client metadata is self-asserted). DCR-5, BACKEND-3
TEST_CASE("an open registration without an initial access token cannot obtain system access",
          "[e2e][dcr][policy]") {
  RunningService svc;
  HttpResponse reg =
      post_json(*svc.client,
                R"({"grant_types":["client_credentials"],)"
                R"("token_endpoint_auth_method":"client_secret_basic","scope":"system/*.cruds"})");
  INFO(reg.body);
  if (reg.status == 201) {
    // What the attacker would do next: the old server answered this with a system token.
    auto doc = parse_json(reg.body);
    HttpResponse token = svc.client->request(
        "POST", "/auth/token",
        {{"Content-Type", "application/x-www-form-urlencoded"},
         {"Authorization",
          "Basic " + b64(member(doc, "client_id") + ":" + member(doc, "client_secret"))}},
        "grant_type=client_credentials&scope=system%2F*.cruds");
    INFO(token.body);
    CHECK(token.status != 200);
  }
  REQUIRE(reg.status == 400);
  CHECK(member(parse_json(reg.body), "error") == "invalid_client_metadata");
}

TEST_CASE("open registration trims scope outside registration.max_scope and shows what it kept",
          "[e2e][dcr][policy]") {  // DCR-2, DCR-5
  RunningService svc;
  HttpResponse res = post_json(
      *svc.client, R"({"token_endpoint_auth_method":"none",)" + kRedirect +
                       R"(,"scope":"openid fhirUser patient/*.read system/*.rs __custom"})");
  INFO(res.body);
  REQUIRE(res.status == 201);
  auto doc = parse_json(res.body);
  CHECK(member(doc, "scope") == "openid fhirUser patient/*.read");
  CHECK_THAT(svc.process.log(), Catch::Contains(R"("requested_scope":"openid fhirUser)"));
}

TEST_CASE("an initial access token raises the cap and the audit log names it",
          "[e2e][dcr][policy]") {
  RunningService svc({}, kBackendYaml);
  const std::string body = jwt_backend("system/*.cruds patient/*.rs");
  SECTION("a valid token lets a client register for client_credentials within its max_scope") {
    HttpResponse res = post_json(*svc.client, body, bearer(kIat));
    INFO(res.body);
    REQUIRE(res.status == 201);
    CHECK(member(parse_json(res.body), "scope") == "system/*.rs");
    const std::string log = svc.process.log();
    CHECK_THAT(log, Catch::Contains(R"("initial_access_token":"e2e backend token")"));
    CHECK_THAT(log, Catch::Contains(R"("initial_access_token_fingerprint":")" +
                                    b64url(sha256(kIat)).substr(0, 8) + "\""));
    CHECK_THAT(log, !Catch::Contains(kIat));
  }
  SECTION("an invalid token is 401 invalid_token, not ignored") {  // RFC 6750 §3.1
    for (const Headers& h :
         {bearer(std::string(40, 'X')), Headers{{"Authorization", "Basic eA=="}}}) {
      HttpResponse res = post_json(*svc.client, body, h);
      CHECK(res.status == 401);
      CHECK(member(parse_json(res.body), "error") == "invalid_token");
      CHECK_THAT(res.header("WWW-Authenticate").value_or(""), Catch::StartsWith("Bearer"));
    }
  }
  SECTION("client_credentials with a method the server does not allow is refused") {
    HttpResponse res = post_json(
        *svc.client,
        R"({"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post",)"
        R"("scope":"system/*.rs"})",
        bearer(kIat));
    INFO(res.body);
    CHECK(res.status == 400);
    auto doc = parse_json(res.body);
    CHECK(member(doc, "error") == "invalid_client_metadata");
    CHECK_THAT(member(doc, "error_description"), Catch::StartsWith("token_endpoint_auth_method"));
  }
}

TEST_CASE("RFC 7592 updates never raise a client above the cap it registered with",
          "[e2e][dcr][policy]") {
  RunningService svc({}, kBackendYaml);
  auto put = [&](const rapidjson::Document& reg, const std::string& members) {
    return svc.client->request(
        "PUT", path_of(member(reg, "registration_client_uri")),
        {{"Authorization", "Bearer " + member(reg, "registration_access_token")},
         {"Content-Type", "application/json"}},
        R"({"client_id":")" + member(reg, "client_id") + "\"," + members + "}");
  };
  SECTION("a client registered without a token cannot add system/ scopes or client_credentials") {
    auto reg = parse_json(post_json(*svc.client, R"({"token_endpoint_auth_method":"none",)" +
                                                     kRedirect + R"(,"scope":"openid"})")
                              .body);
    HttpResponse widened = put(reg, R"("token_endpoint_auth_method":"none",)" + kRedirect +
                                        R"(,"scope":"openid system/*.rs user/*.rs")");
    INFO(widened.body);
    REQUIRE(widened.status == 200);
    CHECK(member(parse_json(widened.body), "scope") == "openid user/*.rs");
    HttpResponse backend = put(reg, backend_members("system/*.rs"));
    INFO(backend.body);
    CHECK(backend.status == 400);
    CHECK(member(parse_json(backend.body), "error") == "invalid_client_metadata");
  }
  SECTION("a client registered with a token keeps that token's cap") {
    auto reg = parse_json(post_json(*svc.client, jwt_backend("system/*.rs"), bearer(kIat)).body);
    HttpResponse res = put(reg, backend_members("system/*.cruds patient/*.rs"));
    INFO(res.body);
    REQUIRE(res.status == 200);
    CHECK(member(parse_json(res.body), "scope") == "system/*.rs");
  }
}

TEST_CASE("a registration scope of more than 100 tokens is invalid client metadata",
          "[e2e][dcr][policy]") {  // finding 2.2
  RunningService svc;
  std::string scope;
  for (int i = 0; i <= 100; ++i)
    scope += (i ? " " : "") + std::string("patient/Patient.r?a=") + std::to_string(i);
  HttpResponse res = post_json(*svc.client, R"({"token_endpoint_auth_method":"none",)" + kRedirect +
                                                R"(,"scope":")" + scope + "\"}");
  CHECK(res.status == 400);
  CHECK(member(parse_json(res.body), "error") == "invalid_client_metadata");
}

TEST_CASE("a generated initial access token is kept in data_dir, printed at start and works",
          "[e2e][dcr][policy]") {
  TempDir dir;
  const std::string config =
      test_config_yaml(dir.path(), {},
                       "registration:\n  initial_access_tokens:\n"
                       "    - {generate: true, max_scope: system/*.rs, description: demo}\n");
  const auto file = dir.path() / "data" / "initial_access_token";
  std::string token;
  {
    ServiceProcess svc(dir.path(), config);
    REQUIRE(svc.wait_ready());
    std::ifstream(file) >> token;
    REQUIRE(token.size() >= 43);
    CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    CHECK_THAT(svc.log(),
               Catch::Contains("initial access token (demo; allows system/*.rs): " + token));
    // On the terminal only: no JSON log line carries it.
    std::istringstream lines(svc.log());
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("{")) CHECK(line.find(token) == std::string::npos);
    }
    HttpsClient client(svc.https_port(), svc.ca_file().string());
    CHECK(post_json(client, jwt_backend("system/*.rs"), bearer(token)).status == 201);
  }
  ServiceProcess again(dir.path(), config);
  REQUIRE(again.wait_ready());
  std::string after_restart;
  std::ifstream(file) >> after_restart;
  CHECK(after_restart == token);
  HttpsClient client(again.https_port(), again.ca_file().string());
  CHECK(post_json(client, jwt_backend("system/*.rs"), bearer(token)).status == 201);
}
