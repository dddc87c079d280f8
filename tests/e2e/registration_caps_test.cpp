// Clients stored before registration caps existed (issue 6 finding 2.1) end to end: a client
// that took system/*.cruds through the old open-registration hole, with no stored max_scope, is
// trimmed to registration.max_scope at the next start and can no longer get system/ tokens;
// a client within its recorded cap is left alone; a third start changes nothing.
#include <signal.h>
#include <sqlite3.h>

#include "e2e/running_service.hpp"
#include "support/jose_check.hpp"

using namespace sa::test;

namespace {

const std::string kIat(40, 'W');
// A token wide enough to register the client the old hole would have let in, and the secret
// methods turned on for client_credentials so the test needs no signing key.
const std::string kYaml = backend_config(kIat, "system/*.cruds");

struct Registered {
  std::string client_id, client_secret, registration_access_token, registration_path;
};

Registered register_backend(HttpsClient& client, const std::string& scope) {
  auto res = client.request(
      "POST", "/auth/register",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kIat}},
      R"({"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic",)"
      R"("scope":")" +
          scope + R"("})");
  INFO(res.body);
  REQUIRE(res.status == 201);
  auto doc = parse_json(res.body);
  const std::string uri = doc["registration_client_uri"].GetString();
  return {doc["client_id"].GetString(), doc["client_secret"].GetString(),
          doc["registration_access_token"].GetString(), uri.substr(uri.find("/auth/register/"))};
}

// Client ids and secrets here are base64url, so they need no form encoding (RFC 6749 §2.3.1).
HttpResponse system_token(HttpsClient& client, const Registered& r, const std::string& scope) {
  return client.post_form("/auth/token", "grant_type=client_credentials&scope=" + scope,
                          {{"Authorization", "Basic " + b64(r.client_id + ":" + r.client_secret)}});
}

// What a row written before migrations/0005_client_max_scope.sql looks like: the scope the hole
// let the client keep (also in its metadata document) and no recorded cap.
void make_pre_cap_row(const std::filesystem::path& db_path, const std::string& client_id,
                      const std::string& scope) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "UPDATE clients SET scope = ?1, max_scope = NULL, "
                             "metadata_json = json_set(metadata_json, '$.scope', ?1) "
                             "WHERE client_id = ?2",
                             -1, &stmt, nullptr) == SQLITE_OK);
  sqlite3_bind_text(stmt, 1, scope.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt, 2, client_id.c_str(), -1, SQLITE_TRANSIENT);
  CHECK(sqlite3_step(stmt) == SQLITE_DONE);
  CHECK(sqlite3_changes(db) == 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

struct Started {
  Started(const std::filesystem::path& dir) : process(dir, test_config_yaml(dir, {}, kYaml)) {
    bool ready = process.wait_ready();
    INFO(process.log());
    REQUIRE(ready);
    client = std::make_unique<HttpsClient>(process.https_port(), process.ca_file().string());
  }
  ServiceProcess process;
  std::unique_ptr<HttpsClient> client;
};

}  // namespace

TEST_CASE("a client stored through the old registration hole loses its system/ scopes at start",
          "[e2e][dcr][policy]") {  // DCR-5, SEC-4, BACKEND-1
  TempDir dir;
  Registered hole, kept;
  {
    Started first(dir.path());
    hole = register_backend(*first.client, "system/*.cruds");
    kept = register_backend(*first.client, "system/*.rs");
    first.process.stop(SIGTERM);
  }
  make_pre_cap_row(dir.path() / "data" / "smart-auth.db", hole.client_id,
                   "system/*.cruds patient/*.rs");

  Started second(dir.path());
  HttpsClient& client = *second.client;
  SECTION("its registration shows the scope it was trimmed to") {  // DCR-6
    auto read = client.request("GET", hole.registration_path,
                               {{"Authorization", "Bearer " + hole.registration_access_token}});
    INFO(read.body);
    REQUIRE(read.status == 200);
    CHECK(std::string(parse_json(read.body)["scope"].GetString()) == "patient/*.rs");
  }
  SECTION("client_credentials with system/ scopes is invalid_scope") {  // BACKEND-1
    for (const std::string scope : {"system/*.rs", "system/Patient.r"}) {
      auto res = system_token(client, hole, scope);
      INFO(res.body);
      CHECK(res.status == 400);
      auto doc = parse_json(res.body);
      CHECK(std::string(doc["error"].GetString()) == "invalid_scope");
      CHECK(std::string(doc["error_description"].GetString()) ==
            "none of the requested scopes is allowed for this client");
    }
  }
  SECTION("a client within the cap it registered with still gets its token") {
    auto res = system_token(client, kept, "system/*.rs");
    INFO(res.body);
    CHECK(res.status == 200);
  }
  SECTION("the change is audited once, and a third start finds nothing to change") {
    second.client.reset();
    second.process.stop(SIGTERM);
    Started third(dir.path());
    third.client.reset();
    third.process.stop(SIGTERM);
    const std::string log = third.process.log();
    INFO(log);
    auto capped = audit_events(log, "client_scope_capped");
    REQUIRE(capped.size() == 1);
    CHECK(capped[0].get("client_id") == hole.client_id);
    CHECK(capped[0].get("old_scope") == "system/*.cruds patient/*.rs");
    CHECK(capped[0].get("new_scope") == "patient/*.rs");
    CHECK(capped[0].get("cap_source") == "registration.max_scope");
    CHECK_THAT(log,
               Catch::Contains(R"("msg":"registration caps applied","checked":2,"trimmed":1)"));
    CHECK_THAT(log,
               Catch::Contains(R"("msg":"registration caps applied","checked":2,"trimmed":0)"));
  }
}
