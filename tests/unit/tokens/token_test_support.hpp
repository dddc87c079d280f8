// A temp-file Database for the token tests with every real migration, and a way to add the
// client rows access_tokens, grants and refresh_tokens reference.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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
  // A grant row of `client_id` (which must exist) that access tokens can name, revoked at
  // `revoked_at` when given: the token store reads a token's revocation from its grant too.
  store::StoreStatus add_grant(const std::string& grant_id, const std::string& client_id,
                               std::optional<std::int64_t> revoked_at = std::nullopt) {
    return db->write_sync([&](store::Connection& conn) {
      return conn
          .prepare(
              "INSERT INTO grants(grant_id, client_id, user_id, fhir_user, user_name, auth_time, "
              "scope, aud, refresh_kind, created_at, expires_at, revoked_at) VALUES (?, ?, 'u', "
              "'Patient/1', 'U', 0, 's', 'https://fhir.example', 'none', 0, 2000000000, ?)")
          .bind(1, grant_id)
          .bind(2, client_id)
          .bind(3, revoked_at)
          .run();
    });
  }
  store::StoreStatus delete_client(const std::string& client_id) {
    return db->write_sync([&](store::Connection& conn) {
      return conn.prepare("DELETE FROM clients WHERE client_id = ?").bind(1, client_id).run();
    });
  }
};

}  // namespace sa::tokens::test
