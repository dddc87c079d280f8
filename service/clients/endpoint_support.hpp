// Small pieces the registrar endpoints share: Bearer token extraction, the JSON Content-Type
// check, and turning validated metadata into a store record. No policy decisions here, and no
// response headers: the router marks the registrar routes no-store (RFC 7591 §3.2.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "clients/metadata.hpp"
#include "http/message.hpp"
#include "clients/client_store.hpp"

namespace sa::clients {

// The token of "Authorization: Bearer <token>" (scheme case-insensitive, RFC 6750 §2.1), or
// nullopt when the header is missing, uses another scheme, or carries an empty token.
std::optional<std::string_view> bearer_token(const http::Request& request);

// application/json, parameters such as charset allowed (RFC 7591 §3).
bool has_json_content_type(const http::Request& request);

// The record for metadata; secrets, timestamps and flags are left to the caller.
ClientRecord record_from_metadata(std::string client_id, const ClientMetadata& metadata);

std::string client_configuration_uri(std::string_view public_base_url, std::string_view client_id);

}  // namespace sa::clients
