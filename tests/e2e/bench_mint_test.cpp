// `smart-auth bench-mint` (issue 8 "Speed"): the real binary, with no server running, writes
// codes or refresh families through the real stores into a temp database, and the plain
// credentials to a 0600 file; checked by reading the database and the file directly.
#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/hash.hpp"
#include "tokens/grant_store.hpp"
#include "support/service_process.hpp"

namespace sa::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kClients =
    "clients:\n"
    "  - client_id: bench-app\n    client_name: Bench\n"
    "    token_endpoint_auth_method: none\n"
    "    redirect_uris: [\"https://bench.example/cb\", \"https://bench.example/other\"]\n"
    "    grant_types: [authorization_code, refresh_token]\n"
    "    scope: \"launch/patient openid fhirUser offline_access patient/*.rs\"\n"
    "  - client_id: codes-only\n    client_name: Codes only\n"
    "    token_endpoint_auth_method: none\n"
    "    redirect_uris: [\"https://codes.example/cb\"]\n"
    "    grant_types: [authorization_code]\n"
    "    scope: \"launch/patient openid offline_access patient/*.rs\"\n";

struct BenchDir {
  TempDir dir;
  fs::path config = dir.path() / "smart-auth.yaml";
  fs::path out = dir.path() / "minted.txt";
  BenchDir() { std::ofstream(config) << test_config_yaml(dir.path(), {}, kClients); }

  CommandOutput mint(std::vector<std::string> args) {
    std::vector<std::string> argv{binary_path().string(), "bench-mint", "--config",
                                  config.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, std::chrono::seconds(60));
  }
  std::vector<std::string> lines() const {
    std::ifstream in(out);
    std::vector<std::string> result;
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }
};

// The rows of one query on the service's database, each as its columns' text.
std::vector<std::vector<std::string>> query(const fs::path& dir, const std::string& sql) {
  const fs::path db_path = dir / "data" / "smart-auth.db";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<std::vector<std::string>> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const auto* text = sqlite3_column_text(stmt, i);
      row.emplace_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

std::string output_value(const std::string& output, const std::string& key) {
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ": ", 0) == 0) return line.substr(key.size() + 2);
  }
  return {};
}

