// The EHR launch-context API end to end (CONTRACT "EHR launch-context API"): the real binary over
// verified HTTPS. A launch with the right key is 201 with a >= 128-bit handle; a missing or wrong
// key is 401 with a Bearer challenge and, past the budget, 429; bad bodies are 400 naming the
// field; every decision is audited without the handle; the default style document is served.
#include <signal.h>
#include <sqlite3.h>

#include <fstream>

#include "e2e/running_service.hpp"

using namespace sa::test;

namespace {

const std::string kKey = "launch-e2e-ehr-api-key-0123456789abcdef";  // >= 32 characters
const std::string kLaunchConfig = "launch:\n  ehr_api_key: " + kKey +
                                  "\n  expires_in_s: 120\n"
                                  "rate_limits:\n  failed_launch_auth_per_ip: 3\n";

HttpResponse post_launch(HttpsClient& client, const std::string& body,
                         const std::optional<std::string>& key = kKey) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
  if (key) headers.emplace_back("Authorization", "Bearer " + *key);
  return client.request("POST", "/auth/launch", std::move(headers), body);
}

std::string register_public_client(HttpsClient& client) {
  auto res = client.request(
      "POST", "/auth/register", {{"Content-Type", "application/json"}},
      R"({"redirect_uris":["https://app.example.org/cb"],"token_endpoint_auth_method":"none",)"
      R"("scope":"launch openid patient/*.rs"})");
  INFO(res.body);
  REQUIRE(res.status == 201);
  return parse_json(res.body)["client_id"].GetString();
}

// The id_hash column of every stored launch, read straight from the service's database file.
std::vector<std::string> stored_launch_keys(const std::filesystem::path& db_path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT id_hash FROM launches", -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<std::string> keys;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    keys.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return keys;
}

bool is_base64url(const std::string& text) {
  return text.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string::npos;
}

}  // namespace

// LAUNCH-1, LAUNCH-2, SEC-2: an opaque, unguessable handle, short-lived, never cached.
TEST_CASE("the EHR creates a launch with its key and gets an opaque 256-bit handle",
          "[e2e][launch]") {
  RunningService svc({}, kLaunchConfig);
  const std::string client_id = register_public_client(*svc.client);
  auto res = post_launch(
      *svc.client, R"({"user":"practitioner-1","patient":"123","encounter":"456","client_id":")" +
                       client_id +
                       R"(","fhirContext":[{"reference":"DiagnosticReport/7"}],"intent":"review",)"
                       R"("need_patient_banner":true,"tenant":"north"})");
  INFO(res.body);
  REQUIRE(res.status == 201);
  CHECK(res.header("Cache-Control") == std::optional<std::string>("no-store"));
  auto doc = parse_json(res.body);
  REQUIRE(doc["launch"].IsString());
  const std::string launch = doc["launch"].GetString();
  CHECK(launch.size() >= 22);  // 22 base64url characters carry 128 bits; this one carries 256
  CHECK(launch.size() == 43);
  CHECK(is_base64url(launch));
  CHECK(doc["expires_in"].GetInt() == 120);
  CHECK(doc.MemberCount() == 2);

  // SEC-2: a second launch gets a different handle.
  auto other = post_launch(*svc.client, R"({"user":"practitioner-1"})");
  REQUIRE(other.status == 201);
  const std::string second = parse_json(other.body)["launch"].GetString();
  CHECK(second != launch);

  REQUIRE(svc.process.stop(SIGTERM).exit_code == 0);
  const std::string log = svc.process.log();
  // The handle is a bearer secret: never in any log line, only its fingerprint.
  CHECK(log.find(launch) == std::string::npos);
  CHECK(log.find(second) == std::string::npos);
  auto created = find_audit_event(log, "launch_created", "client_id", client_id);
  REQUIRE(created);
  CHECK(created->get("user") == "practitioner-1");
  CHECK(created->get("patient") == "123");
  CHECK(created->get("encounter") == "456");
  CHECK(created->get("launch_fingerprint").size() == 8);
  CHECK(audit_events(log, "launch_created").size() == 2);

  // SEC-2: the store keeps a hash of each handle, never the handle.
  auto keys = stored_launch_keys(svc.dir.path() / "data" / "smart-auth.db");
  REQUIRE(keys.size() == 2);
  for (const std::string& key : keys) {
    CHECK(key.size() == 43);  // base64url SHA-256
    CHECK(key != launch);
    CHECK(key != second);
  }
}

// CONTRACT: 401 for a missing or wrong key, with the RFC 6750 §3 challenge.
TEST_CASE("a launch without the EHR API key or with a wrong one is 401 with a Bearer challenge",
          "[e2e][launch]") {
  // A budget above the four failures below, so each is answered 401 (the limit has its own test).
  RunningService svc({}, "launch:\n  ehr_api_key: " + kKey + "\n");
  const std::string body = R"({"user":"practitioner-1","patient":"123"})";
  for (const std::optional<std::string>& key :
       {std::optional<std::string>(), std::optional<std::string>(kKey + "x"),
        std::optional<std::string>("")}) {
    auto res = post_launch(*svc.client, body, key);
    INFO(res.body);
    CHECK(res.status == 401);
    CHECK_THAT(res.header("WWW-Authenticate").value_or(""), Catch::StartsWith("Bearer"));
    CHECK(parse_json(res.body)["error"].GetString() == std::string("invalid_token"));
    CHECK(res.body.find("launch\"") == std::string::npos);
  }
  auto basic = svc.client->request(
      "POST", "/auth/launch",
      {{"Content-Type", "application/json"}, {"Authorization", "Basic " + kKey}}, body);
  CHECK(basic.status == 401);

  REQUIRE(svc.process.stop(SIGTERM).exit_code == 0);
  const std::string log = svc.process.log();
  auto rejected = audit_events(log, "launch_rejected");
  REQUIRE(rejected.size() == 4);
  CHECK(rejected[0].get("reason") == "no EHR API key presented");
  CHECK_THAT(rejected[1].get("reason"), Catch::StartsWith("wrong EHR API key, fingerprint "));
  CHECK(log.find(kKey) == std::string::npos);  // neither the key nor the wrong guess
  CHECK(audit_events(log, "launch_created").empty());
}

TEST_CASE("a service with no EHR API key refuses every launch", "[e2e][launch]") {
  RunningService svc;
  auto res = post_launch(*svc.client, R"({"user":"u"})");
  CHECK(res.status == 401);
  auto none = post_launch(*svc.client, R"({"user":"u"})", "");
  CHECK(none.status == 401);
}

// CONTRACT: 400 invalid_request naming the bad field; CTX-3 for fhirContext.
TEST_CASE("a bad launch body is 400 invalid_request naming the field", "[e2e][launch]") {
  RunningService svc({}, kLaunchConfig);
  struct Row {
    std::string body, field;
  };
  for (const Row& row : {
           Row{R"({"patient":"123"})", "user"},
           Row{R"({"user":"u","patient":"Patient/123"})", "patient"},
           Row{R"({"user":"u","need_patient_banner":"yes"})", "need_patient_banner"},
           Row{R"({"user":"u","smart_style_url":"http://ehr.example.org/s.json"})",
               "smart_style_url"},
           Row{R"({"user":"u","fhirContext":[{"reference":"https://x.example/Observation/1"}]})",
               "fhirContext[0].reference"},
           Row{R"({"user":"u","client_id":"no-such-app"})", "client_id"},
           Row{R"({"user":"u","colour":"red"})", "colour"},
           Row{"not json", "body"},
       }) {
    auto res = post_launch(*svc.client, row.body);
    INFO(row.body << " -> " << res.body);
    CHECK(res.status == 400);
    auto doc = parse_json(res.body);
    CHECK(doc["error"].GetString() == std::string("invalid_request"));
    CHECK_THAT(doc["error_description"].GetString(), Catch::StartsWith(row.field + " "));
  }
  auto form = svc.client->request(
      "POST", "/auth/launch",
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Bearer " + kKey}},
      "user=u");
  CHECK(form.status == 400);
  CHECK_THAT(form.body, Catch::Contains("Content-Type"));

  REQUIRE(svc.process.stop(SIGTERM).exit_code == 0);
  CHECK(audit_events(svc.process.log(), "launch_rejected").size() == 9);
}

// CONTRACT "EHR launch-context API" + SEC-2: the key cannot be brute-forced; past the budget even
// the right key waits (RFC 6585 §4: 429 with Retry-After).
TEST_CASE("wrong EHR API keys past the budget are refused 429, the right key included",
          "[e2e][launch]") {
  RunningService svc({}, kLaunchConfig);
  const std::string body = R"({"user":"u"})";
  REQUIRE(post_launch(*svc.client, body).status == 201);  // right keys are not counted
  for (int i = 0; i < 3; ++i) {
    CHECK(post_launch(*svc.client, body, "wrong-key-" + std::to_string(i)).status == 401);
  }
  auto limited = post_launch(*svc.client, body);
  INFO(limited.body);
  CHECK(limited.status == 429);
  CHECK(limited.header("Retry-After").has_value());
  CHECK(post_launch(*svc.client, body, "another-guess").status == 429);

  REQUIRE(svc.process.stop(SIGTERM).exit_code == 0);
  auto refused = audit_events(svc.process.log(), "rate_limited");
  REQUIRE_FALSE(refused.empty());
  CHECK(refused[0].get("limit") == "failed_launch_auth_per_ip");
}

// The demo: generate_ehr_api_key makes a key on first start, prints it, and keeps it.
TEST_CASE("a generated EHR API key is printed at start and works", "[e2e][launch]") {
  RunningService svc({}, "launch:\n  generate_ehr_api_key: true\n");
  std::ifstream file(svc.dir.path() / "data" / "ehr_api_key");
  std::string key;
  std::getline(file, key);
  REQUIRE(key.size() == 43);
  CHECK_THAT(svc.process.log(), Catch::Contains("EHR API key: " + key));
  CHECK(post_launch(*svc.client, R"({"user":"u"})", key).status == 201);
}

// CTX-5: the default smart_style_url serves SMART style JSON, cacheable and open to browsers.
TEST_CASE("the default SMART style document is served as cacheable JSON with CORS",
          "[e2e][launch]") {
  RunningService svc;
  auto res =
      svc.client->request("GET", "/smart-style.json", {{"Origin", "https://app.example.org"}});
  INFO(res.body);
  REQUIRE(res.status == 200);
  CHECK_THAT(res.header("Content-Type").value_or(""), Catch::StartsWith("application/json"));
  CHECK_THAT(res.header("Cache-Control").value_or(""), Catch::Contains("max-age"));
  CHECK(res.header("Access-Control-Allow-Origin").has_value());
  auto doc = parse_json(res.body);
  for (const char* name :
       {"color_background", "color_error", "color_highlight", "color_modal_backdrop",
        "color_success", "color_text", "dim_border_radius", "dim_font_size", "dim_spacing_size",
        "font_family_body", "font_family_heading"}) {
    INFO(name);
    CHECK(doc.HasMember(name));
  }
}
