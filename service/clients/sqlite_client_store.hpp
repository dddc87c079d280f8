// ClientStore over the SQLite Database (migrations/0002_clients.sql, 0005_client_max_scope.sql):
// writes go through the group-committing writer, find() through the read pool. List columns are
// space-separated.
#pragma once

#include <vector>

#include "clients/client_store.hpp"
#include "store/database.hpp"

namespace sa::clients {

class SqliteClientStore final : public ClientStore {
 public:
  explicit SqliteClientStore(store::Database& db) : db_(db) {}

  Expected<ClientRecord, store::StoreStatus> find(std::string_view client_id) override;
  void insert(ClientRecord client, store::DoneFn done) override;
  void replace(ClientRecord client, store::DoneFn done) override;
  void remove(std::string client_id, store::DoneFn done) override;
  store::StoreStatus sync_static(const std::vector<ClientRecord>& clients) override;

  // Every dynamically registered client, in one read (start-up: registration_caps.hpp). Not on
  // the ClientStore interface: nothing in the request path lists clients.
  Expected<std::vector<ClientRecord>, store::StoreStatus> registered_clients();
  // Every client, static ones too, oldest first: `smart-auth client list`.
  Expected<std::vector<ClientRecord>, store::StoreStatus> all_clients();

 private:
  // The rows of a query that selects kFind's columns plus client_id last.
  Expected<std::vector<ClientRecord>, store::StoreStatus> list(const char* sql);
  store::Database& db_;
};

}  // namespace sa::clients
