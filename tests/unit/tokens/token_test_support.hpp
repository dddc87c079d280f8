// A temp-file Database for the token tests with the real signing_keys and access_tokens
// migrations and, until migrations/0002_clients.sql exists, a minimal clients table as version 2
// (access_tokens references it). Migration files are read from SMART_AUTH_SOURCE_DIR (ctest).
#pragma once

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/migrator.hpp"
#include "unit/store/store_test_support.hpp"
#include "util/clock.hpp"

namespace sa::tokens::test {

inline std::string read_migration(const std::string& file) {
  const char* root = std::getenv("SMART_AUTH_SOURCE_DIR");
  if (root == nullptr) throw std::runtime_error("SMART_AUTH_SOURCE_DIR is not set (run via ctest)");
  std::ifstream in(std::string(root) + "/migrations/" + file);
  if (!in) throw std::runtime_error("cannot read migrations/" + file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::vector<store::Migration> token_migrations() {
  return {
      {1, "signing_keys", read_migration("0001_signing_keys.sql")},
      {2, "clients_stub", "CREATE TABLE clients(client_id TEXT PRIMARY KEY) STRICT;"},
      {3, "tokens", read_migration("0003_tokens.sql")},
  };
}

struct TokenDatabase {
  store::test::TempDir dir;
  FakeClock clock{1'700'000'000};
  std::unique_ptr<store::Database> db = [this] {
    auto opened = store::Database::open(store::test::settings_in(dir), token_migrations(), clock);
    if (!opened) throw std::runtime_error(opened.error());
    return std::move(*opened);
  }();

  store::StoreStatus add_client(const std::string& client_id) {
    return db->write_sync([&](store::Connection& conn) {
      return conn.prepare("INSERT INTO clients(client_id) VALUES (?)").bind(1, client_id).run();
    });
  }
  store::StoreStatus delete_client(const std::string& client_id) {
    return db->write_sync([&](store::Connection& conn) {
      return conn.prepare("DELETE FROM clients WHERE client_id = ?").bind(1, client_id).run();
    });
  }
};

}  // namespace sa::tokens::test
