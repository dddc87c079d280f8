#include "store/connection.hpp"

#include <catch2/catch.hpp>

#include "store/transaction.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::store {
namespace {

std::unique_ptr<Connection> memory_db() {
  auto conn = Connection::open(":memory:", ConnectionOptions{.create = true});
  REQUIRE(conn);
  REQUIRE(conn.value()->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
                             "n INTEGER CHECK (n >= 0))") == StoreStatus::ok);
  return std::move(*conn);
}

TEST_CASE("a reused prepared statement starts with its bindings cleared", "[store][connection]") {
  auto conn = memory_db();
  {
    auto stmt = conn->prepare("SELECT ?");
    REQUIRE(stmt.bind(1, std::int64_t{42}).step());
    CHECK(stmt.column_int64(0) == 42);
  }
  auto again = conn->prepare("SELECT ?");
  REQUIRE(again.step());
  CHECK(again.column_optional_int64(0) == std::nullopt);
}

TEST_CASE("the same SQL can be leased twice at once", "[store][connection]") {
  auto conn = memory_db();
  auto outer = conn->prepare("SELECT ?");
  auto inner = conn->prepare("SELECT ?");
  REQUIRE(outer.bind(1, std::int64_t{1}).step());
  REQUIRE(inner.bind(1, std::int64_t{2}).step());
  CHECK(outer.column_int64(0) == 1);
  CHECK(inner.column_int64(0) == 2);
}

TEST_CASE("text, empty text and NULL bind as themselves", "[store][connection]") {
  auto conn = memory_db();
  auto stmt = conn->prepare("SELECT ?, typeof(?), typeof(?)");
  REQUIRE(stmt.bind(1, std::string_view("pem"))
              .bind(2, std::string_view())  // data() == nullptr must still be '' and not NULL
              .bind(3, std::optional<std::int64_t>())
              .step());
  CHECK(stmt.column_text(0) == "pem");
  CHECK(stmt.column_text(1) == "text");
  CHECK(stmt.column_text(2) == "null");
}

TEST_CASE("SQLite failures map to the closed StoreStatus set", "[store][connection]") {
  auto conn = memory_db();
  auto insert = [&](std::int64_t id, std::string_view name, std::int64_t n) {
    return conn->prepare("INSERT INTO t(id, name, n) VALUES (?, ?, ?)")
        .bind(1, id)
        .bind(2, name)
        .bind(3, n)
        .run();
  };
  REQUIRE(insert(1, "a", 0) == StoreStatus::ok);
  SECTION("a duplicate primary key is a conflict") {
    CHECK(insert(1, "b", 0) == StoreStatus::conflict);
  }
  SECTION("a duplicate unique column is a conflict") {
    CHECK(insert(2, "a", 0) == StoreStatus::conflict);
  }
  SECTION("a CHECK failure is a constraint violation") {
    CHECK(insert(2, "b", -1) == StoreStatus::constraint);
  }
  SECTION("bad SQL is an io_error whose message reaches last_error") {
    CHECK(conn->prepare("SELEC 1").status() == StoreStatus::io_error);
    CHECK(conn->last_error().find("syntax error") != std::string::npos);
  }
  SECTION("prepare takes exactly one statement") {
    CHECK(conn->prepare("SELECT 1; SELECT 2").status() == StoreStatus::io_error);
    CHECK(conn->prepare("SELECT 1;").status() == StoreStatus::ok);
  }
}

TEST_CASE("a lookup that finds no row says not_found, or why it failed", "[store][connection]") {
  auto conn = memory_db();
  auto none = conn->prepare("SELECT id FROM t WHERE id = ?");
  REQUIRE_FALSE(none.bind(1, std::int64_t{7}).step());
  CHECK(none.no_row() == StoreStatus::not_found);
  auto broken = conn->prepare("SELECT id FROM no_such_table");
  REQUIRE_FALSE(broken.step());
  CHECK(broken.no_row() == broken.status());
  CHECK(broken.no_row() != StoreStatus::ok);
  CHECK(broken.no_row() != StoreStatus::not_found);
}

TEST_CASE("a transaction not committed is rolled back by its destructor", "[store][connection]") {
  auto conn = memory_db();
  {
    auto tx = Transaction::begin(*conn);
    REQUIRE(tx);
    REQUIRE(conn->exec("INSERT INTO t(id, name) VALUES (1, 'a')") == StoreStatus::ok);
  }
  CHECK_FALSE(conn->in_transaction());
  CHECK(test::query_int(*conn, "SELECT COUNT(*) FROM t") == 0);
  {
    auto tx = Transaction::begin(*conn);
    REQUIRE(conn->exec("INSERT INTO t(id, name) VALUES (1, 'a')") == StoreStatus::ok);
    REQUIRE(tx->commit() == StoreStatus::ok);
  }
  CHECK(test::query_int(*conn, "SELECT COUNT(*) FROM t") == 1);
}

TEST_CASE("rolling back a savepoint keeps the enclosing transaction", "[store][connection]") {
  auto conn = memory_db();
  auto tx = Transaction::begin(*conn);
  REQUIRE(tx);
  REQUIRE(conn->exec("INSERT INTO t(id, name) VALUES (1, 'kept')") == StoreStatus::ok);
  {
    auto savepoint = Savepoint::begin(*conn, "op");
    REQUIRE(savepoint);
    REQUIRE(conn->exec("INSERT INTO t(id, name) VALUES (2, 'undone')") == StoreStatus::ok);
  }
  {
    auto savepoint = Savepoint::begin(*conn, "op");
    REQUIRE(conn->exec("INSERT INTO t(id, name) VALUES (3, 'released')") == StoreStatus::ok);
    REQUIRE(savepoint->release() == StoreStatus::ok);
  }
  REQUIRE(conn->in_transaction());
  REQUIRE(tx->commit() == StoreStatus::ok);
  CHECK(test::query_int(*conn, "SELECT COUNT(*) FROM t WHERE id IN (1, 3)") == 2);
  CHECK(test::query_int(*conn, "SELECT COUNT(*) FROM t") == 2);
}

TEST_CASE("transaction and savepoint control is parsed once per connection, not per batch",
          "[store][connection]") {
  // Issue 6 §4: every write batch runs BEGIN, SAVEPOINT and RELEASE per write, and COMMIT.
  auto conn = memory_db();
  const std::size_t before = conn->cached_statements();
  for (int i = 0; i < 3; ++i) {
    auto tx = Transaction::begin(*conn, Transaction::Mode::immediate);
    REQUIRE(tx);
    auto sp = Savepoint::begin(*conn, "op");
    REQUIRE(sp);
    REQUIRE(sp->release() == StoreStatus::ok);
    REQUIRE(tx->commit() == StoreStatus::ok);
  }
  CHECK_FALSE(conn->in_transaction());
  CHECK(conn->cached_statements() == before + 4);  // BEGIN IMMEDIATE, SAVEPOINT, RELEASE, COMMIT
}

TEST_CASE("every StoreStatus has a name", "[store]") {
  auto status = GENERATE(StoreStatus::ok, StoreStatus::not_found, StoreStatus::conflict,
                         StoreStatus::constraint, StoreStatus::busy, StoreStatus::io_error,
                         StoreStatus::closed);
  CHECK(to_string(status) != "unknown");
  CHECK_FALSE(to_string(status).empty());
}

}  // namespace
}  // namespace sa::store
