// Signing keys end to end: JWKS contents, tokens signed with the stored keys verify with an
// independent OpenSSL check using only the JWKS, keys and CA survive restarts, rotate-keys.
#include <openssl/sha.h>
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "e2e/running_service.hpp"
#include "support/jose_check.hpp"

using namespace sa::test;

namespace {

struct StoredKey {
  std::string kid, alg, pem;
  bool active;
};

std::vector<StoredKey> stored_keys(const std::filesystem::path& db_path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT kid, alg, private_pem, retire_at IS NULL FROM signing_keys",
                             -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<StoredKey> out;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    auto text = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i))); };
    out.push_back({text(0), text(1), text(2), sqlite3_column_int(stmt, 3) == 1});
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

std::string file_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace.
std::string thumbprint(const rapidjson::Value& jwk) {
  std::string kty = jwk["kty"].GetString();
  std::string canonical =
      kty == "RSA"
          ? R"({"e":")" + std::string(jwk["e"].GetString()) + R"(","kty":"RSA","n":")" +
                jwk["n"].GetString() + "\"}"
          : R"({"crv":")" + std::string(jwk["crv"].GetString()) + R"(","kty":"EC","x":")" +
                jwk["x"].GetString() + R"(","y":")" + jwk["y"].GetString() + "\"}";
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  return b64url(std::string(reinterpret_cast<char*>(digest), sizeof digest));
}

std::string db_path(const RunningService& svc) {
  return (svc.dir.path() / "data" / "smart-auth.db").string();
}

}  // namespace

TEST_CASE("JWKS publishes one RS256 and one ES256 public key with kid, use and alg",
          "[keys]") {  // OIDC-3
  RunningService svc;
  auto res = svc.client->get("/.well-known/jwks.json");
  REQUIRE(res.status == 200);
  REQUIRE(res.header("Content-Type").value().rfind("application/json", 0) == 0);
  auto doc = parse_json(res.body);
  REQUIRE(doc["keys"].Size() == 2);
  std::set<std::string> algs;
  for (const auto& k : doc["keys"].GetArray()) {
    algs.insert(k["alg"].GetString());
    REQUIRE(std::string(k["use"].GetString()) == "sig");
    REQUIRE(std::string(k["kid"].GetString()) == thumbprint(k));  // kid = RFC 7638 thumbprint
    for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k"}) REQUIRE_FALSE(k.HasMember(secret));
    if (std::string(k["kty"].GetString()) == "EC") {
      REQUIRE(std::string(k["crv"].GetString()) == "P-256");
    }
  }
  REQUIRE(algs == std::set<std::string>{"RS256", "ES256"});
}

TEST_CASE("a token signed with the service's stored key verifies with only the JWKS", "[keys]") {
  RunningService svc;
  auto jwks = svc.client->get("/.well-known/jwks.json").body;
  auto keys = stored_keys(db_path(svc));
  REQUIRE(keys.size() == 2);
  for (const auto& key : keys) {
    INFO(key.alg);
    std::string header = R"({"alg":")" + key.alg + R"(","kid":")" + key.kid + R"(","typ":"JWT"})";
    std::string token = sign_jws_with_pem(key.pem, key.alg, header, R"({"sub":"test"})");
    auto jwk = find_jwk_for(token, jwks);
    REQUIRE(jwk.has_value());
    REQUIRE(verify_jws_with_jwk(token, *jwk) == "");
    // And a tampered payload does not.
    std::string tampered = token;
    tampered[token.find('.') + 2] ^= 1;
    REQUIRE(verify_jws_with_jwk(tampered, *jwk) != "");
  }
}

TEST_CASE("a restart keeps the same signing keys and the same CA", "[keys][restart]") {
  TempDir dir;
  std::string config = test_config_yaml(dir.path());
  std::string jwks_before, ca_before;
  {
    ServiceProcess first(dir.path(), config);
    REQUIRE(first.wait_ready());
    HttpsClient client(first.https_port(), first.ca_file().string());
    jwks_before = client.get("/.well-known/jwks.json").body;
    ca_before = file_text(first.ca_file());
    REQUIRE(first.stop(SIGTERM).exit_code == 0);
  }
  ServiceProcess second(dir.path(), config);
  REQUIRE(second.wait_ready());
  REQUIRE(file_text(second.ca_file()) == ca_before);
  HttpsClient client(second.https_port(), second.ca_file().string());
  REQUIRE(client.get("/.well-known/jwks.json").body == jwks_before);
}

TEST_CASE("rotate-keys adds new active keys and keeps the old public keys in JWKS",
          "[keys][rotation]") {
  RunningService svc({}, "keys:\n  reload_interval_s: 1\n  retired_key_ttl_s: 3600\n");
  auto before = parse_json(svc.client->get("/.well-known/jwks.json").body);
  std::set<std::string> old_kids;
  for (const auto& k : before["keys"].GetArray()) old_kids.insert(k["kid"].GetString());

  auto out = run_command({binary_path().string(), "rotate-keys", "--config",
                          (svc.dir.path() / "smart-auth.yaml").string()});
  INFO(out.output);
  REQUIRE(out.status.exit_code == 0);

  auto keys = stored_keys(db_path(svc));
  REQUIRE(keys.size() == 4);
  std::set<std::string> active;
  for (const auto& k : keys) {
    if (k.active) active.insert(k.kid);
  }
  REQUIRE(active.size() == 2);
  for (const auto& kid : old_kids) REQUIRE(active.count(kid) == 0);

  // The running server re-reads the store every reload_interval_s: wait (bounded) for it.
  rapidjson::Document after;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = parse_json(svc.client->get("/.well-known/jwks.json").body);
  } while (after["keys"].Size() != 4 && std::chrono::steady_clock::now() < until);
  REQUIRE(after["keys"].Size() == 4);
  std::set<std::string> published;
  for (const auto& k : after["keys"].GetArray()) published.insert(k["kid"].GetString());
  for (const auto& kid : old_kids) REQUIRE(published.count(kid) == 1);
  for (const auto& kid : active) REQUIRE(published.count(kid) == 1);
}
