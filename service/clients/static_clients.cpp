#include "clients/static_clients.hpp"

#include <vector>

#include "clients/endpoint_support.hpp"
#include "clients/metadata.hpp"
#include "clients/secrets.hpp"
#include "obs/log.hpp"

namespace sa::clients {

std::optional<std::string> load_static_clients(const config::Config& config,
                                               ClientStore& clients, const Clock& clock) {
  std::vector<ClientRecord> records;
  for (std::size_t i = 0; i < config.clients.size(); ++i) {
    const config::StaticClient& c = config.clients[i];
    ClientMetadata metadata{.redirect_uris = c.redirect_uris,
                            .grant_types = c.grant_types,
                            .token_endpoint_auth_method = c.token_endpoint_auth_method,
                            .jwks = c.jwks,
                            .jwks_uri = c.jwks_uri,
                            .scope = c.scope,
                            .client_name = c.client_name,
                            .launch_uri = c.launch_uri};
    // The config loader checked the shape; this adds the JWKS contents and the RFC 7591 rules.
    if (auto err = normalise_and_validate(metadata)) {
      return "clients[" + std::to_string(i) + "] (" + c.client_id + "): " + err->description;
    }
    ClientRecord record = record_from_metadata(c.client_id, metadata);
    if (uses_client_secret(c.token_endpoint_auth_method)) {
      record.secret_hash = hash_secret(c.client_secret);
    }
    record.issued_at = clock.now_seconds();
    record.is_static = true;
    record.pre_approved = c.pre_approved;
    record.max_scope = record.scope;  // static clients hold what the YAML gives them
    records.push_back(std::move(record));
  }
  const store::StoreStatus status = clients.sync_static(records);
  if (status == store::StoreStatus::conflict) {
    return "a static client_id is already taken by a dynamically registered client";
  }
  if (status != store::StoreStatus::ok) {
    return "cannot store the static clients: " + std::string(store::to_string(status));
  }
  obs::log(obs::Level::info, "static clients loaded", {obs::num("count", records.size())});
  return std::nullopt;
}

}  // namespace sa::clients