TEST_CASE("bench-mint writes refresh tokens each in its own offline grant, and a 0600 file",
          "[bench_mint]") {
  // REFRESH-9: offline families live tokens.offline_refresh_lifetime_s (90 days by default).
  BenchDir bench;
  auto run =
      bench.mint({"--client-id", "bench-app", "--refresh", "2000", "--out", bench.out.string()});
  INFO(run.output);
  REQUIRE(run.status.exit_code == 0);

  struct stat st {};
  REQUIRE(::stat(bench.out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto tokens = bench.lines();
  REQUIRE(tokens.size() == 2000);
  CHECK(std::set<std::string>(tokens.begin(), tokens.end()).size() == 2000);
  CHECK(tokens.front().size() >= 43);  // 256 random bits, base64url

  // One progress line per tenth, each after that tenth is durable.
  std::size_t progress = 0;
  for (auto at = run.output.find("bench-mint: "); at != std::string::npos;
       at = run.output.find("bench-mint: ", at + 1)) {
    ++progress;
  }
  CHECK(progress == 10);

  const auto families = query(bench.dir.path(),
                              "SELECT r.token_hash, g.client_id, g.refresh_kind, "
                              "r.expires_at - r.issued_at, g.expires_at - r.expires_at, "
                              "r.retired_at, g.revoked_at, g.scope, g.user_id, g.aud "
                              "FROM refresh_tokens r JOIN grants g USING (grant_id)");
  REQUIRE(families.size() == 2000);
  std::set<std::string> hashes;
  for (const auto& row : families) hashes.insert(row[0]);
  for (const auto& token : tokens) CHECK(hashes.count(tokens::refresh_token_key(token)) == 1);
  const auto& row = families.front();
  CHECK(row[1] == "bench-app");
  CHECK(row[2] == "offline");
  CHECK(row[3] == "7776000");
  CHECK(row[4] == "972000");  // the grant outlives its token by an eighth of 90 days, as issued
  CHECK(row[5] == "NULL");
  CHECK(row[6] == "NULL");
  CHECK(row[7] == "launch/patient openid fhirUser offline_access patient/*.rs");
  CHECK(row[8] == "pat-jones");
  CHECK(query(bench.dir.path(), "SELECT count(DISTINCT grant_id) FROM grants")[0][0] == "2000");
  // Plain tokens never reach the database or the log.
  CHECK(run.output.find(tokens.front()) == std::string::npos);
}

TEST_CASE(
    "bench-mint writes unused codes bound to the client's first redirect_uri and a fixed "
    "PKCE verifier",
    "[bench_mint]") {
  BenchDir bench;
  auto run = bench.mint({"--client-id", "bench-app", "--codes", "30", "--code-lifetime-s", "900",
                         "--scope", "openid patient/*.rs", "--out", bench.out.string()});
  INFO(run.output);
  REQUIRE(run.status.exit_code == 0);
  const auto codes = bench.lines();
  REQUIRE(codes.size() == 30);
  const std::string verifier = output_value(run.output, "code_verifier");
  // RFC 7636 §4.1: 43 to 128 characters.
  CHECK(verifier.size() >= 43);
  CHECK(verifier.size() <= 128);
  CHECK(output_value(run.output, "redirect_uri") == "https://bench.example/cb");

  const auto rows = query(bench.dir.path(),
                          "SELECT code_hash, grant_id, client_id, redirect_uri, redirect_uri_sent, "
                          "code_challenge, expires_at - issued_at, used_at, scope, context_json "
                          "FROM authorization_codes");
  REQUIRE(rows.size() == 30);
  std::set<std::string> hashes, grants;
  for (const auto& row : rows) {
    hashes.insert(row[0]);
    grants.insert(row[1]);
    CHECK(row[2] == "bench-app");
    CHECK(row[3] == "https://bench.example/cb");
    CHECK(row[4] == "1");
    // RFC 7636 §4.2: S256 challenge = BASE64URL(SHA256(verifier)).
    CHECK(row[5] == crypto::sha256_b64url(verifier));
    CHECK(row[6] == "900");
    CHECK(row[7] == "NULL");
    CHECK(row[8] == "openid patient/*.rs");
    CHECK(row[9].find("\"patient\"") == std::string::npos);  // no launch/patient asked
  }
  CHECK(grants.size() == 30);  // each code its own authorization
  for (const auto& code : codes) CHECK(hashes.count(crypto::sha256_b64url(code)) == 1);
}

TEST_CASE("bench-mint refuses what the token endpoint would refuse, writing nothing",
          "[bench_mint]") {
  BenchDir bench;
  const std::string out = bench.out.string();
  SECTION("an unregistered client") {
    auto run = bench.mint({"--client-id", "nobody", "--codes", "5", "--out", out});
    CHECK(run.status.exit_code == 1);
    CHECK(run.output.find("--client-id nobody") != std::string::npos);
  }
  SECTION("refresh tokens for a client that did not register refresh_token") {
    auto run = bench.mint({"--client-id", "codes-only", "--refresh", "5", "--out", out});
    CHECK(run.status.exit_code == 1);
    CHECK(run.output.find("refresh_token") != std::string::npos);
  }
  SECTION("refresh tokens without offline_access") {
    auto run = bench.mint(
        {"--client-id", "bench-app", "--refresh", "5", "--scope", "patient/*.rs", "--out", out});
    CHECK(run.status.exit_code == 1);
    CHECK(run.output.find("--scope") != std::string::npos);
  }
  SECTION("both kinds at once, or a count that is not a positive number") {
    CHECK(bench.mint({"--client-id", "bench-app", "--codes", "5", "--refresh", "5", "--out", out})
              .status.exit_code == 2);
    CHECK(bench.mint({"--client-id", "bench-app", "--codes", "0", "--out", out}).status.exit_code ==
          2);
    CHECK(
        bench.mint({"--client-id", "bench-app", "--codes", "5x", "--out", out}).status.exit_code ==
        2);
    CHECK(bench.mint({"--client-id", "bench-app", "--codes", "5"}).status.exit_code == 2);
  }
  CHECK_FALSE(fs::exists(bench.out));
  if (fs::exists(bench.dir.path() / "data" / "smart-auth.db")) {
    CHECK(query(bench.dir.path(), "SELECT count(*) FROM authorization_codes")[0][0] == "0");
    CHECK(query(bench.dir.path(), "SELECT count(*) FROM grants")[0][0] == "0");
  }
}

}  // namespace

TEST_CASE("bench-mint refuses to write into the database of a running server", "[bench_mint]") {
  // Its rows bypass the server (and its caches): "with the server stopped" is enforced by the
  // lock serve holds, as for restore.
  TempDir dir;
  ServiceProcess server(dir.path(), test_config_yaml(dir.path(), {}, kClients));
  REQUIRE(server.wait_ready());
  const fs::path out = dir.path() / "minted.txt";
  auto run = run_command({binary_path().string(), "bench-mint", "--config",
                          (dir.path() / "smart-auth.yaml").string(), "--client-id", "bench-app",
                          "--codes", "3", "--out", out.string()},
                         std::chrono::seconds(60));
  INFO(run.output);
  CHECK(run.status.exit_code == 1);
  CHECK(run.output.find("smart-auth.db.lock") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  REQUIRE(server.stop(SIGTERM).exit_code == 0);
}

}  // namespace sa::test
