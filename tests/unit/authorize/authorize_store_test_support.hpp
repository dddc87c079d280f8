// A fixture for the authorize store tests: a real SQLite file in a temporary directory with every
// embedded migration, a FakeClock for "now", registered clients to hang codes and consents on,
// and an independent connection to count what is really on disk.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "store/database.hpp"
#include "store/status.hpp"
#include "unit/store/store_test_support.hpp"
#include "util/clock.hpp"

namespace sa::authorize::test {

struct AuthorizeDatabase {
  store::test::TempDir dir;
  FakeClock clock{1'700'000'000};
  std::unique_ptr<store::Database> db = store::test::open_database(dir);
  std::unique_ptr<store::Connection> disk = store::test::observer(dir.file("test.db"));

  std::int64_t now() const { return clock.now_seconds(); }

  // The smallest row migrations/0002_clients.sql accepts: a public client.
  store::StoreStatus add_client(const std::string& client_id) {
    return store::test::add_public_client(*db, client_id);
  }
  store::StoreStatus delete_client(const std::string& client_id) {
    return db->write_sync([&](store::Connection& conn) {
      return conn.prepare("DELETE FROM clients WHERE client_id = ?").bind(1, client_id).run();
    });
  }
  std::int64_t rows(const std::string& table) {
    return store::test::query_int(*disk, "SELECT COUNT(*) FROM " + table);
  }
};

}  // namespace sa::authorize::test
