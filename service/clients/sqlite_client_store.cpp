#include "clients/sqlite_client_store.hpp"

#include <set>
#include <utility>

#include "util/strings.hpp"

namespace sa::clients {
namespace {

using store::Connection;
using store::StoreStatus;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    out += item;
  }
  return out;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (std::string_view item : split(text, ' ')) out.emplace_back(item);
  return out;
}

// Binds every column to the parameters of kInsert / kUpdate (client_id last) and runs it.
StoreStatus run_with_fields(store::Statement stmt, const ClientRecord& c) {
  return stmt.bind(1, c.token_endpoint_auth_method)
      .bind(2, join(c.grant_types))
      .bind(3, join(c.redirect_uris))
      .bind(4, c.scope)
      .bind(5, c.jwks_json)
      .bind(6, c.jwks_uri)
      .bind(7, c.secret_hash)
      .bind(8, c.secret_expires_at)
      .bind(9, c.registration_token_hash)
      .bind(10, c.issued_at)
      .bind(11, std::int64_t{c.is_static ? 1 : 0})
      .bind(12, std::int64_t{c.pre_approved ? 1 : 0})
      .bind(13, c.metadata_json)
      .bind_optional(14, c.max_scope)
      .bind(15, c.client_id)
      .run();
}

constexpr const char* kInsert =
    "INSERT INTO clients(token_endpoint_auth_method, grant_types, redirect_uris, scope, "
    "jwks_json, jwks_uri, secret_hash, secret_expires_at, registration_token_hash, issued_at, "
    "is_static, pre_approved, metadata_json, max_scope, client_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr const char* kUpdate =
    "UPDATE clients SET token_endpoint_auth_method = ?, grant_types = ?, redirect_uris = ?, "
    "scope = ?, jwks_json = ?, jwks_uri = ?, secret_hash = ?, secret_expires_at = ?, "
    "registration_token_hash = ?, issued_at = ?, is_static = ?, pre_approved = ?, "
    "metadata_json = ?, max_scope = ? WHERE client_id = ?";

// The columns in the order read_row() reads them; the list query adds client_id last.
constexpr const char* kFind =
    "SELECT token_endpoint_auth_method, grant_types, redirect_uris, scope, jwks_json, jwks_uri, "
    "secret_hash, secret_expires_at, registration_token_hash, issued_at, is_static, "
    "pre_approved, metadata_json, max_scope FROM clients WHERE client_id = ?";
constexpr const char* kRegistered =
    "SELECT token_endpoint_auth_method, grant_types, redirect_uris, scope, jwks_json, jwks_uri, "
    "secret_hash, secret_expires_at, registration_token_hash, issued_at, is_static, "
    "pre_approved, metadata_json, max_scope, client_id FROM clients WHERE is_static = 0 "
    "ORDER BY client_id";

constexpr const char* kAll =
    "SELECT token_endpoint_auth_method, grant_types, redirect_uris, scope, jwks_json, jwks_uri, "
    "secret_hash, secret_expires_at, registration_token_hash, issued_at, is_static, "
    "pre_approved, metadata_json, max_scope, client_id FROM clients "
    "ORDER BY issued_at, client_id";

ClientRecord read_row(const store::Statement& stmt, std::string client_id) {
  return ClientRecord{.client_id = std::move(client_id),
                      .token_endpoint_auth_method = stmt.column_text(0),
                      .grant_types = split_list(stmt.column_text(1)),
                      .redirect_uris = split_list(stmt.column_text(2)),
                      .scope = stmt.column_text(3),
                      .jwks_json = stmt.column_text(4),
                      .jwks_uri = stmt.column_text(5),
                      .secret_hash = stmt.column_text(6),
                      .secret_expires_at = stmt.column_int64(7),
                      .registration_token_hash = stmt.column_text(8),
                      .issued_at = stmt.column_int64(9),
                      .is_static = stmt.column_int64(10) != 0,
                      .pre_approved = stmt.column_int64(11) != 0,
                      .metadata_json = stmt.column_text(12),
                      .max_scope = stmt.column_optional_text(13)};
}

