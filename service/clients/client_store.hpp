// Storage of registered OAuth clients (dynamic, RFC 7591, and static ones from the YAML, which
// are upserted at start). Secrets and registration access tokens are stored only as SHA-256
// hashes. The registrar and client authentication depend on this interface only; the SQLite
// implementation is sqlite_client_store.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::clients {

struct ClientRecord {
  std::string client_id;
  std::string token_endpoint_auth_method;  // none | client_secret_basic | client_secret_post | private_key_jwt
  std::vector<std::string> grant_types;     // authorization_code | refresh_token | client_credentials
  std::vector<std::string> redirect_uris;
  std::string scope;                        // space-separated ceiling for this client
  std::string jwks_json;                    // inline JWKS document or empty
  std::string jwks_uri;                     // or empty
  std::string secret_hash;                  // base64url SHA-256 of client_secret; empty if none
  std::int64_t secret_expires_at = 0;       // 0 = never
  std::string registration_token_hash;      // base64url SHA-256; empty for static clients
  std::int64_t issued_at = 0;
  bool is_static = false;                   // declared in the YAML; not manageable via RFC 7592
  bool pre_approved = false;                // EHR-curated: skip the consent screen
  std::string metadata_json;                // all registered metadata as returned (no secrets)
  // The most `scope` may ever be (space-separated), fixed at registration by the registration
  // policy; RFC 7592 updates are trimmed to it. nullopt: registered before caps were recorded,
  // so registration.max_scope applies.
  std::optional<std::string> max_scope;
};

class ClientStore {
 public:
  virtual ~ClientStore() = default;
  // not_found when there is no such client.
  virtual Expected<ClientRecord, store::StoreStatus> find(std::string_view client_id) = 0;
  // conflict when the client_id exists.
  virtual void insert(ClientRecord client, store::DoneFn done) = 0;
  // not_found when it does not exist.
  virtual void replace(ClientRecord client, store::DoneFn done) = 0;
  // Removes the client and everything issued to it (tokens, via ON DELETE CASCADE).
  virtual void remove(std::string client_id, store::DoneFn done) = 0;
  // Start-up: makes the static clients exactly `clients` (inserts, updates, removes stale).
  virtual store::StoreStatus sync_static(const std::vector<ClientRecord>& clients) = 0;
};

}  // namespace sa::clients
