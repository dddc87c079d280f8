// The resource servers (the EHR's FHIR server) that may call the introspection endpoint with
// HTTP Basic id:secret without being registered clients (RFC 7662 §2.1; config
// introspection.resource_servers). Secrets are kept only as SHA-256 hashes and compared in
// constant time. Matching only: the endpoint audits and counts failures.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace sa::oauth {

class ResourceServers {
 public:
  struct Entry {
    std::string id;
    std::string secret_hash;  // crypto::sha256_b64url of the secret
    std::string description;  // for the audit log
  };

  explicit ResourceServers(const config::IntrospectionSettings& settings);

  // The entry with this Basic user name; null if none.
  const Entry* find(std::string_view id) const;
  static bool secret_matches(const Entry& entry, std::string_view secret);

 private:
  std::vector<Entry> entries_;
};

}  // namespace sa::oauth
