// The JSON the registrar writes: the stored metadata document (no secrets) and the RFC 7591
// §3.2.1 / RFC 7592 §3 client information response built from it. RapidJSON Writer only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "clients/metadata.hpp"

namespace sa::clients {

// Every registered member with the server's defaults, empty members omitted.
std::string metadata_json(const ClientMetadata& metadata);

struct IssuedFields {
  std::int64_t client_id_issued_at = 0;
  std::optional<std::string> client_secret;                 // only when (re)issued
  std::optional<std::int64_t> client_secret_expires_at;     // symmetric clients only; 0 = never
  std::string registration_access_token;
  std::string registration_client_uri;
};

// {"client_id", ...stored metadata..., ...issued fields}.
std::string client_information_json(const std::string& client_id,
                                    const std::string& stored_metadata_json,
                                    const IssuedFields& issued);

}  // namespace sa::clients