StoreStatus changed_one(Connection& conn, StoreStatus status) {
  if (status != StoreStatus::ok) return status;
  return conn.changes() == 0 ? StoreStatus::not_found : StoreStatus::ok;
}

}  // namespace

Expected<ClientRecord, StoreStatus> SqliteClientStore::find(std::string_view client_id) {
  return db_.read([client_id](Connection& conn) -> Expected<ClientRecord, StoreStatus> {
    auto stmt = conn.prepare(kFind);
    stmt.bind(1, client_id);
    if (!stmt.step()) return unexpected(stmt.no_row());
    return read_row(stmt, std::string(client_id));
  });
}

Expected<std::vector<ClientRecord>, StoreStatus> SqliteClientStore::registered_clients() {
  return list(kRegistered);
}

Expected<std::vector<ClientRecord>, StoreStatus> SqliteClientStore::all_clients() {
  return list(kAll);
}

Expected<std::vector<ClientRecord>, StoreStatus> SqliteClientStore::list(const char* sql) {
  return db_.read([sql](Connection& conn) -> Expected<std::vector<ClientRecord>, StoreStatus> {
    auto stmt = conn.prepare(sql);
    std::vector<ClientRecord> out;
    while (stmt.step()) out.push_back(read_row(stmt, stmt.column_text(14)));
    if (stmt.status() != StoreStatus::ok) return unexpected(stmt.status());
    return out;
  });
}

void SqliteClientStore::insert(ClientRecord client, store::DoneFn done) {
  // A duplicate client_id fails the PRIMARY KEY and comes back as conflict.
  db_.write([client = std::move(client)](
                Connection& conn) { return run_with_fields(conn.prepare(kInsert), client); },
            std::move(done));
}

void SqliteClientStore::replace(ClientRecord client, store::DoneFn done) {
  db_.write(
      [client = std::move(client)](Connection& conn) {
        return changed_one(conn, run_with_fields(conn.prepare(kUpdate), client));
      },
      std::move(done));
}

void SqliteClientStore::remove(std::string client_id, store::DoneFn done) {
  db_.write(
      [client_id = std::move(client_id)](Connection& conn) {
        // Rows issued to the client go with it (ON DELETE CASCADE in their tables).
        return changed_one(
            conn, conn.prepare("DELETE FROM clients WHERE client_id = ?").bind(1, client_id).run());
      },
      std::move(done));
}

StoreStatus SqliteClientStore::sync_static(const std::vector<ClientRecord>& clients) {
  return db_.write_sync([&clients](Connection& conn) {
    std::set<std::string> wanted;
    for (const ClientRecord& c : clients) {
      wanted.insert(c.client_id);
      // Never overwrite a dynamically registered client that happens to have the same id.
      auto existing = conn.prepare("SELECT is_static FROM clients WHERE client_id = ?");
      existing.bind(1, c.client_id);
      const bool found = existing.step();
      if (existing.status() != StoreStatus::ok) return existing.status();
      if (found && existing.column_int64(0) == 0) return StoreStatus::conflict;
      StoreStatus status = run_with_fields(conn.prepare(found ? kUpdate : kInsert), c);
      if (status != StoreStatus::ok) return status;
    }
    std::vector<std::string> stale;
    {
      auto stmt = conn.prepare("SELECT client_id FROM clients WHERE is_static = 1");
      while (stmt.step()) {
        if (!wanted.contains(stmt.column_text(0))) stale.push_back(stmt.column_text(0));
      }
      if (stmt.status() != StoreStatus::ok) return stmt.status();
    }
    for (const auto& id : stale) {
      StoreStatus status =
          conn.prepare("DELETE FROM clients WHERE client_id = ?").bind(1, id).run();
      if (status != StoreStatus::ok) return status;
    }
    return StoreStatus::ok;
  });
}

}  // namespace sa::clients
