// RFC 7591 client metadata: parses a registration (or RFC 7592 update) request body into a
// normalised ClientMetadata with the server's defaults filled in, or the RFC 7591 §3.2.2 error
// naming the field. Pure: no storage, no HTTP. Unknown members are ignored (RFC 7591 §2) and
// never echoed. Serialising metadata back to JSON lives in client_information.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oauth_core/errors.hpp"
#include "util/expected.hpp"

namespace sa::clients {

struct ClientMetadata {
  std::vector<std::string> redirect_uris;
  std::vector<std::string> grant_types;     // default [authorization_code]
  std::vector<std::string> response_types;  // default [code] with authorization_code
  std::string token_endpoint_auth_method;   // default client_secret_basic
  std::string jwks;                         // inline JWKS as compact JSON text, or empty
  std::string jwks_uri;
  std::string scope;  // space-separated ceiling; empty = none requested
  std::string client_name, client_uri, logo_uri, tos_uri, policy_uri, launch_uri;
  std::vector<std::string> contacts;
  std::string software_id, software_version;
};

// Members of a request body that only RFC 7592 management looks at.
struct ManagementMembers {
  std::optional<std::string> client_id;
  std::optional<std::string> client_secret;
  // Server-assigned members the client must not send back (RFC 7592 §2.2), in document order.
  std::vector<std::string> server_assigned;
};

struct ParsedMetadata {
  ClientMetadata metadata;
  ManagementMembers management;
};

// Malformed JSON or a non-object -> invalid_request; a member of the wrong JSON type or an
// invalid value -> invalid_client_metadata; a bad redirect URI -> invalid_redirect_uri.
Expected<ParsedMetadata, oauth::Error> parse_client_metadata(std::string_view body);

// Fills defaults in and checks every rule (RFC 7591 §2, SMART App Launch 2.2). Used by
// parse_client_metadata and for static clients from the YAML.
std::optional<oauth::Error> normalise_and_validate(ClientMetadata& metadata);

bool uses_client_secret(std::string_view token_endpoint_auth_method);
bool has_grant(const ClientMetadata& metadata, std::string_view grant);

}  // namespace sa::clients
