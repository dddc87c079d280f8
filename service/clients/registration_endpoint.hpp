// POST /auth/register (RFC 7591 §3): applies the configured registration policy, validates the
// metadata, issues client_id, secret and registration access token, and answers 201 once the
// client is durably stored. Management of an existing client is client_configuration_endpoint.
#pragma once

#include "clients/routes.hpp"
#include "http/router.hpp"

namespace sa::clients {

http::Handler registration_endpoint(const RegistrationServices& services);

}  // namespace sa::clients
