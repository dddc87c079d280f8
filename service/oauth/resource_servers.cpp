#include "oauth/resource_servers.hpp"

#include "crypto/hash.hpp"

namespace sa::oauth {

ResourceServers::ResourceServers(const config::IntrospectionSettings& settings) {
  for (const auto& rs : settings.resource_servers) {
    entries_.push_back({rs.id, crypto::sha256_b64url(rs.secret), rs.description});
  }
}

const ResourceServers::Entry* ResourceServers::find(std::string_view id) const {
  for (const auto& entry : entries_) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

bool ResourceServers::secret_matches(const Entry& entry, std::string_view secret) {
  // STYLE: Secrets: hashes compared in constant time.
  return crypto::constant_time_equals(crypto::sha256_b64url(secret), entry.secret_hash);
}

}  // namespace sa::oauth
