// `smart-auth backup` and `restore` (issue 9 "Operator commands"): a backup taken while clients
// register and get tokens passes PRAGMA integrity_check; restore refuses while the server runs
// (it holds <db>.lock) and, with it stopped, puts the backup in place so the next start serves
// the clients the backup holds.
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>

#include "e2e/ops_support.hpp"
#include "e2e/registration_support.hpp"
#include "e2e/running_service.hpp"

namespace sa::test {
namespace {

namespace fs = std::filesystem;

const std::string kExtra =
    "tokens:\n  client_credentials_auth_methods: [private_key_jwt, client_secret_basic]\n"
    "rate_limits:\n  enabled: false\n";

std::string pragma(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

int token_status(HttpsClient& http, const Client& c) {
  return http
      .post_form("/auth/token",
                 form_of({{"grant_type", "client_credentials"}, {"scope", "system/*.rs"}}),
                 {{"Authorization", c.basic()}})
      .status;
}

TEST_CASE("a backup taken under load is consistent, and restore swaps it in only with the "
          "server stopped",
          "[ops][backup]") {
  TempDir dir;
  const fs::path config = dir.path() / "smart-auth.yaml";
  const fs::path backup = dir.path() / "backup.db";
  const std::string yaml = test_config_yaml(dir.path(), {}, kExtra);
  Client kept;     // in the backup
  Client dropped;  // added after it: gone once the backup is restored
  {
    ServiceProcess server(dir.path(), yaml);
    REQUIRE(server.wait_ready());
    kept = add_backend_client(config, "in the backup");

    // A bounded loop of registrations and token requests on its own connection while the
    // backup runs; it stops when the backup is done (or after 2,000 rounds).
    std::atomic<bool> done{false};
    std::atomic<int> ok{0}, failed{0};
    std::thread load([&] {
      HttpsClient http(server.https_port(), server.ca_file().string());
      for (int i = 0; i < 2'000 && !done; ++i) {
        auto reg = http.request(
            "POST", "/auth/register", {{"Content-Type", "application/json"}},
            R"({"client_name":"load","redirect_uris":["https://load.example/cb"],)"
            R"("token_endpoint_auth_method":"none","scope":"patient/*.rs"})");
        (reg.status == 201 ? ok : failed)++;
        (token_status(http, kept) == 200 ? ok : failed)++;
      }
    });
    // The backup starts once the load is under way, and runs while it goes on.
    REQUIRE(within(std::chrono::seconds(20), [&] { return ok >= 20 || failed > 0; }));
    auto out = smart_auth(config, {"backup", backup.string()});
    const int during = ok;
    done = true;
    load.join();
    INFO(out.output);
    REQUIRE(out.status.exit_code == 0);
    CHECK(contains(out.output, "integrity_check ok"));
    CHECK(failed == 0);
    CHECK(during >= 20);
    CHECK(pragma(backup, "PRAGMA integrity_check") == "ok");
    CHECK(pragma(backup, "SELECT count(*) FROM clients WHERE client_id = '" + kept.client_id +
                             "'") == "1");
    struct stat st {};
    REQUIRE(::stat(backup.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    // An existing file is kept unless --force.
    auto again = smart_auth(config, {"backup", backup.string()});
    CHECK(again.status.exit_code == 1);
    CHECK(contains(again.output, "exists; pass --force"));
    dropped = add_backend_client(config, "after the backup");

    // The server holds the lock: a second server on the same database is refused...
    auto second = run_command({binary_path().string(), "serve", "--config", config.string()},
                              std::chrono::seconds(15));
    INFO(second.output);
    CHECK(second.status.exit_code == 1);
    CHECK(contains(second.output, "smart-auth.db.lock"));

    // ...and so is restore, naming what to do.
    auto refused = smart_auth(config, {"restore", backup.string()});
    INFO(refused.output);
    CHECK(refused.status.exit_code == 1);
    CHECK(contains(refused.output, "stop the server first"));
    REQUIRE(token_status(*std::make_unique<HttpsClient>(server.https_port(),
                                                        server.ca_file().string()),
                         dropped) == 200);
    REQUIRE(server.stop(SIGTERM).exit_code == 0);
  }

  auto restored = smart_auth(config, {"restore", backup.string()});
  INFO(restored.output);
  REQUIRE(restored.status.exit_code == 0);
  CHECK(contains(restored.output, "schema version"));
  CHECK(fs::exists(dir.path() / "data" / "smart-auth.db.pre-restore"));

  ServiceProcess server(dir.path(), yaml);
  REQUIRE(server.wait_ready());
  HttpsClient http(server.https_port(), server.ca_file().string());
  CHECK(token_status(http, kept) == 200);
  CHECK(token_status(http, dropped) == 401);
}

TEST_CASE("restore refuses a file that is not a smart-auth database", "[ops][backup]") {
  TempDir dir;
  const fs::path config = dir.path() / "smart-auth.yaml";
  { std::ofstream(config) << test_config_yaml(dir.path()); }
  const fs::path junk = dir.path() / "junk.db";
  { std::ofstream(junk) << "not a database at all, just some text that is long enough"; }
  auto out = smart_auth(config, {"restore", junk.string()});
  INFO(out.output);
  CHECK(out.status.exit_code == 1);
  CHECK_FALSE(fs::exists(dir.path() / "data" / "smart-auth.db"));

  // An SQLite file of someone else's.
  const fs::path other = dir.path() / "other.db";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(other.c_str(), &db) == SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE notes(text TEXT)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto foreign = smart_auth(config, {"restore", other.string()});
  CHECK(foreign.status.exit_code == 1);
  CHECK(contains(foreign.output, "not a smart-auth database"));

  // A smart-auth database from a newer binary.
  REQUIRE(smart_auth(config, {"migrate"}).status.exit_code == 0);
  const fs::path live = dir.path() / "data" / "smart-auth.db";
  const fs::path newer = dir.path() / "newer.db";
  REQUIRE(smart_auth(config, {"backup", newer.string()}).status.exit_code == 0);
  REQUIRE(sqlite3_open(newer.c_str(), &db) == SQLITE_OK);
  sqlite3_exec(db, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'x', 0)",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto too_new = smart_auth(config, {"restore", newer.string()});
  INFO(too_new.output);
  CHECK(too_new.status.exit_code == 1);
  CHECK(contains(too_new.output, "newer than this binary"));
  (void)live;
}

TEST_CASE("backup and restore answer --help and name a bad argument", "[ops][backup]") {
  for (const char* command : {"backup", "restore"}) {
    auto help = smart_auth_plain({command, "--help"});
    CHECK(help.status.exit_code == 0);
    CHECK(contains(help.output, std::string("usage: smart-auth ") + command));
    auto missing = smart_auth_plain({command});
    CHECK(missing.status.exit_code == 2);
    CHECK(contains(missing.output, "needs BACKUP_FILE"));
    auto extra = smart_auth_plain({command, "a.db", "b.db"});
    CHECK(extra.status.exit_code == 2);
    CHECK(contains(extra.output, "unexpected argument b.db"));
  }
  auto bad = smart_auth_plain({"restore", "--force", "x.db"});
  CHECK(bad.status.exit_code == 2);
  CHECK(contains(bad.output, "unknown argument --force"));
}

}  // namespace
}  // namespace sa::test
