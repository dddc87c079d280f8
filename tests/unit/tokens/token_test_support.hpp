// A temp-file Database for the token tests with every real migration, and a way to add the
// client rows access_tokens, grants and refresh_tokens reference.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/migrator.hpp"
#include "unit/store/store_test_support.hpp"
#include "util/clock.hpp"

namespace sa::tokens::test {

// Every migration: access_tokens gained columns in 0008, which also touches authorization_codes.
inline std::vector<store::Migration> token_migrations() { return store::embedded_migrations(); }

struct TokenDatabase {
  store::test::TempDir dir;
  FakeClock clock{1'700'000'000};
  std::unique_ptr<store::Database> db = [this] {
    auto opened = store::Database::open(store::test::settings_in(dir), token_migrations(), clock);
    if (!opened) throw std::runtime_error(opened.error());
    return std::move(*opened);
  }();

  store::StoreStatus add_client(const std::string& client_id) {
    return store::test::add_public_client(*db, client_id);
  }
  store::StoreStatus delete_client(const std::string& client_id) {
    return db->write_sync([&](store::Connection& conn) {
      return conn.prepare("DELETE FROM clients WHERE client_id = ?").bind(1, client_id).run();
    });
  }
};

}  // namespace sa::tokens::test
