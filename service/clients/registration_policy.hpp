// What a dynamically registered client may hold (CONTRACT "Registration policy"). Client
// metadata is self-asserted (RFC 7591 §5), so the server trims the requested scope to a cap fixed
// at registration (registration.max_scope, or the max_scope of the initial access token that was
// presented) and refuses client_credentials without a cap that allows system/ scopes or with a
// token_endpoint_auth_method tokens.client_credentials_auth_methods does not list.
// Pure: no HTTP, no storage; who presented which token is the endpoint's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/metadata.hpp"
#include "oauth_core/errors.hpp"

namespace sa::clients {

// Narrows metadata.scope to what `cap` allows (RFC 7591 §3.2.1: the response then shows what was
// kept). invalid_client_metadata naming the member when the scope is malformed or too large, when
// client_credentials comes with a method outside `client_credentials_auth_methods`, or when
// client_credentials comes without a cap that allows system/ scopes.
std::optional<oauth::Error> apply_registration_policy(
    ClientMetadata& metadata, std::string_view cap,
    const std::vector<std::string>& client_credentials_auth_methods);

}  // namespace sa::clients
