#include "store/migrator.hpp"

#include <catch2/catch.hpp>

#include "store/database.hpp"
#include "unit/store/store_test_support.hpp"
#include "util/clock.hpp"

namespace sa::store {
namespace {

using test::query_int;

const Migration create_a{1, "create_a",
                         "CREATE TABLE a(id INTEGER PRIMARY KEY);"
                         "INSERT INTO a(id) VALUES (1);"};
const Migration add_b{2, "add_b", "ALTER TABLE a ADD COLUMN b TEXT;"};
const Migration create_c{3, "create_c", "CREATE TABLE c(a_id INTEGER REFERENCES a(id));"};

std::unique_ptr<Connection> open_file(const std::string& path) {
  auto conn = Connection::open(path, ConnectionOptions{.create = true, .wal = true});
  REQUIRE(conn);
  return std::move(*conn);
}

TEST_CASE("migrations are applied in version order and recorded", "[store][migrator]") {
  test::TempDir dir;
  auto conn = open_file(dir.file("m.db"));
  // Listed out of order: add_b can only run after create_a.
  auto report = Migrator({create_c, add_b, create_a}).run(*conn, 1'700'000'000);
  REQUIRE(report);
  CHECK(report->from_version == 0);
  CHECK(report->to_version == 3);
  CHECK(report->applied == std::vector<std::int64_t>{1, 2, 3});

  auto rows =
      conn->prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  std::vector<std::string> recorded;
  while (rows.step()) {
    recorded.push_back(std::to_string(rows.column_int64(0)) + " " + rows.column_text(1) + " " +
                       std::to_string(rows.column_int64(2)));
  }
  CHECK(recorded == std::vector<std::string>{"1 create_a 1700000000", "2 add_b 1700000000",
                                             "3 create_c 1700000000"});
}

TEST_CASE("running the migrator again applies only what is new", "[store][migrator]") {
  test::TempDir dir;
  const std::string path = dir.file("m.db");
  REQUIRE(Migrator({create_a}).run(*open_file(path), 1));

  auto conn = open_file(path);
  auto again = Migrator({create_a}).run(*conn, 2);
  REQUIRE(again);  // create_a is not idempotent: a second CREATE TABLE would fail
  CHECK(again->applied.empty());
  CHECK(again->from_version == 1);

  auto more = Migrator({create_a, add_b}).run(*conn, 3);
  REQUIRE(more);
  CHECK(more->applied == std::vector<std::int64_t>{2});
  CHECK(query_int(*conn, "SELECT COUNT(*) FROM a") == 1);
  CHECK(query_int(*conn, "SELECT COUNT(*) FROM schema_migrations") == 2);
}

TEST_CASE("reopening a Database does not reapply its migrations", "[store][migrator]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  const FakeClock clock(100);
  for (int i = 0; i < 2; ++i) {
    auto db = Database::open(settings, {create_a}, clock);
    REQUIRE(db);
  }
  auto conn = test::observer(settings.path);
  CHECK(query_int(*conn, "SELECT COUNT(*) FROM a") == 1);
  CHECK(query_int(*conn, "SELECT COUNT(*) FROM schema_migrations") == 1);
}

TEST_CASE("a database newer than the binary is refused", "[store][migrator]") {
  test::TempDir dir;
  const std::string path = dir.file("m.db");
  REQUIRE(Migrator({create_a, add_b, create_c}).run(*open_file(path), 1));

  auto refused = Migrator({create_a, add_b}).run(*open_file(path), 2);
  REQUIRE_FALSE(refused);
  CHECK(refused.error() ==
        "database schema version 3 is newer than this binary knows (2); upgrade smart-auth or "
        "restore a backup");

  auto settings = test::settings_in(dir, "m.db");
  auto db = Database::open(settings, {create_a}, FakeClock(3));
  REQUIRE_FALSE(db);
  CHECK_THAT(db.error(), Catch::Contains("database schema version 3 is newer than this binary "
                                         "knows (1); upgrade smart-auth or restore a backup"));
}

TEST_CASE("a failing migration is rolled back and reported", "[store][migrator]") {
  test::TempDir dir;
  const std::string path = dir.file("m.db");
  const Migration broken{2, "broken",
                         "CREATE TABLE half(x INTEGER); INSERT INTO missing VALUES (1);"};
  auto conn = open_file(path);

  auto failed = Migrator({create_a, broken}).run(*conn, 1);
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.error(), Catch::Contains("migration 0002_broken failed and was rolled back"));
  CHECK_THAT(failed.error(), Catch::Contains("no such table: missing"));
  CHECK_FALSE(conn->in_transaction());
  CHECK(query_int(*conn, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'half'") == 0);
  CHECK(query_int(*conn, "SELECT MAX(version) FROM schema_migrations") == 1);

  const Migration fixed{2, "broken", "CREATE TABLE half(x INTEGER);"};
  auto retried = Migrator({create_a, fixed}).run(*conn, 2);
  REQUIRE(retried);
  CHECK(retried->applied == std::vector<std::int64_t>{2});
}

TEST_CASE("a migration leaving dangling foreign keys is refused", "[store][migrator]") {
  test::TempDir dir;
  auto conn = open_file(dir.file("m.db"));
  const Migration dangling{4, "dangling", "INSERT INTO c(a_id) VALUES (99);"};
  auto failed = Migrator({create_a, add_b, create_c, dangling}).run(*conn, 1);
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.error(), Catch::Contains("0004_dangling") && Catch::Contains("FOREIGN KEY"));
}

TEST_CASE("a migration that ends its own transaction is refused", "[store][migrator]") {
  test::TempDir dir;
  auto conn = open_file(dir.file("m.db"));
  const Migration commits{1, "commits", "CREATE TABLE x(y INTEGER); COMMIT;"};
  auto failed = Migrator({commits}).run(*conn, 1);
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.error(), Catch::Contains("0001_commits"));
}

TEST_CASE("two migrations with one version are refused", "[store][migrator]") {
  test::TempDir dir;
  auto conn = open_file(dir.file("m.db"));
  auto failed = Migrator({create_a, Migration{1, "again", "SELECT 1;"}}).run(*conn, 1);
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.error(), Catch::Contains("two migrations have version 1"));
}

TEST_CASE("the embedded migrations start with the signing_keys table", "[store][migrator]") {
  const auto& migrations = embedded_migrations();
  REQUIRE_FALSE(migrations.empty());
  CHECK(migrations.front().version == 1);
  CHECK(migrations.front().name == "signing_keys");
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    CHECK(migrations[i - 1].version < migrations[i].version);
  }

  test::TempDir dir;
  auto db = Database::open(test::settings_in(dir, "nested/dir/smart-auth.db"));
  REQUIRE(db);
  auto conn = test::observer(dir.file("nested/dir/smart-auth.db"));
  CHECK(query_int(*conn, "SELECT MAX(version) FROM schema_migrations") ==
        migrations.back().version);
  CHECK(query_int(*conn, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'signing_keys'") == 1);
}

}  // namespace
}  // namespace sa::store
