// The operator's flags for `smart-auth client add|update` turned into what the registration
// endpoint checks: an RFC 7591 request body (the stored metadata with the flags laid over it),
// then parse_client_metadata and apply_registration_policy, so the CLI and the endpoint share
// one set of rules and one set of field-named errors. No storage here.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "app/cli.hpp"
#include "clients/metadata.hpp"
#include "config/config.hpp"
#include "util/expected.hpp"

namespace sa::app {

std::set<std::string> scope_set(std::string_view scope);

// `base` (the stored metadata JSON, or "{}") with each given flag replacing its member:
// --name, --redirect-uri, --grant-type (dropping response_types so its default follows),
// --scope, --public / --auth-method, --jwks-uri, --jwks (JSON or @FILE; each drops the other).
Expected<std::string, std::string> metadata_body(const std::string& base, const cli::Args& args);

// parse_client_metadata, then the registration policy with `cap`; unlike the endpoint, a scope
// beyond the cap is an error, not trimmed: the operator asked for exactly that scope.
Expected<clients::ClientMetadata, std::string> checked_metadata(const std::string& body,
                                                               const std::string& cap,
                                                               const config::Config& config);

std::optional<bool> yes_no(const std::optional<std::string>& value);  // yes|true / no|false

// RFC 3986 §2.3 unreserved characters only, 1-128 of them, as generated ids are.
bool valid_client_id(const std::string& id);

}  // namespace sa::app
